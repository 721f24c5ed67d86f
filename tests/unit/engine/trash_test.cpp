// <root>/trash (engine/trash): a removed directory is moved in and deleted by berth-trash in the
// background, or here when no deleter can be started; leftovers while a deleter works.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "common/dir_entries.hpp"
#include "common/fd.hpp"
#include "common/file_io.hpp"
#include "engine/trash/trash.hpp"
#include "support/test_support.hpp"

namespace berth::engine {
namespace {

std::string makeContainerDir(const std::string& root, const std::string& name) {
    std::string dir = root + "/containers/" + name;
    mkdirAll(dir + "/upper/etc");
    writeFile(dir + "/upper/etc/hosts", "127.0.0.1 localhost\n");
    writeFile(dir + "/config.json", "{}");
    return dir;
}

bool emptiedWithin(const std::string& trashDir, std::chrono::seconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!dirEntries(trashDir).empty()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

TEST(Trash, TheDeleterEmptiesItInTheBackground) {
    test::TempDir root;
    std::string trashDir = root.path() + "/trash";
    for (auto name : {"a", "b", "c"}) {
        std::string dir = makeContainerDir(root.path(), name);
        trash::discard(trashDir, dir, name, test::binPath("berth-trash"));
        EXPECT_FALSE(pathExists(dir));
    }
    EXPECT_TRUE(emptiedWithin(trashDir, std::chrono::seconds(20)));
    EXPECT_TRUE(trash::leftovers(trashDir).empty());
}

TEST(Trash, WithoutADeleterItIsEmptiedInPlace) {
    test::TempDir root;
    std::string trashDir = root.path() + "/trash";
    std::string dir = makeContainerDir(root.path(), "a");
    trash::discard(trashDir, dir, "a", root.path() + "/no-such-berth-trash");
    EXPECT_FALSE(pathExists(dir));
    EXPECT_TRUE(dirEntries(trashDir).empty());
    trash::discard(trashDir, root.path() + "/containers/gone", "gone", "");  // a missing dir is fine
}

TEST(Trash, LeftoversAreHiddenWhileADeleterHoldsTheLock) {
    test::TempDir root;
    std::string trashDir = root.path() + "/trash";
    mkdirAll(trashDir + "/x/upper");
    EXPECT_EQ(trash::leftovers(trashDir), (std::vector<std::string>{trashDir + "/x"}));
    UniqueFd lock(::open(trashDir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    ASSERT_EQ(::flock(lock.get(), LOCK_EX | LOCK_NB), 0);  // as a deleter at work holds it
    EXPECT_TRUE(trash::leftovers(trashDir).empty());  // (its own open: the flocks conflict)
}

}  // namespace
}  // namespace berth::engine
