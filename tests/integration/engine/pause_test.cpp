// pause/unpause as the kernel sees it: the container's processes really stop (a counter loop does
// not advance), ps/inspect read "paused" from the cgroup freezer (so a freeze made behind
// berth's back shows too), stop/kill/rm -f of a paused container end as Docker's do, through
// berth-runtime and runc alike; and `commit -p` (Docker's default) pauses around the commit.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <string>
#include <thread>

#include "common/file_io.hpp"
#include "harness/berth_env.hpp"
#include "harness/docker_peer.hpp"

using berth::test::BerthEnv;
using berth::test::DockerPeer;
using berth::test::splitLines;

namespace {

// Writes an ever-growing counter to /tmp/c every 20 ms.
const std::vector<std::string> kCounter = {
    "busybox", "sh", "-c", "i=0; while true; do i=$((i+1)); echo $i > /tmp/c; sleep 0.02; done"};

bool onPath(const std::string& tool) {
    return access(("/usr/bin/" + tool).c_str(), X_OK) == 0 ||
           access(("/usr/sbin/" + tool).c_str(), X_OK) == 0;
}

// The counter as the container last wrote it, read from the host through its root.
long counter(const BerthEnv& env, const std::string& name) {
    int pid = env.inspect(name)["State"]["Pid"].get<int>();
    try {
        return std::stol(berth::readFile("/proc/" + std::to_string(pid) + "/root/tmp/c"));
    } catch (...) {
        return -1;  // between truncate and write
    }
}

long settledCounter(const BerthEnv& env, const std::string& name) {
    for (int i = 0; i < 50; ++i) {
        long c = counter(env, name);
        if (c > 0) return c;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
}

void sleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

std::string freezerState(const std::string& id) {
    std::string v1 = "/sys/fs/cgroup/freezer/berth/" + id + "/freezer.state";
    if (berth::pathExists(v1)) return berth::readFile(v1);
    return berth::readFile("/sys/fs/cgroup/berth/" + id + "/cgroup.freeze");
}

void checkFreezes(const BerthEnv& env, const std::string& runtime) {
    std::vector<std::string> args{"run", "-d", "--name", "pc"};
    if (!runtime.empty()) args.insert(args.end(), {"--runtime", runtime});
    args.insert(args.end(), kCounter.begin(), kCounter.end());
    std::string id = env.ok(args);
    ASSERT_GT(settledCounter(env, "pc"), 0);
    env.ok({"pause", "pc"});
    std::string frozen = freezerState(id);
    EXPECT_TRUE(frozen == "FROZEN\n" || frozen == "1\n") << frozen;
    long a = settledCounter(env, "pc");
    sleepMs(400);
    long b = settledCounter(env, "pc");
    EXPECT_EQ(a, b) << "the counter advanced while paused (" << runtime << ")";
    EXPECT_EQ(env.inspect("pc")["State"]["Status"], "paused");
    env.ok({"unpause", "pc"});
    sleepMs(400);
    EXPECT_GT(settledCounter(env, "pc"), b) << "the counter did not go on after unpause";
    EXPECT_EQ(env.inspect("pc")["State"]["Status"], "running");
    env.ok({"rm", "-f", "pc"});
}

TEST(Pause, ProcessesReallyStopWithBerthRuntime) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    checkFreezes(env, "");
}

TEST(Pause, ProcessesReallyStopWithRunc) {
    BERTH_REQUIRE_ROOT();
    if (!onPath("runc")) GTEST_SKIP() << "runc is not installed";
    BerthEnv env;
    checkFreezes(env, "runc");
}

TEST(Pause, StateComesFromTheCgroupFreezer) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    std::string id = env.ok({"run", "-d", "--name", "pf", "busybox", "sleep", "1000"});
    std::string v1 = "/sys/fs/cgroup/freezer/berth/" + id + "/freezer.state";
    std::string v2 = "/sys/fs/cgroup/berth/" + id + "/cgroup.freeze";
    std::string file = berth::pathExists(v1) ? v1 : v2;
    ASSERT_TRUE(berth::pathExists(file));
    bool isV1 = file == v1;
    // Frozen behind berth's back (as `runc pause` by hand would): ps and inspect say so.
    berth::writeFile(file, isV1 ? "FROZEN" : "1");
    for (int i = 0; i < 100 && berth::readFile(file) != (isV1 ? "FROZEN\n" : "1\n"); ++i) sleepMs(10);
    auto st = env.inspect("pf")["State"];
    EXPECT_EQ(st["Status"], "paused");
    EXPECT_EQ(st["Paused"], true);
    EXPECT_NE(env.ok({"ps", "--format", "{{.Status}}"}).find("(Paused)"), std::string::npos);
    EXPECT_FALSE(berth::pathExists(env.root() + "/containers/" + id + "/monitor/paused"));
    // unpause thaws it (the runtime's resume).
    env.ok({"unpause", "pf"});
    EXPECT_EQ(env.inspect("pf")["State"]["Status"], "running");
    EXPECT_EQ(berth::readFile(file), isV1 ? "THAWED\n" : "0\n");
    env.ok({"rm", "-f", "pf"});
}

// Docker (here 20.10): stop of a paused container ends it (sh as PID 1 ignores SIGTERM: 137
// after -t), kill ends it (137, Paused false), rm -f removes it.
TEST(Pause, StopKillRmOfAPausedContainerAsDocker) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    std::string why;
    const DockerPeer* docker = DockerPeer::get(&why);
    auto both = [&](const std::vector<std::string>& args) {
        auto mine = env.run(args);
        if (docker) {
            auto theirs = docker->run(args);
            EXPECT_EQ(mine.exitCode, theirs.exitCode) << args[0];
            EXPECT_EQ(mine.out, theirs.out) << args[0];
        }
        return mine;
    };
    auto stateOf = [&](bool mine) {
        std::vector<std::string> args{"inspect", "-f", "{{.State.Status}} {{.State.ExitCode}} {{.State.Paused}}", "pk"};
        return mine ? env.ok(args) : docker->run(args).out;
    };
    if (docker) docker->run({"rm", "-f", "pk"});
    std::vector<std::string> run{"run", "-d", "--name", "pk"};
    run.insert(run.end(), kCounter.begin(), kCounter.end());
    env.ok(run);
    if (docker) docker->run(run);

    both({"pause", "pk"});
    auto t0 = std::chrono::steady_clock::now();
    auto stop = both({"stop", "-t", "1", "pk"});
    EXPECT_EQ(stop.exitCode, 0) << stop.err;
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
    EXPECT_EQ(stateOf(true), "exited 137 false");
    if (docker) {
        EXPECT_EQ(stateOf(false), "exited 137 false\n");
    }

    both({"start", "pk"});
    both({"pause", "pk"});
    auto kill = both({"kill", "pk"});
    EXPECT_EQ(kill.exitCode, 0) << kill.err;
    for (int i = 0; i < 100 && env.inspect("pk")["State"]["Running"] == true; ++i) sleepMs(20);
    EXPECT_EQ(stateOf(true), "exited 137 false");
    if (docker) {
        EXPECT_EQ(stateOf(false), "exited 137 false\n");
    }

    both({"start", "pk"});
    both({"pause", "pk"});
    auto rm = both({"rm", "-f", "pk"});
    EXPECT_EQ(rm.exitCode, 0) << rm.err;
    EXPECT_EQ(env.run({"inspect", "pk"}).exitCode, 1);
}

// docker commit -p (the default): the container is paused while its changes are read and
// unpaused after, both journaled; -p=false does neither; a paused one stays paused.
TEST(Pause, CommitPausesAroundTheCommit) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    env.ok({"run", "-d", "--name", "cp1", "busybox", "sh", "-c", "echo x > /made; sleep 1000"});
    std::string since = std::to_string(time(nullptr) - 1);
    env.ok({"commit", "cp1", "committed:p"});
    env.ok({"commit", "-p=false", "cp1", "committed:nop"});
    std::string until = std::to_string(time(nullptr) + 1);
    auto actions = splitLines(env.ok({"events", "--since", since, "--until", until, "--filter",
                                      "container=cp1", "--filter", "event=pause", "--filter", "event=unpause",
                                      "--filter", "event=commit", "--format", "{{.Action}}"}));
    EXPECT_EQ(actions, (std::vector<std::string>{"pause", "commit", "unpause", "commit"}));
    EXPECT_EQ(env.inspect("cp1")["State"]["Status"], "running");
    // Already paused: stays paused, no unpause.
    env.ok({"pause", "cp1"});
    env.ok({"commit", "cp1", "committed:paused"});
    EXPECT_EQ(env.inspect("cp1")["State"]["Status"], "paused");
    EXPECT_EQ(env.ok({"run", "--rm", "committed:paused", "cat", "/made"}), "x");
    env.ok({"rm", "-f", "cp1"});
}

TEST(Pause, CommitEventsAsDocker) {
    BERTH_REQUIRE_ROOT();
    BERTH_REQUIRE_DOCKER_PEER(docker);
    docker->run({"rm", "-f", "cpd"});
    docker->run({"run", "-d", "--name", "cpd", "busybox", "sleep", "1000"});
    std::string since = std::to_string(time(nullptr) - 1);
    auto c = docker->run({"commit", "cpd"});
    ASSERT_EQ(c.exitCode, 0) << c.err;
    std::string until = std::to_string(time(nullptr) + 1);
    auto theirs = docker->run({"events", "--since", since, "--until", until, "--filter",
                               "container=cpd", "--format", "{{.Action}}"});
    docker->run({"rm", "-f", "cpd"});
    docker->run({"rmi", splitLines(c.out).at(0)});
    BerthEnv env;
    env.ok({"run", "-d", "--name", "cpd", "busybox", "sleep", "1000"});
    since = std::to_string(time(nullptr) - 1);
    env.ok({"commit", "cpd"});
    until = std::to_string(time(nullptr) + 1);
    auto mine = env.ok({"events", "--since", since, "--until", until, "--filter", "container=cpd",
                        "--format", "{{.Action}}"});
    EXPECT_EQ(mine + "\n", theirs.out);
    env.ok({"rm", "-f", "cpd"});
}

}  // namespace
