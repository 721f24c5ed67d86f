// berth-init as pid 1 of a real container (what `berth run --init` does), under berth-monitor.
#include <sys/stat.h>

#include <filesystem>

#include "monitor_fixture.hpp"

namespace berth::monitor::test {
namespace {

class InitInContainerTest : public MonitorTest {
  protected:
    void SetUp() override {
        MonitorTest::SetUp();
        if (IsSkipped()) return;
        writeFile(bundle_ + "/rootfs/sbin/berth-init", readFile(binPath("berth-init")));
        chmod((bundle_ + "/rootfs/sbin/berth-init").c_str(), 0755);
    }
};

TEST_F(InitInContainerTest, ForwardsSigtermToTheCommand) {
    // Without an init, sh as pid 1 would ignore SIGTERM sent from outside only if untrapped; here
    // the trap runs in a child of pid 1, so the signal must be forwarded.
    configure({"/sbin/berth-init", "--", "sh", "-c",
               "trap 'echo got-term; exit 5' TERM; echo ready; while :; do sleep 0.1; done"});
    spawn();
    ASSERT_TRUE(waitFor([&] { return !logLines(logPath()).empty(); }));
    EXPECT_EQ(monitorRequest(stateDir_, "stop TERM 5"), "5");
    EXPECT_EQ(logLines(logPath()).back(), "got-term\n");
}

// Zombie children of host pid `parent`.
int zombieChildren(pid_t parent) {
    int zombies = 0;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        std::string name = entry.path().filename();
        if (name.empty() || !isdigit(static_cast<unsigned char>(name[0]))) continue;
        std::string stat;
        try {
            stat = readFile(entry.path().string() + "/stat");
        } catch (...) {
            continue;
        }
        auto close = stat.rfind(')');
        char state = 0;
        int ppid = 0;
        if (close != std::string::npos &&
            sscanf(stat.c_str() + close + 2, "%c %d", &state, &ppid) == 2 && ppid == parent &&
            state == 'Z')
            ++zombies;
    }
    return zombies;
}

// Five orphans are reparented to pid 1 and exit while pid 1 is a process that never waits.
const char* kOrphans = "for i in 1 2 3 4 5; do sh -c 'sleep 0.1 &'; done; echo ready; exec sleep 1";

TEST_F(InitInContainerTest, ReapsZombies) {
    configure({"/sbin/berth-init", "sh", "-c", kOrphans});
    auto s = spawn();
    ASSERT_TRUE(waitFor([&] { return !logLines(logPath()).empty(); }));
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    EXPECT_EQ(zombieChildren(s.containerPid), 0);
    EXPECT_EQ(waitFinalExit()["exitCode"], 0);
}

TEST_F(InitInContainerTest, WithoutInitZombiesStay) {
    // The control for the test above: with `sleep` as pid 1 the orphans stay zombies.
    configure({"sh", "-c", kOrphans});
    auto s = spawn();
    ASSERT_TRUE(waitFor([&] { return !logLines(logPath()).empty(); }));
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    EXPECT_EQ(zombieChildren(s.containerPid), 5);
}

TEST_F(InitInContainerTest, PassesExitCode) {
    configure({"/sbin/berth-init", "sh", "-c", "exit 7"});
    spawn();
    EXPECT_EQ(waitFinalExit()["exitCode"], 7);
}

}  // namespace
}  // namespace berth::monitor::test
