// Crash safety (issue 4): kill -9 at any moment of a load leaves a store that lists fine, shows
// no half blob, holds no temp leftovers once reopened, and completes the next load.
#include <dirent.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/file_io.hpp"
#include "integration/unpack/fixture_tree.hpp"
#include "store/blob_store.hpp"
#include "store/image_store.hpp"
#include "support/test_support.hpp"

using namespace berth;
using namespace berth::store;

namespace {

std::vector<std::string> ls(const std::string& dir) {
    std::vector<std::string> out;
    if (DIR* d = ::opendir(dir.c_str())) {
        while (dirent* e = ::readdir(d))
            if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") out.push_back(e->d_name);
        ::closedir(d);
    }
    return out;
}

}  // namespace

TEST(StoreCrash, KillDuringLoadLeavesAUsableStore) {
    BERTH_REQUIRE_ROOT();
    test::TempDir tmp("berth-store-crash");
    const std::string root = tmp / "root";
    const std::vector<std::string> fixtures = {"multilayer.oci-gzip.tar", "multilayer.docker.tar",
                                               "busybox.docker.tar"};
    int killedMidway = 0;
    for (int round = 0; round < 12; ++round) {
        // Every other round starts from an empty store (the kill then hits blob writes and
        // unpacks); the others from what the last round left (a half store plus one image).
        if (round % 2 == 0) removeAll(root);
        int ready[2];
        ASSERT_EQ(::pipe(ready), 0);
        pid_t pid = fork();
        ASSERT_GE(pid, 0);
        if (pid == 0) {
            ::close(ready[0]);
            try {
                ImageStore s = ImageStore::open(root);
                (void)!::write(ready[1], "x", 1);
                for (const auto& f : fixtures) s.load(test::fixturePath("images/" + f));
            } catch (...) {
                _exit(1);
            }
            _exit(0);
        }
        ::close(ready[1]);
        char c;
        (void)!::read(ready[0], &c, 1);  // the child opened the store: loads start now
        ::close(ready[0]);
        ::usleep(static_cast<useconds_t>(1000 + round * 4000));
        ::kill(pid, SIGKILL);
        int st = 0;
        ::waitpid(pid, &st, 0);
        if (WIFSIGNALED(st)) ++killedMidway;

        // The store opens and lists; every visible blob is complete.
        ImageStore s = ImageStore::open(root);
        ASSERT_NO_THROW(s.list()) << "round " << round;
        BlobStore blobs(root);
        for (const auto& d : blobs.list()) EXPECT_EQ(sha256Of(blobs.read(d)), d) << "half blob " << d.str();
        EXPECT_TRUE(ls(root + "/tmp").empty()) << "round " << round;
        EXPECT_TRUE(ls(root + "/blobs/tmp").empty()) << "round " << round;
        for (const auto& n : ls(root + "/layers")) EXPECT_EQ(n.find(".unpack-"), std::string::npos) << n;
        // Every listed image is whole.
        for (const auto& row : s.list())
            for (const auto& d : s.layers(row.id.str()).dirs) EXPECT_TRUE(pathExists(d)) << d;

        // The next load completes and gives Docker's tree.
        LoadResult r = s.load(test::fixturePath("images/multilayer.oci-gzip.tar"));
        ASSERT_EQ(r.images.size(), 1u);
        auto want = test::expectedTree();
        // The bottom layer is busybox; /data is built by the two upper layers: check they exist.
        for (const auto& d : s.layers(r.images[0].id.str()).dirs) EXPECT_TRUE(pathExists(d)) << d;
        s.gc();
    }
    EXPECT_GT(killedMidway, 3) << "the loads finished before the kill: the test proves little";
}
