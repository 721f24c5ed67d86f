// berth-init run as a child subreaper (no root needed): exit codes, signal forwarding, reaping.
#include "engine/init/reaping_init.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "common/file_io.hpp"
#include "support/test_support.hpp"

namespace berth::init {
namespace {

using test::binPath;
using test::runCommand;

TEST(ReapingInit, ExitCodeFromWaitStatus) {
    EXPECT_EQ(exitCodeFromWaitStatus(3 << 8), 3);
    EXPECT_EQ(exitCodeFromWaitStatus(SIGKILL), 137);
    EXPECT_EQ(exitCodeFromWaitStatus(SIGTERM), 143);
}

TEST(ReapingInit, PassesExitCodeThrough) {
    EXPECT_EQ(runCommand({binPath("berth-init"), "--", "sh", "-c", "exit 3"}).exitCode, 3);
    EXPECT_EQ(runCommand({binPath("berth-init"), "true"}).exitCode, 0);
}

TEST(ReapingInit, ReportsDeathBySignalAs128PlusN) {
    EXPECT_EQ(runCommand({binPath("berth-init"), "sh", "-c", "kill -KILL $$"}).exitCode, 137);
}

TEST(ReapingInit, MissingCommandIs127AndNamed) {
    auto r = runCommand({binPath("berth-init"), "/nonexistent/cmd"});
    EXPECT_EQ(r.exitCode, 127);
    EXPECT_NE(r.err.find("/nonexistent/cmd"), std::string::npos) << r.err;
}

TEST(ReapingInit, UsageWithoutCommand) {
    EXPECT_EQ(runCommand({binPath("berth-init")}).exitCode, 2);
}

// Spawns berth-init with argv; stdout goes to a pipe so the test can wait for a "ready" line.
struct Spawned {
    pid_t pid = -1;
    int out = -1;
};

Spawned spawnInit(const std::vector<std::string>& args) {
    int fds[2];
    EXPECT_EQ(pipe2(fds, O_CLOEXEC), 0);
    std::vector<std::string> argv{binPath("berth-init"), "--"};
    argv.insert(argv.end(), args.begin(), args.end());
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], 1);
        int null = open("/dev/null", O_RDONLY);
        dup2(null, 0);
        std::vector<char*> cargv;
        for (auto& a : argv) cargv.push_back(a.data());
        cargv.push_back(nullptr);
        execv(cargv[0], cargv.data());
        _exit(127);
    }
    close(fds[1]);
    return {pid, fds[0]};
}

std::string readLine(int fd) {
    std::string line;
    char c;
    while (read(fd, &c, 1) == 1 && c != '\n') line += c;
    return line;
}

int waitExit(pid_t pid) {
    int status = 0;
    waitpid(pid, &status, 0);
    return exitCodeFromWaitStatus(status);
}

TEST(ReapingInit, ForwardsSigtermToTheCommand) {
    auto s =
        spawnInit({"sh", "-c", "trap 'exit 42' TERM; echo ready; while :; do sleep 0.05; done"});
    ASSERT_EQ(readLine(s.out), "ready");
    ASSERT_EQ(kill(s.pid, SIGTERM), 0);
    EXPECT_EQ(waitExit(s.pid), 42);
    close(s.out);
}

TEST(ReapingInit, ForwardsSignalsToTheWholeProcessGroup) {
    // The shell waits on a foreground subshell that becomes `sleep`: only a group-wide SIGUSR1
    // ends it (the subshell has USR1's default action whether or not it has exec'd yet, so
    // there is no race with "ready"); then the shell's own trap runs.
    auto s = spawnInit({"sh", "-c", "trap 'exit 7' USR1; (echo ready; exec sleep 30); exit 1"});
    ASSERT_EQ(readLine(s.out), "ready");
    auto t0 = std::chrono::steady_clock::now();
    ASSERT_EQ(kill(s.pid, SIGUSR1), 0);
    EXPECT_EQ(waitExit(s.pid), 7);
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
    close(s.out);
}

TEST(ReapingInit, UnhandledSigtermKillsCommandAndExitCodeIs143) {
    auto s = spawnInit({"sh", "-c", "echo ready; exec sleep 30"});
    ASSERT_EQ(readLine(s.out), "ready");
    ASSERT_EQ(kill(s.pid, SIGTERM), 0);
    EXPECT_EQ(waitExit(s.pid), 143);
    close(s.out);
}

// Zombie children of pid `parent` (state Z in /proc/<pid>/stat).
int countZombieChildren(pid_t parent) {
    int zombies = 0;
    DIR* d = opendir("/proc");
    while (dirent* e = readdir(d)) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        std::string stat;
        try {
            stat = readFile(std::string("/proc/") + e->d_name + "/stat");
        } catch (...) {
            continue;
        }
        auto close = stat.rfind(')');
        if (close == std::string::npos) continue;
        char state = 0;
        int ppid = 0;
        if (sscanf(stat.c_str() + close + 2, "%c %d", &state, &ppid) == 2 && ppid == parent &&
            state == 'Z')
            ++zombies;
    }
    closedir(d);
    return zombies;
}

TEST(ReapingInit, ReapsOrphanedZombies) {
    // Five orphans are reparented to berth-init (subreaper) and exit while the command still runs.
    auto s = spawnInit(
        {"sh", "-c", "for i in 1 2 3 4 5; do sh -c 'sleep 0.1 &'; done; echo ready; sleep 1.5"});
    ASSERT_EQ(readLine(s.out), "ready");
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    EXPECT_EQ(countZombieChildren(s.pid), 0);
    EXPECT_EQ(waitExit(s.pid), 0);
    close(s.out);
}

}  // namespace
}  // namespace berth::init
