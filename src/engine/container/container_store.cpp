#include "engine/container/container_store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>

#include "common/file_io.hpp"
#include "engine/monitor/monitor.hpp"
#include "store/db/sqlite_db.hpp"

namespace berth::engine {

namespace {

using db::SqliteDb;
using Stmt = SqliteDb::Stmt;

// phase: creating | ready | removing. owner_*: the process doing the create/remove (pid and
// its start time, so a reused pid is not mistaken for it).
constexpr const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS containers(
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_ns INTEGER NOT NULL DEFAULT 0,
  image_id TEXT NOT NULL DEFAULT '',
  phase TEXT NOT NULL DEFAULT 'ready' CHECK(phase IN ('creating','ready','removing')),
  owner_pid INTEGER NOT NULL DEFAULT 0,
  owner_start INTEGER NOT NULL DEFAULT 0,
  record TEXT NOT NULL DEFAULT '{}');
CREATE INDEX IF NOT EXISTS containers_created ON containers(created_ns);
CREATE TABLE IF NOT EXISTS engine_meta(
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL);
)SQL";


RecordPhase phaseFrom(const std::string& s) {
    if (s == "creating") return RecordPhase::Creating;
    if (s == "removing") return RecordPhase::Removing;
    return RecordPhase::Ready;
}

RecordEntry entryFrom(const Stmt& s) {
    RecordEntry e;
    auto doc = nlohmann::json::parse(s.text(6), nullptr, false);
    if (doc.is_object() && doc.contains("Id")) {
        try {
            e.rec = ContainerRecord::fromJson(doc);
        } catch (const std::exception&) {
        }
    }
    // The columns are authoritative for what the DB keeps unique.
    e.rec.id = s.text(0);
    e.rec.name = s.text(1);
    e.rec.createdNs = s.i64(2);
    e.phase = phaseFrom(s.text(3));
    e.ownerPid = static_cast<pid_t>(s.i64(4));
    e.ownerStart = static_cast<uint64_t>(s.i64(5));
    return e;
}

uint64_t selfStart() {
    // Cached per pid: a forked child is another owner.
    static pid_t cachedPid = 0;
    static uint64_t cachedStart = 0;
    if (cachedPid != ::getpid()) {
        cachedStart = monitor::processStartTime(::getpid());
        cachedPid = ::getpid();
    }
    return cachedStart;
}

bool isContainerId(const std::string& s) {
    return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::string stripSlash(const std::string& name) {
    return !name.empty() && name[0] == '/' ? name.substr(1) : name;
}

// The row holding `name` (any phase), if any.
std::optional<RecordEntry> holderOf(SqliteDb& db, const std::string& name) {
    Stmt s(db, "SELECT id, name, created_ns, phase, owner_pid, owner_start, record FROM containers"
               " WHERE name=?");
    if (!s.bind(1, name).step()) return std::nullopt;
    return entryFrom(s);
}

}  // namespace

const char* recordPhaseName(RecordPhase p) {
    switch (p) {
    case RecordPhase::Creating: return "creating";
    case RecordPhase::Removing: return "removing";
    default: return "ready";
    }
}

bool RecordEntry::ownerAlive() const {
    if (ownerPid <= 0) return false;
    char state = 0;
    uint64_t start = monitor::processStartTime(ownerPid, &state);
    return start != 0 && start == ownerStart && state != 'Z' && state != 'X';
}

namespace {

std::shared_ptr<SqliteDb> openIn(const std::string& root) {
    mkdirAll(root + "/containers", 0710);  // berth.db's directory too
    return SqliteDb::shared(root + "/berth.db");
}

}  // namespace

ContainerStore::ContainerStore(std::string root) : ContainerStore(root, openIn(root)) {}

ContainerStore::ContainerStore(std::string root, std::shared_ptr<db::SqliteDb> conn)
    : root_(std::move(root)), containersDir_(root_ + "/containers"), db_(std::move(conn)) {
    mkdirAll(containersDir_, 0710);
    bool created = withContext("create the containers table in " + db_->path(),
                               [&] { return db_->ensureSchema(kSchema); });
    if (created) importJsonRecords();
}

ContainerStore::~ContainerStore() = default;

void ContainerStore::importJsonRecords() const {
    // Once per database: containers/<id>/container.json from before the records moved here.
    std::vector<std::string> imported;
    db_->write([&] {
        Stmt done(*db_, "SELECT 1 FROM engine_meta WHERE key='json_records_imported'");
        if (done.step()) return;
        for (auto& id : dirIds()) {
            std::string path = dir(id) + "/container.json";
            ContainerRecord r;
            try {
                r = ContainerRecord::fromJson(nlohmann::json::parse(readFile(path)));
            } catch (const std::exception&) {
                continue;  // no record: a crash leftover, system check's business
            }
            Stmt ins(*db_,
                     "INSERT OR IGNORE INTO containers(id, name, created_ns, image_id, phase, record)"
                     " VALUES(?,?,?,?,'ready',?)");
            ins.bind(1, r.id).bind(2, r.name).bind(3, r.createdNs).bind(4, r.imageId);
            ins.bind(5, r.toJson().dump()).step();
            imported.push_back(path);
        }
        Stmt mark(*db_, "INSERT INTO engine_meta(key, value) VALUES('json_records_imported', '1')");
        mark.step();
    });
    for (auto& p : imported) ::unlink(p.c_str());
}

UniqueFd ContainerStore::lock() const {
    std::string path = containersDir_ + "/.lock";
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd) throw SysError("open " + path);
    while (::flock(fd.get(), LOCK_EX) != 0)
        if (errno != EINTR) throw SysError("flock " + path);
    return fd;
}

std::vector<ContainerRecord> ContainerStore::list() const {
    std::vector<ContainerRecord> out;
    db_->read([&] {
        Stmt s(*db_, "SELECT id, name, created_ns, phase, owner_pid, owner_start, record"
                     " FROM containers WHERE phase!='creating' ORDER BY created_ns, id");
        while (s.step()) out.push_back(entryFrom(s).rec);
    });
    return out;
}

std::vector<RecordEntry> ContainerStore::entries() const {
    std::vector<RecordEntry> out;
    db_->read([&] {
        Stmt s(*db_, "SELECT id, name, created_ns, phase, owner_pid, owner_start, record"
                     " FROM containers ORDER BY created_ns, id");
        while (s.step()) out.push_back(entryFrom(s));
    });
    return out;
}

std::optional<RecordEntry> ContainerStore::entry(const std::string& id) const {
    std::optional<RecordEntry> out;
    Stmt s(*db_, "SELECT id, name, created_ns, phase, owner_pid, owner_start, record"
                 " FROM containers WHERE id=?");
    if (s.bind(1, id).step()) out = entryFrom(s);
    return out;
}

std::optional<ContainerRecord> ContainerStore::byName(const std::string& name) const {
    auto e = holderOf(*db_, stripSlash(name));
    if (!e) return std::nullopt;
    return e->rec;
}

std::optional<ContainerRecord> ContainerStore::find(const std::string& key) const {
    if (key.empty()) return std::nullopt;
    std::optional<ContainerRecord> match;
    db_->read([&] {
        {
            Stmt s(*db_, "SELECT id, name, created_ns, phase, owner_pid, owner_start, record"
                         " FROM containers WHERE phase!='creating' AND id=?");
            if (s.bind(1, key).step()) {
                match = entryFrom(s).rec;
                return;
            }
        }
        {
            Stmt s(*db_, "SELECT id, name, created_ns, phase, owner_pid, owner_start, record"
                         " FROM containers WHERE phase!='creating' AND name=?");
            if (s.bind(1, stripSlash(key)).step()) {
                match = entryFrom(s).rec;
                return;
            }
        }
        // IDs are lowercase hex: anything else is no prefix of one (moby's truncindex agrees).
        if (key.find_first_not_of("0123456789abcdef") != std::string::npos) return;
        // A range of the primary key's index, not a scan of every row.
        Stmt s(*db_, "SELECT id, name, created_ns, phase, owner_pid, owner_start, record"
                     " FROM containers WHERE id>=? AND id<? AND phase!='creating' LIMIT 2");
        s.bind(1, key).bind(2, db::prefixUpperBound(key));
        if (s.step()) {
            match = entryFrom(s).rec;
            if (s.step()) throw Error("Multiple IDs found with provided prefix: " + key);
        }
    });
    return match;
}

ContainerRecord ContainerStore::get(const std::string& key) const {
    auto r = find(key);
    if (!r) throw NoSuchContainer(key);
    return *r;
}

void ContainerStore::reserve(const ContainerRecord& rec) const {
    db_->write([&] {
        if (auto other = holderOf(*db_, rec.name)) throw NameConflict(rec.name, other->rec.id);
        Stmt s(*db_,
               "INSERT INTO containers(id, name, created_ns, image_id, phase, owner_pid, owner_start,"
               " record) VALUES(?,?,?,?,'creating',?,?,?)");
        s.bind(1, rec.id).bind(2, rec.name).bind(3, rec.createdNs).bind(4, rec.imageId);
        s.bind(5, int64_t(::getpid())).bind(6, int64_t(selfStart())).bind(7, rec.toJson().dump());
        withContext("reserve container " + rec.id, [&] { s.step(); });
    });
}

void ContainerStore::save(const ContainerRecord& rec) const {
    db_->write([&] {
        if (auto other = holderOf(*db_, rec.name); other && other->rec.id != rec.id)
            throw NameConflict(rec.name, other->rec.id);
        Stmt up(*db_,
                "UPDATE containers SET name=?, created_ns=?, image_id=?, record=?,"
                " phase=CASE phase WHEN 'creating' THEN 'ready' ELSE phase END,"
                " owner_pid=CASE phase WHEN 'creating' THEN 0 ELSE owner_pid END,"
                " owner_start=CASE phase WHEN 'creating' THEN 0 ELSE owner_start END"
                " WHERE id=?");
        up.bind(1, rec.name).bind(2, rec.createdNs).bind(3, rec.imageId);
        up.bind(4, rec.toJson().dump()).bind(5, rec.id).step();
        if (db_->changes() > 0) return;
        Stmt ins(*db_,
                 "INSERT INTO containers(id, name, created_ns, image_id, phase, record)"
                 " VALUES(?,?,?,?,'ready',?)");
        ins.bind(1, rec.id).bind(2, rec.name).bind(3, rec.createdNs).bind(4, rec.imageId);
        ins.bind(5, rec.toJson().dump()).step();
    });
}

void ContainerStore::markRemoving(const std::string& id) const {
    db_->write([&] {
        auto e = entry(id);
        if (!e) throw NoSuchContainer(id);
        if (e->phase == RecordPhase::Removing && e->ownerAlive() && e->ownerPid != ::getpid())
            throw Error("removal of container " + e->rec.name + " is already in progress", EBUSY);
        Stmt s(*db_, "UPDATE containers SET phase='removing', owner_pid=?, owner_start=? WHERE id=?");
        s.bind(1, int64_t(::getpid())).bind(2, int64_t(selfStart())).bind(3, id).step();
    });
}

void ContainerStore::remove(const std::string& id) const {
    removeAll(dir(id));
    forget(id);
}

bool ContainerStore::forget(const std::string& id) const {
    bool found = false;
    db_->write([&] {
        Stmt s(*db_, "DELETE FROM containers WHERE id=?");
        s.bind(1, id).step();
        found = db_->changes() > 0;
    });
    return found;
}

void ContainerStore::transaction(const std::function<void()>& fn) const { db_->write(fn); }

std::vector<std::string> ContainerStore::dirIds() const {
    std::vector<std::string> out;
    DIR* d = ::opendir(containersDir_.c_str());
    if (!d) throw SysError("open " + containersDir_);
    while (auto* e = ::readdir(d))
        if (isContainerId(e->d_name)) out.push_back(e->d_name);
    ::closedir(d);
    std::sort(out.begin(), out.end());
    return out;
}

std::vector<std::string> ContainerStore::leftoverIds() const {
    std::vector<std::string> out;
    std::vector<std::string> dirs = dirIds();
    auto rows = entries();
    for (auto& id : dirs) {
        bool hasRow = std::any_of(rows.begin(), rows.end(),
                                  [&](const RecordEntry& e) { return e.rec.id == id; });
        if (!hasRow) out.push_back(id);
    }
    for (auto& e : rows)
        if (e.phase == RecordPhase::Creating && !e.ownerAlive()) out.push_back(e.rec.id);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

}  // namespace berth::engine
