// The container records in berth.db: phases of a create/remove, what the DB keeps unique, what
// counts as a leftover, several processes writing at once, the import of the JSON records of
// older versions, and the image store's tables living in the same file.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <set>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "engine/container/container_store.hpp"
#include "engine/events/journal.hpp"
#include "store/image/metadata_db.hpp"
#include "support/failures.hpp"
#include "support/test_support.hpp"

using namespace berth::engine;

namespace {

ContainerRecord makeRec(const std::string& id, const std::string& name, int64_t ns = 1) {
    ContainerRecord r;
    r.id = id;
    r.name = name;
    r.createdNs = ns;
    r.imageId = "sha256:" + std::string(64, 'e');
    r.config = {{"Image", "busybox"}};
    return r;
}

std::string idOf(char c, int n = 0) {
    std::string id(64, c);
    std::string num = std::to_string(n);
    id.replace(64 - num.size(), num.size(), num);
    return id;
}

events::Event eventOf(const std::string& action, const std::string& id) {
    events::Event e;
    e.type = "container";
    e.action = action;
    e.actorId = id;
    return e;
}

// Runs fn in a child process; returns its exit status.
template <typename Fn>
int inChild(Fn fn) {
    pid_t pid = fork();
    if (pid == 0) {
        int rc = 1;
        try {
            rc = fn();
        } catch (...) {
        }
        _exit(rc);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST(ContainerDb, CreatingRowIsHiddenButHoldsTheName) {
    berth::test::TempDir dir;
    ContainerStore store(dir.path());
    auto a = makeRec(idOf('a'), "web");
    store.reserve(a);
    EXPECT_TRUE(store.list().empty());
    EXPECT_FALSE(store.find("web"));
    EXPECT_FALSE(store.find(a.id));
    try {
        store.reserve(makeRec(idOf('b'), "web"));
        FAIL() << "a second create took the name";
    } catch (const NameConflict& e) {
        EXPECT_EQ(e.otherId(), a.id);
        EXPECT_NE(std::string(e.what()).find("Conflict. The container name \"/web\" is already in use"),
                  std::string::npos);
    }
    auto entry = store.entry(a.id);
    ASSERT_TRUE(entry);
    EXPECT_EQ(entry->phase, RecordPhase::Creating);
    EXPECT_EQ(entry->ownerPid, getpid());
    EXPECT_TRUE(entry->ownerAlive());

    a.path = "sleep";
    store.save(a);
    ASSERT_EQ(store.list().size(), 1u);
    EXPECT_EQ(store.get("web").path, "sleep");
    EXPECT_EQ(store.entry(a.id)->phase, RecordPhase::Ready);
    EXPECT_EQ(store.entry(a.id)->ownerPid, 0);
}

TEST(ContainerDb, IdPrefixLookupIsARangeWithDockersAmbiguityError) {
    berth::test::TempDir dir;
    ContainerStore store(dir.path());
    std::string ab = "ab" + std::string(62, '1'), ac = "ac" + std::string(62, '2');
    std::string hidden = "ad" + std::string(62, '3');
    for (auto* id : {&ab, &ac}) {
        auto r = makeRec(*id, "n" + id->substr(0, 2));
        store.reserve(r);
        store.save(r);
    }
    store.reserve(makeRec(hidden, "creating"));  // still creating: no prefix finds it
    EXPECT_EQ(store.get("ab").id, ab);
    EXPECT_EQ(store.get("ac2").id, ac);
    EXPECT_EQ(store.get(ab).id, ab);
    EXPECT_FALSE(store.find("ad"));
    EXPECT_FALSE(store.find("ae"));
    EXPECT_FALSE(store.find("AB"));   // IDs are lowercase
    EXPECT_FALSE(store.find("ab-"));  // not hex: no prefix of an ID
    EXPECT_EQ(store.get("nab").id, ab);  // a name still wins
    try {
        store.find("a");
        FAIL() << "an ambiguous prefix found one";
    } catch (const berth::Error& e) {
        EXPECT_EQ(std::string(e.what()), "Multiple IDs found with provided prefix: a");
    }
}

TEST(ContainerDb, RenameToTakenNameIsRefused) {
    berth::test::TempDir dir;
    ContainerStore store(dir.path());
    store.save(makeRec(idOf('a'), "one", 1));
    auto b = makeRec(idOf('b'), "two", 2);
    store.save(b);
    b.name = "one";
    EXPECT_THROW(store.save(b), NameConflict);
    EXPECT_EQ(store.get("two").id, b.id);  // unchanged
    b.name = "three";
    store.save(b);
    EXPECT_EQ(store.get("three").id, b.id);
    EXPECT_FALSE(store.find("two"));
    // The same ID twice is refused by the primary key.
    EXPECT_THROW(store.reserve(makeRec(idOf('a'), "other")), berth::Error);
}

TEST(ContainerDb, RemovingRowStaysListedUntilRemoved) {
    berth::test::TempDir dir;
    ContainerStore store(dir.path());
    auto a = makeRec(idOf('a'), "web");
    berth::mkdirAll(store.dir(a.id) + "/upper");
    store.save(a);
    store.markRemoving(a.id);
    EXPECT_EQ(store.entry(a.id)->phase, RecordPhase::Removing);
    EXPECT_EQ(store.list().size(), 1u);  // a killed rm leaves it visible; rm -f again finishes
    store.markRemoving(a.id);           // the same process again: fine
    store.remove(a.id);
    EXPECT_FALSE(store.entry(a.id));
    EXPECT_FALSE(berth::pathExists(store.dir(a.id)));
}

TEST(ContainerDb, RemovalByAnotherLiveProcessIsRefused) {
    berth::test::TempDir dir;
    ContainerStore store(dir.path());
    auto a = makeRec(idOf('a'), "web");
    store.save(a);
    int pipeFds[2];
    ASSERT_EQ(pipe(pipeFds), 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(pipeFds[0]);
        ContainerStore mine(dir.path());
        mine.markRemoving(a.id);
        (void)!write(pipeFds[1], "x", 1);
        pause();  // stays alive: a removal in progress
        _exit(0);
    }
    close(pipeFds[1]);
    char c;
    ASSERT_EQ(read(pipeFds[0], &c, 1), 1);
    try {
        store.markRemoving(a.id);
        ADD_FAILURE() << "took over a live removal";
    } catch (const berth::Error& e) {
        EXPECT_NE(std::string(e.what()).find("removal of container web is already in progress"),
                  std::string::npos);
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    store.markRemoving(a.id);  // its owner is gone: taken over
    EXPECT_EQ(store.entry(a.id)->ownerPid, getpid());
    close(pipeFds[0]);
}

TEST(ContainerDb, LeftoversAreDirsWithoutRowsAndDeadCreates) {
    berth::test::TempDir dir;
    ContainerStore store(dir.path());
    auto ready = makeRec(idOf('a'), "ready");
    berth::mkdirAll(store.dir(ready.id));
    store.save(ready);
    berth::mkdirAll(store.dir(idOf('b')));  // a dir without a row
    auto mine = makeRec(idOf('c'), "mine");
    store.reserve(mine);  // a create of this (live) process: not a leftover
    // A create whose process died after reserving.
    EXPECT_EQ(inChild([&] {
                  ContainerStore s(dir.path());
                  s.reserve(makeRec(idOf('d'), "dead"));
                  berth::mkdirAll(s.dir(idOf('d')));
                  return 0;
              }),
              0);
    auto left = store.leftoverIds();
    EXPECT_EQ(left, (std::vector<std::string>{idOf('b'), idOf('d')}));
    EXPECT_FALSE(store.entry(idOf('d'))->ownerAlive());
    EXPECT_EQ(store.dirIds(), (std::vector<std::string>{idOf('a'), idOf('b'), idOf('d')}));
    store.remove(idOf('d'));
    store.remove(idOf('b'));
    EXPECT_TRUE(store.leftoverIds().empty());
    // A row whose directory is gone is not a create leftover; check finds it via dirIds().
    EXPECT_TRUE(store.forget(ready.id));
    EXPECT_FALSE(store.find("ready"));
    EXPECT_FALSE(store.forget(ready.id));  // a second remover finds nothing to delete
}

// create's and remove's single commit: the record and the events recorded inside it (the
// journal shares the connection) commit together, or not at all.
TEST(ContainerDb, TransactionCommitsRecordAndEventsTogether) {
    berth::test::TempDir dir;
    ContainerStore store(dir.path());
    auto& journal = events::journalFor(dir.path());
    auto rec = makeRec(idOf('a'), "web");
    store.reserve(rec);
    store.transaction([&] {
        store.save(rec);
        journal.record(eventOf("create", rec.id));
    });
    EXPECT_TRUE(store.find("web"));
    EXPECT_EQ(journal.query({}).size(), 1u);
    auto other = makeRec(idOf('b'), "db");
    store.reserve(other);
    EXPECT_THROW(store.transaction([&] {
                     store.save(other);
                     journal.record(eventOf("create", other.id));
                     throw berth::Error("killed midway");
                 }),
                 berth::Error);
    EXPECT_FALSE(store.find("db"));  // still "creating": hidden
    EXPECT_EQ(store.entry(other.id)->phase, RecordPhase::Creating);
    EXPECT_EQ(journal.query({}).size(), 1u);
}

TEST(ContainerDb, SurvivesReopenAndConcurrentWriters) {
    berth::test::TempDir dir;
    {
        ContainerStore store(dir.path());
        store.save(makeRec(idOf('a'), "first", 1));
    }
    constexpr int kProcs = 4, kEach = 40;
    auto write = [&](int p) {
        ContainerStore s(dir.path());
        for (int i = 0; i < kEach; ++i) {
            auto r = makeRec(idOf(char('b' + p), i), "c" + std::to_string(p) + "_" + std::to_string(i), 10 + i);
            s.reserve(r);
            s.save(r);
            // Everybody also fights for one name: exactly one wins.
            try {
                s.reserve(makeRec(idOf(char('b' + p), 1000 + i), "contended" + std::to_string(i)));
            } catch (const NameConflict&) {
            }
        }
    };
    EXPECT_EQ(berth::test::failedChildren(kProcs, write), 0);
    ContainerStore store(dir.path());
    auto all = store.list();
    EXPECT_EQ(all.size(), size_t(1 + kProcs * kEach));
    EXPECT_EQ(all.front().name, "first");
    std::set<std::string> names;
    for (auto& r : all) EXPECT_TRUE(names.insert(r.name).second);
    int contended = 0;
    for (auto& e : store.entries())
        if (e.rec.name.rfind("contended", 0) == 0) ++contended;
    EXPECT_EQ(contended, kEach);  // one row per contended name
}

TEST(ContainerDb, ImportsJsonRecordsOnce) {
    berth::test::TempDir dir;
    auto old = makeRec(idOf('a'), "old");
    old.started = true;
    berth::mkdirAll(dir.path() + "/containers/" + old.id);
    berth::writeFile(dir.path() + "/containers/" + old.id + "/container.json", old.toJson().dump());
    ContainerStore store(dir.path());
    auto got = store.get("old");
    EXPECT_EQ(got.id, old.id);
    EXPECT_TRUE(got.started);
    EXPECT_FALSE(berth::pathExists(store.dir(old.id) + "/container.json"));
    store.forget(old.id);
    ContainerStore again(dir.path());  // not imported twice
    EXPECT_FALSE(again.find("old"));
}

TEST(ContainerDb, SharesTheFileWithTheImageStore) {
    berth::test::TempDir dir;
    berth::store::MetadataDb images(dir.path() + "/berth.db");
    ContainerStore store(dir.path());
    store.save(makeRec(idOf('a'), "web"));
    berth::store::MetadataDb again(dir.path() + "/berth.db");
    EXPECT_TRUE(again.images().empty());
    EXPECT_EQ(ContainerStore(dir.path()).get("web").id, idOf('a'));
}
