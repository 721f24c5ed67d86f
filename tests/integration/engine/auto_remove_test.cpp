// --rm without a daemon: whoever outlives the container removes it. A foreground `run --rm`
// removes it itself and returns only once it is gone (Docker's CLI waits for "removed"); after a
// detach (ctrl-p ctrl-q), with `run -d --rm`, when the CLI was killed, and for `start -a` of a
// `create --rm` container, its berth-monitor's exit command (`berth rm -f`) does. Never twice.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <string>
#include <thread>

#include "common/file_io.hpp"
#include "harness/berth_env.hpp"
#include "harness/docker_peer.hpp"

using berth::test::BerthEnv;
using berth::test::binPath;
using berth::test::runCommand;

namespace {

bool exists(const BerthEnv& env, const std::string& name) {
    return env.run({"inspect", "--format", "{{.Id}}", name}).exitCode == 0;
}

// Waits until the container is gone (true) or timeoutMs passed.
bool waitGone(const BerthEnv& env, const std::string& name, int timeoutMs) {
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (std::chrono::steady_clock::now() < end) {
        if (!exists(env, name)) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

TEST(AutoRemove, ForegroundRunReturnsOnceRemovedWithoutErrors) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    std::string since = std::to_string(time(nullptr) - 1);
    for (int i = 0; i < 5; ++i) {
        auto r = env.run({"run", "--rm", "--name", "fg", "busybox", "sh", "-c", "echo hi; exit 3"});
        EXPECT_EQ(r.exitCode, 3);
        EXPECT_EQ(r.out, "hi\n");
        EXPECT_EQ(r.err, "");
        EXPECT_FALSE(exists(env, "fg")) << "still there after run --rm returned";
    }
    // Nobody removes it twice: no exit command ran (its removal would fail: a `destroy` once).
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto destroys = env.ok({"events", "--since", since, "--until", std::to_string(time(nullptr) + 1),
                            "--filter", "event=destroy", "--format", "{{.Actor.Attributes.name}}"});
    EXPECT_EQ(destroys, "fg\nfg\nfg\nfg\nfg");
    EXPECT_TRUE(env.mountsUnderRoot().empty());
}

TEST(AutoRemove, DetachedInteractiveRunIsRemovedWhenItExits) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    // -i without a tty: the CLI matches the detach keys in stdin too (ctrl-p ctrl-q).
    auto r = env.run({"run", "--rm", "-i", "--name", "dt", "busybox", "sh", "-c", "sleep 1"},
                     std::string("\x10\x11"));
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(exists(env, "dt")) << "the container should run on after the detach";
    EXPECT_TRUE(waitGone(env, "dt", 15000)) << "nobody removed the detached --rm container";
    EXPECT_TRUE(env.mountsUnderRoot().empty());
}

TEST(AutoRemove, DetachedRunIsRemovedWhenItExits) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    env.ok({"run", "-d", "--rm", "--name", "dd", "busybox", "sleep", "1"});
    EXPECT_TRUE(waitGone(env, "dd", 15000));
    // And when it is stopped.
    env.ok({"run", "-d", "--rm", "--name", "ds", "busybox", "sleep", "1000"});
    env.ok({"stop", "-t", "0", "ds"});
    EXPECT_TRUE(waitGone(env, "ds", 15000));
}

TEST(AutoRemove, KilledCliLeavesNothingBehind) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    std::string cmd = binPath("berth") + " --root " + env.root() +
                      " run --rm --name kc busybox sleep 2 >/dev/null 2>&1 & p=$!; sleep 1; kill -9 $p";
    auto r = runCommand({"sh", "-c", cmd});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(waitGone(env, "kc", 20000)) << "the container of a killed run --rm stayed";
}

TEST(AutoRemove, StartAttachedOfACreatedRmContainerRemovesIt) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    env.ok({"create", "--rm", "--name", "sa", "busybox", "echo", "hi"});
    auto r = env.run({"start", "-a", "sa"});
    EXPECT_EQ(r.exitCode, 0);
    EXPECT_EQ(r.out, "hi\n");
    EXPECT_TRUE(waitGone(env, "sa", 15000));
}

}  // namespace

namespace {

// An attached `run --rm` killed after its monitor handed it the removal (attach takes-exit)
// leaves an exited --rm container: system check removes it.
TEST(AutoRemove, SystemCheckRemovesAnExitedRmContainerNobodyRemoved) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    std::string id = env.ok({"create", "--rm", "--name", "orphan", "busybox", "sleep", "1"});
    env.ok({"start", "orphan"});
    // Take the removal over as `run --rm` does, then go away without doing it.
    // Through /proc/self/fd: the real path is longer than sun_path.
    int dirFd = ::open((env.root() + "/containers/" + id + "/monitor").c_str(), O_PATH | O_CLOEXEC);
    ASSERT_GE(dirFd, 0);
    std::string sock = "/proc/self/fd/" + std::to_string(dirFd) + "/monitor.sock";
    {
        int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        ASSERT_GE(fd, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        ASSERT_LT(sock.size(), sizeof addr.sun_path);
        memcpy(addr.sun_path, sock.c_str(), sock.size());
        ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        std::string req = "attach stdout stderr takes-exit\n";
        ASSERT_EQ(::write(fd, req.data(), req.size()), ssize_t(req.size()));
        char buf[4096];
        while (::read(fd, buf, sizeof buf) > 0) {  // until the monitor closes it at the exit
        }
        ::close(fd);
    }
    ::close(dirFd);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    ASSERT_TRUE(exists(env, "orphan")) << "the monitor removed it although a takes-exit client was attached";
    EXPECT_EQ(env.inspect("orphan")["State"]["Status"], "exited");
    auto check = env.run({"system", "check"});
    EXPECT_EQ(check.exitCode, 0) << check.out << check.err;
    EXPECT_NE(check.out.find("(a --rm container that exited and was not removed)"), std::string::npos)
        << check.out;
    EXPECT_FALSE(exists(env, "orphan"));
    EXPECT_EQ(env.ok({"system", "check"}), "No problems found");
}

// `run --rm` returns once the container is gone for the user (no record, name free); its
// monitor deletes the runtime's state (cgroups, the runtime's state dir) after it released the
// exit, nobody waits for that. A monitor killed before it got there leaves that state to system
// check.
TEST(AutoRemove, RuntimeStateLeftByAMonitorKilledInItsCleanupIsClearedBySystemCheck) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    // A runtime whose delete hangs (its pid in a file): the monitor is still at it when we look.
    std::string pidFile = env.path("delete-pid");
    std::string runtime = env.path("hanging-delete-runtime");
    berth::writeFile(runtime, "#!/bin/sh\ncase \" $* \" in *\" delete \"*) echo $$ > " + pidFile +
                                  "; exec sleep 30;; esac\nexec " + binPath("berth-runtime") +
                                  " \"$@\"\n");
    ::chmod(runtime.c_str(), 0755);
    auto t0 = std::chrono::steady_clock::now();
    auto r = env.run({"run", "--rm", "--runtime", runtime, "--name", "kc", "busybox", "sh", "-c", "exit 4"});
    EXPECT_EQ(r.exitCode, 4) << r.err;
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10)) << "waited for the cleanup";
    EXPECT_FALSE(exists(env, "kc"));
    EXPECT_EQ(env.ok({"ps", "-a", "-q"}), "");
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!berth::pathExists(pidFile) && std::chrono::steady_clock::now() < end)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_TRUE(berth::pathExists(pidFile)) << "the monitor did not delete the runtime state";
    pid_t hung = static_cast<pid_t>(std::stol(berth::readFile(pidFile)));
    // Its parent is the monitor: killed in the middle of its cleanup.
    std::string stat = berth::readFile("/proc/" + std::to_string(hung) + "/stat");
    pid_t monitorPid = static_cast<pid_t>(std::stol(stat.substr(stat.rfind(')') + 4)));
    ASSERT_GT(monitorPid, 1);
    ASSERT_EQ(::kill(monitorPid, SIGKILL), 0);
    ::kill(hung, SIGKILL);
    auto check = env.run({"system", "check"});
    EXPECT_EQ(check.exitCode, 0) << check.out << check.err;
    EXPECT_NE(check.out.find("Deleted runtime state"), std::string::npos) << check.out;
    EXPECT_EQ(env.ok({"system", "check"}), "No problems found");
    // The name is free (it was when run returned).
    env.ok({"run", "--rm", "--name", "kc", "busybox", "true"});
}

}  // namespace
