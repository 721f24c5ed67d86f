// The container lifecycle through the `berth` binary, as root, on a private --root with the
// busybox fixture image: run/ps/stop/rm/logs/inspect, exit codes, and bad input that must leave
// nothing behind (no records, dirs or mounts).
#include <gtest/gtest.h>

#include <dirent.h>
#include <unistd.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "support/test_support.hpp"

using berth::test::binPath;
using berth::test::CommandResult;
using berth::test::fixturePath;
using berth::test::runCommand;
using berth::test::TempDir;

namespace {

struct NoImages : berth::engine::ImageSource {
    berth::engine::ResolvedImage resolve(const std::string& ref) override {
        throw berth::Error("No such image: " + ref);
    }
};

class EngineCli : public ::testing::Test {
  protected:
    void SetUp() override {
        BERTH_REQUIRE_ROOT();
        dir_ = std::make_unique<TempDir>("berth-engine-it");
        root_ = dir_->path() + "/root";
        auto load = berth({"load", "-i", fixturePath("images/busybox.docker.tar")});
        ASSERT_EQ(load.exitCode, 0) << load.err;
        auto tag = berth({"tag", "fixture/busybox:1", "busybox:latest"});
        ASSERT_EQ(tag.exitCode, 0) << tag.err;
    }
    void TearDown() override {
        if (!dir_) return;
        auto ids = berth({"ps", "-aq", "--no-trunc"});
        std::istringstream in(ids.out);
        std::string id;
        while (std::getline(in, id))
            if (!id.empty()) berth({"rm", "-f", id});
        dir_.reset();
    }

    CommandResult berth(std::vector<std::string> args, int timeout = 60) {
        args.insert(args.begin(), {binPath("berth"), "--root", root_});
        return runCommand(args, "", timeout);
    }

    // Entries of containers/ other than the lock file.
    std::vector<std::string> containerDirs() {
        std::vector<std::string> out;
        DIR* d = opendir((root_ + "/containers").c_str());
        if (!d) return out;
        while (auto* e = readdir(d)) {
            std::string n = e->d_name;
            if (n != "." && n != ".." && n != ".lock") out.push_back(n);
        }
        closedir(d);
        return out;
    }

    int mountsUnderRoot() {
        std::ifstream in("/proc/self/mountinfo");
        std::string line;
        int n = 0;
        while (std::getline(in, line))
            if (line.find(root_) != std::string::npos) ++n;
        return n;
    }

    std::unique_ptr<TempDir> dir_;
    std::string root_;
};

TEST_F(EngineCli, RunEchoOk) {
    auto r = berth({"run", "--rm", "busybox", "echo", "ok"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.out, "ok\n");
    EXPECT_TRUE(containerDirs().empty());
    EXPECT_EQ(mountsUnderRoot(), 0);
}

TEST_F(EngineCli, ExitCodeAndStderrPropagate) {
    auto r = berth({"run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2; exit 7"});
    EXPECT_EQ(r.exitCode, 7);
    EXPECT_EQ(r.out, "out\n");
    EXPECT_EQ(r.err, "err\n");
    EXPECT_EQ(berth({"run", "--rm", "busybox", "busybox", "false"}).exitCode, 1);
    // docker: 127 when the command does not exist in the image
    auto missing = berth({"run", "--rm", "busybox", "no-such-cmd"});
    EXPECT_EQ(missing.exitCode, 127);
    EXPECT_NE(missing.err.find("no-such-cmd"), std::string::npos) << missing.err;
    EXPECT_TRUE(containerDirs().empty());
}

TEST_F(EngineCli, DetachPsStopRm) {
    auto run = berth({"run", "-d", "--name", "web", "busybox", "sleep", "100"});
    ASSERT_EQ(run.exitCode, 0) << run.err;
    std::string id = run.out.substr(0, run.out.find('\n'));
    EXPECT_EQ(id.size(), 64u);
    auto ps = berth({"ps", "--format", "{{.ID}} {{.Names}} {{.State}}"});
    EXPECT_EQ(ps.out, id.substr(0, 12) + " web running\n");
    auto rmRunning = berth({"rm", "web"});
    EXPECT_EQ(rmRunning.exitCode, 1);
    EXPECT_NE(rmRunning.err.find("container is running: stop the container before removing or force remove"),
              std::string::npos) << rmRunning.err;
    auto stop = berth({"stop", "-t", "1", "web"});
    EXPECT_EQ(stop.exitCode, 0) << stop.err;
    EXPECT_EQ(stop.out, "web\n");
    EXPECT_EQ(berth({"ps", "-q"}).out, "");
    auto psa = berth({"ps", "-a", "--format", "{{.Names}} {{.Status}}"});
    EXPECT_EQ(psa.out.rfind("web Exited (137)", 0), 0u) << psa.out;
    auto st = berth({"container", "inspect", "-f", "{{.State.Status}} {{.State.ExitCode}} {{.Name}}", "web"});
    EXPECT_EQ(st.out, "exited 137 /web\n");
    EXPECT_EQ(berth({"rm", "web"}).exitCode, 0);
    EXPECT_EQ(berth({"ps", "-aq"}).out, "");
    EXPECT_TRUE(containerDirs().empty());
    EXPECT_EQ(mountsUnderRoot(), 0);
}

TEST_F(EngineCli, RunOptionsReachTheContainer) {
    auto r = berth({"run", "--rm", "-u", "65534:65534", "-w", "/tmp", "-e", "FOO=bar", "-h", "myhost",
                    "busybox", "sh", "-c", "id -u; id -g; pwd; echo $FOO; hostname"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.out, "65534\n65534\n/tmp\nbar\nmyhost\n");
    auto ro = berth({"run", "--rm", "--read-only", "busybox", "busybox", "touch", "/x"});
    EXPECT_NE(ro.exitCode, 0);
    auto caps = berth({"run", "--rm", "--cap-drop", "ALL", "busybox", "busybox", "grep", "CapBnd", "/proc/self/status"});
    EXPECT_EQ(caps.out, "CapBnd:\t0000000000000000\n") << caps.err;
    auto init = berth({"run", "--rm", "--init", "busybox", "cat", "/proc/1/cmdline"});
    EXPECT_EQ(init.exitCode, 0) << init.err;
    EXPECT_EQ(init.out.substr(0, init.out.find('\0')), "/sbin/docker-init");
}

TEST_F(EngineCli, DetachedRmRemovesTheContainerOnExit) {
    auto run = berth({"run", "-d", "--rm", "busybox", "true"});
    ASSERT_EQ(run.exitCode, 0) << run.err;
    for (int i = 0; i < 100 && !containerDirs().empty(); ++i) usleep(50'000);
    EXPECT_TRUE(containerDirs().empty());
    EXPECT_EQ(berth({"ps", "-aq"}).out, "");
    EXPECT_EQ(mountsUnderRoot(), 0);
}

TEST_F(EngineCli, LogsAndWait) {
    auto run = berth({"run", "-d", "--name", "talk", "busybox", "sh", "-c", "echo hello; echo oops >&2; exit 4"});
    ASSERT_EQ(run.exitCode, 0) << run.err;
    auto w = berth({"wait", "talk"});
    EXPECT_EQ(w.out, "4\n");
    auto logs = berth({"logs", "talk"});
    EXPECT_EQ(logs.out, "hello\n");
    EXPECT_EQ(logs.err, "oops\n");
}

TEST_F(EngineCli, InteractiveStdin) {
    std::vector<std::string> args = {binPath("berth"), "--root", root_, "run", "--rm", "-i", "busybox", "cat"};
    auto r = runCommand(args, "hello\nworld\n");
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.out, "hello\nworld\n");
}

// A create killed midway leaves a dir without a record (and its overlay mount); the next create
// removes it under the containers lock.
TEST_F(EngineCli, LeftoversOfAKilledCreateAreCleaned) {
    ASSERT_EQ(berth({"create", "busybox", "true"}).exitCode, 0);
    auto dirs = containerDirs();
    ASSERT_EQ(dirs.size(), 1u);
    // As if killed before the row was written: a dir (with its overlay mount) and no row.
    berth::engine::ContainerStore(root_).forget(dirs[0]);
    EXPECT_EQ(berth({"ps", "-aq"}).out, "");
    ASSERT_EQ(berth({"run", "--rm", "busybox", "true"}).exitCode, 0);
    NoImages none;
    berth::engine::Engine eng({root_, "", "berth-runtime"}, none);
    EXPECT_EQ(eng.cleanupLeftovers(), dirs);
    EXPECT_TRUE(containerDirs().empty());
    EXPECT_EQ(mountsUnderRoot(), 0);
}

TEST_F(EngineCli, NameConflict) {
    ASSERT_EQ(berth({"create", "--name", "dup", "busybox", "true"}).exitCode, 0);
    auto again = berth({"create", "--name", "dup", "busybox", "true"});
    EXPECT_EQ(again.exitCode, 125);
    EXPECT_NE(again.err.find("Conflict. The container name \"/dup\" is already in use by container"),
              std::string::npos) << again.err;
    EXPECT_EQ(containerDirs().size(), 1u);
}

TEST_F(EngineCli, BadInputLeavesNothing) {
    struct Case {
        std::vector<std::string> args;
        std::string text;
    };
    std::vector<Case> cases = {
        {{"--memory", "64x", "busybox", "true"}, "invalid argument \"64x\" for \"-m, --memory\" flag: invalid size: '64x'"},
        {{"--memory", "1k", "busybox", "true"}, "Minimum memory limit allowed is 6MB"},
        {{"--cap-add", "FOO", "busybox", "true"}, "invalid CapAdd: unknown capability: \"CAP_FOO\""},
        {{"nosuchimage", "true"}, "No such image: nosuchimage"},
        {{"--mount", "type=bind,source=/nonexistent-berth-src,target=/x", "busybox", "true"},
         "invalid mount config for type \"bind\": bind source path does not exist: /nonexistent-berth-src"},
        {{"--restart", "bogus", "busybox", "true"}, "invalid restart policy"},
        {{"-u", "nosuchuser", "busybox", "true"}, "unable to find user nosuchuser: no matching entries in passwd file"},
    };
    for (auto& c : cases) {
        std::vector<std::string> args = {"run", "--rm"};
        args.insert(args.end(), c.args.begin(), c.args.end());
        auto r = berth(args);
        EXPECT_EQ(r.exitCode, 125) << c.text;
        EXPECT_NE(r.err.find(c.text), std::string::npos) << r.err;
        EXPECT_TRUE(containerDirs().empty()) << c.text;
        EXPECT_EQ(mountsUnderRoot(), 0) << c.text;
    }
    EXPECT_EQ(berth({"ps", "-aq"}).out, "");
}

}  // namespace
