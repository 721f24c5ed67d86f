// Restart policies through the `berth` binary on a private root: a container restarted by its
// berth-monitor comes back on the same overlay (its writes kept) while the host mounts none of it
// (the monitor keeps a detached clone between runs: engine/monitor/rootfs_keeper.hpp), for a
// policy given at run and one given later by `update --restart`; and the events of the restarts
// are Docker's (start on each restart, from the monitor's own file, never after its die).
#include <gtest/gtest.h>

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <functional>

#include "common/file_io.hpp"
#include "harness/berth_env.hpp"
#include "harness/docker_peer.hpp"

using berth::test::BerthEnv;
using berth::test::CommandResult;
using berth::test::splitLines;

namespace {

using Runner = std::function<CommandResult(std::vector<std::string>)>;

std::string firstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

std::string ok(const Runner& run, std::vector<std::string> args) {
    auto r = run(args);
    EXPECT_EQ(r.exitCode, 0) << args[0] << ": " << r.err;
    return firstLine(r.out);
}

bool waitFor(const std::function<bool()>& cond, int ms = 15000) {
    for (int waited = 0; waited < ms; waited += 50) {
        if (cond()) return true;
        usleep(50'000);
    }
    return cond();
}

// Lines of the host's mount table that mention the container (its overlay: the upper/work dirs
// and the rootfs path hold its ID).
std::vector<std::string> hostMountsOf(const std::string& id) {
    std::vector<std::string> out;
    for (auto& line : splitLines(berth::readFile("/proc/self/mountinfo")))
        if (line.find(id) != std::string::npos) out.push_back(line);
    return out;
}

// Kills the container's process from the host (no `kill` verb: that counts as a manual stop for
// no engine) and waits until the policy brought it back with a new process.
void killAndWaitForRestart(const Runner& run, const std::string& name, int restartCount) {
    std::string pid = ok(run, {"inspect", "-f", "{{.State.Pid}}", name});
    ASSERT_GT(std::stoi(pid), 0);
    ASSERT_EQ(::kill(std::stoi(pid), SIGKILL), 0);
    EXPECT_TRUE(waitFor([&] {
        auto r = run({"inspect", "-f", "{{.RestartCount}} {{.State.Running}} {{.State.Pid}}", name});
        return firstLine(r.out).rfind(std::to_string(restartCount) + " true ", 0) == 0 &&
               firstLine(r.out) != std::to_string(restartCount) + " true " + pid;
    })) << name << " did not restart";
}

TEST(RestartPolicy, RestartsOnItsOwnOverlayWithoutAHostMount) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    Runner run = [&](std::vector<std::string> a) { return env.run(a); };
    std::string id = env.ok({"run", "-d", "--name", "rp-always", "--restart", "always", "busybox",
                             "sleep", "1000"});
    EXPECT_EQ(hostMountsOf(id), std::vector<std::string>{});
    env.ok({"exec", "rp-always", "sh", "-c", "echo kept > /kept"});
    for (int n = 1; n <= 2; ++n) {
        killAndWaitForRestart(run, "rp-always", n);
        EXPECT_EQ(env.ok({"exec", "rp-always", "cat", "/kept"}), "kept");
        EXPECT_EQ(hostMountsOf(id), std::vector<std::string>{}) << "after restart " << n;
    }
    // Stopped for good: its rootfs is unmounted (as Docker), `start` mounts it again.
    env.ok({"stop", "-t", "0", "rp-always"});
    EXPECT_EQ(hostMountsOf(id), std::vector<std::string>{});
    EXPECT_EQ(env.ok({"inspect", "-f", "{{.State.Status}}", "rp-always"}), "exited");
    env.ok({"start", "rp-always"});
    EXPECT_EQ(env.ok({"exec", "rp-always", "cat", "/kept"}), "kept");
    killAndWaitForRestart(run, "rp-always", 1);  // docker's start resets the count
    EXPECT_EQ(env.ok({"exec", "rp-always", "cat", "/kept"}), "kept");
    env.ok({"rm", "-f", "rp-always"});
    EXPECT_EQ(hostMountsOf(id), std::vector<std::string>{});
    EXPECT_EQ(env.mountsUnderRoot(), std::vector<std::string>{});
}

TEST(RestartPolicy, UpdateRestartOfARunningContainerRestartsIt) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    Runner run = [&](std::vector<std::string> a) { return env.run(a); };
    std::string id = env.ok({"run", "-d", "--name", "rp-upd", "busybox", "sleep", "1000"});
    env.ok({"exec", "rp-upd", "sh", "-c", "echo kept > /kept"});
    env.ok({"update", "--restart", "on-failure:3", "rp-upd"});
    EXPECT_EQ(hostMountsOf(id), std::vector<std::string>{});
    killAndWaitForRestart(run, "rp-upd", 1);
    EXPECT_EQ(env.ok({"exec", "rp-upd", "cat", "/kept"}), "kept");
    EXPECT_EQ(hostMountsOf(id), std::vector<std::string>{});
    // Back to no policy: the next exit is the last.
    env.ok({"update", "--restart", "no", "rp-upd"});
    std::string pid = env.ok({"inspect", "-f", "{{.State.Pid}}", "rp-upd"});
    ASSERT_EQ(::kill(std::stoi(pid), SIGKILL), 0);
    EXPECT_EQ(env.ok({"wait", "rp-upd"}), "137");
    EXPECT_EQ(env.ok({"inspect", "-f", "{{.RestartCount}} {{.State.Status}}", "rp-upd"}), "1 exited");
    // moby's wording, the verb's prefix once: "Cannot kill container: NAME: container ID is not running".
    auto kill = env.run({"kill", "rp-upd"});
    EXPECT_EQ(kill.exitCode, 1);
    EXPECT_EQ(kill.err, "Error response from daemon: Cannot kill container: rp-upd: container " + id +
                            " is not running\n");
    env.ok({"rm", "rp-upd"});
    EXPECT_EQ(env.mountsUnderRoot(), std::vector<std::string>{});
}

// Docker: create, start, die, start, die, start, die for a container that fails twice under
// on-failure:2 (a start on each restart, no "restart" event).
TEST(RestartPolicy, EventsOfRestartsLikeDocker) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    auto events = [](const Runner& run, const std::string& name) {
        std::string since = std::to_string(time(nullptr) - 1);
        ok(run, {"run", "-d", "--name", name, "--restart", "on-failure:2", "busybox", "sh", "-c",
                 "sleep 0.2; exit 3"});
        EXPECT_EQ(ok(run, {"wait", name}), "3");
        EXPECT_TRUE(waitFor([&] {
            return firstLine(run({"inspect", "-f", "{{.RestartCount}} {{.State.Status}}", name}).out) ==
                   "2 exited";
        }));
        std::string until = std::to_string(time(nullptr) + 1);
        auto r = run({"events", "--since", since, "--until", until, "--filter", "container=" + name,
                      "--format", "{{.Action}} {{.Actor.Attributes.exitCode}}"});
        EXPECT_EQ(r.exitCode, 0) << r.err;
        auto out = splitLines(r.out);
        ok(run, {"rm", "-f", name});
        return out;
    };
    Runner mine = [&](std::vector<std::string> a) { return env.run(a); };
    auto got = events(mine, "rp-events");
    EXPECT_EQ(got, (std::vector<std::string>{"create <no value>", "start <no value>", "die 3",
                                             "start <no value>", "die 3", "start <no value>",
                                             "die 3"}));
    std::string why;
    const berth::test::DockerPeer* docker = berth::test::DockerPeer::get(&why);
    if (!docker) GTEST_SKIP() << why;
    Runner theirs = [&](std::vector<std::string> a) { return docker->run(a); };
    EXPECT_EQ(got, events(theirs, "rp-events"));
}

}  // namespace
