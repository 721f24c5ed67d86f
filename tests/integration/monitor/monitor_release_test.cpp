// berth-monitor's start and end as the engine sees them: spawned without a fork, and the exit
// released (recorded, waiters answered, attached clients at EOF) before the runtime's state of
// the container is deleted.
#include <sys/socket.h>
#include <sys/stat.h>

#include "monitor_fixture.hpp"

namespace berth::monitor::test {
namespace {

// /proc/PID/stat fields 3 onwards (state, ppid, pgrp, session, ...).
std::vector<std::string> statFields(pid_t pid) {
    std::string stat = readFile("/proc/" + std::to_string(pid) + "/stat");
    return split(stat.substr(stat.rfind(')') + 2), ' ');
}

class MonitorReleaseTest : public MonitorTest {
  protected:
    // The test runtime behind a script whose `delete` takes a second: the cleanup at the end
    // is slow enough to see what happens before it.
    std::string slowDeleteRuntime() {
        std::string script = dir_ / "slow-delete-runtime";
        writeFile(script, "#!/bin/sh\ncase \" $* \" in *\" delete \"*) sleep 1;; esac\nexec " +
                              runtime_ + " \"$@\"\n");
        chmod(script.c_str(), 0755);
        return script;
    }
};

TEST_F(MonitorReleaseTest, SpawnedInASessionOfItsOwnWithoutAFork) {
    configure({"sleep", "100"});
    auto s = spawn();
    auto fields = statFields(s.monitorPid);
    ASSERT_GE(fields.size(), 4u);
    EXPECT_EQ(fields[1], std::to_string(getpid())) << "the spawned process should be the monitor";
    EXPECT_EQ(fields[3], std::to_string(s.monitorPid)) << "not the leader of its own session";
    EXPECT_NE(fields[2], std::to_string(getpgrp()));
}

TEST_F(MonitorReleaseTest, ExitReachesTheAttachedClientBeforeTheRuntimeStateIsDeleted) {
    configure({"sh", "-c", "echo out; exit 7"});
    auto o = options();
    o.runtime = slowDeleteRuntime();
    int pair[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), 0);
    UniqueFd mine(pair[0]), theirs(pair[1]);
    spawnMonitor(binPath("berth-monitor"), o, theirs.get());
    theirs.reset();
    std::string stream;
    char buf[256];
    for (ssize_t n; (n = ::read(mine.get(), buf, sizeof buf)) > 0;) stream.append(buf, size_t(n));
    EXPECT_NE(stream.find("out\n"), std::string::npos);
    // At EOF the exit is on record and the monitor let go: it is still deleting.
    EXPECT_EQ(waitMonitorReleased(stateDir_, 5000), MonitorRelease::Released);
    auto record = readJsonFile(stateDir_ + "/exit.json");
    EXPECT_EQ(record.value("exitCode", -1), 7);
    EXPECT_TRUE(record.value("final", false));
    EXPECT_EQ(state()["status"], "exited");
    EXPECT_EQ(state()["exitCode"], 7);
    EXPECT_NE(readFile(stateDir_ + "/events.jsonl").find("\"die\""), std::string::npos);
    EXPECT_FALSE(pathExists(stateDir_ + "/monitor.sock"));
    EXPECT_EQ(checkMonitor(stateDir_), MonitorHealth::Running);
    // Then the runtime's state goes, and the monitor with it.
    EXPECT_TRUE(waitMonitorExit(stateDir_, 10000));
    EXPECT_EQ(checkMonitor(stateDir_), MonitorHealth::Exited);
    auto st = runCommand({runtime_, "--root", dir_ / "runtime-root", "state", id_});
    EXPECT_NE(st.exitCode, 0) << "runtime state left: " << st.out;
}

TEST_F(MonitorReleaseTest, StopIsAnsweredBeforeTheCleanup) {
    configure({"sleep", "100"});
    auto o = options();
    o.runtime = slowDeleteRuntime();
    spawn(o);
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(monitorRequest(stateDir_, "stop KILL 0"), "137");
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(900));
    EXPECT_EQ(waitMonitorReleased(stateDir_, 0), MonitorRelease::Released);
    EXPECT_TRUE(waitMonitorExit(stateDir_, 10000));
    EXPECT_EQ(waitMonitorReleased(stateDir_, 0), MonitorRelease::Gone);
}

TEST_F(MonitorReleaseTest, ReleaseWaitEndsWithAKilledMonitor) {
    configure({"sleep", "100"});
    auto s = spawn();
    EXPECT_EQ(waitMonitorReleased(stateDir_, 50), MonitorRelease::Busy);
    std::thread killer([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        kill(s.monitorPid, SIGKILL);
    });
    EXPECT_EQ(waitMonitorReleased(stateDir_, 10000), MonitorRelease::Gone);
    killer.join();
    EXPECT_EQ(checkMonitor(stateDir_), MonitorHealth::Lost);
    kill(s.containerPid, SIGKILL);
}

}  // namespace
}  // namespace berth::monitor::test
