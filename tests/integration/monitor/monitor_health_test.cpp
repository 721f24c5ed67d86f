// Healthchecks through `<runtime> exec`, and what a monitor costs in memory.
#include <fcntl.h>

#include "monitor_fixture.hpp"

namespace berth::monitor::test {
namespace {

TEST_F(MonitorTest, HealthcheckGoesUnhealthyThenHealthy) {
    configure({"sleep", "100"});
    auto o = options();
    o.health.command = {"cat", "/tmp/healthy"};
    o.health.intervalNs = 200'000'000;
    o.health.timeoutNs = 5'000'000'000;
    o.health.retries = 2;
    spawn(o);
    auto health = [&] { return readJsonFile(stateDir_ + "/health.json"); };
    EXPECT_EQ(health()["Status"], "starting");
    ASSERT_TRUE(waitFor([&] { return health().value("Status", "") == "unhealthy"; }))
        << health().dump();
    EXPECT_GE(health()["FailingStreak"], 2);
    auto last = health()["Log"].back();
    EXPECT_EQ(last["ExitCode"], 1);
    EXPECT_NE(last["Output"].get<std::string>().find("/tmp/healthy"), std::string::npos);
    EXPECT_TRUE(waitFor([&] { return state().value("health", "") == "unhealthy"; }));

    writeFile(bundle_ + "/rootfs/tmp/healthy", "fine\n");  // visible inside: same rootfs
    ASSERT_TRUE(waitFor([&] { return health().value("Status", "") == "healthy"; }))
        << health().dump();
    EXPECT_EQ(health()["FailingStreak"], 0);
    EXPECT_EQ(health()["Log"].back()["Output"], "fine\n");
    ASSERT_TRUE(waitFor([&] { return health()["Log"].size() == 5; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    EXPECT_EQ(health()["Log"].size(), 5u);  // the last five only
    EXPECT_TRUE(waitFor([&] { return state().value("health", "") == "healthy"; }));
}

TEST_F(MonitorTest, HealthcheckTimeoutCountsAsFailure) {
    configure({"sleep", "100"});
    auto o = options();
    o.health.command = {"/bin/sh", "-c", "sleep 5"};
    o.health.intervalNs = 100'000'000;
    o.health.timeoutNs = 300'000'000;
    o.health.retries = 1;
    spawn(o);
    auto health = [&] { return readJsonFile(stateDir_ + "/health.json"); };
    ASSERT_TRUE(waitFor([&] { return health().value("Status", "") == "unhealthy"; }))
        << health().dump();
    auto last = health()["Log"].back();
    EXPECT_EQ(last["ExitCode"], -1);
    EXPECT_EQ(last["Output"], "Health check exceeded timeout (300ms)");
}

TEST_F(MonitorTest, HealthStartPeriodShieldsEarlyFailures) {
    configure({"sleep", "100"});
    auto o = options();
    o.health.command = {"false"};
    o.health.intervalNs = 100'000'000;
    o.health.startPeriodNs = 60'000'000'000;
    o.health.retries = 1;
    spawn(o);
    auto health = [&] { return readJsonFile(stateDir_ + "/health.json"); };
    ASSERT_TRUE(waitFor([&] { return health().value("Log", json::array()).size() >= 3; }));
    EXPECT_EQ(health()["Status"], "starting");
    EXPECT_EQ(health()["FailingStreak"], 0);
}

// smaps_rollup figures of a process, in kB.
std::map<std::string, long> memoryOf(pid_t pid) {
    std::map<std::string, long> m;
    std::string text = readFile("/proc/" + std::to_string(pid) + "/smaps_rollup");
    for (const auto& line : split(text, '\n')) {
        auto colon = line.find(':');
        if (colon == std::string::npos || line.find("kB") == std::string::npos) continue;
        m[line.substr(0, colon)] = atol(line.c_str() + colon + 1);
    }
    return m;
}

// Issue 5's density targets: each monitor ≤ 1.5 MB RSS and ≤ 300 KB PSS. PSS depends on how many
// monitors share the binary's pages; ten is a small fraction of the 1000 in the benchmark.
TEST_F(MonitorTest, TenMonitorsStayWithinMemoryBudget) {
    configure({"sleep", "100"});
    constexpr int kMonitors = 10;
    std::vector<MonitorOptions> all;
    std::vector<pid_t> pids;
    for (int i = 0; i < kMonitors; ++i) {
        auto o = options();
        o.id = id_ + "-m" + std::to_string(i);
        o.stateDir = dir_ / ("state-" + std::to_string(i));
        o.logPath = o.stateDir + "/ctr.log";
        pids.push_back(spawn(o).monitorPid);
        all.push_back(o);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    long rssMax = 0, pssTotal = 0, anonMax = 0;
    for (pid_t pid : pids) {
        auto m = memoryOf(pid);
        rssMax = std::max(rssMax, m["Rss"]);
        anonMax = std::max(anonMax, m["Anonymous"]);
        pssTotal += m["Pss"];
    }
    long pssAvg = pssTotal / kMonitors;
    RecordProperty("rss_max_kb", static_cast<int>(rssMax));
    RecordProperty("pss_avg_kb", static_cast<int>(pssAvg));
    std::printf("berth-monitor x%d: RSS max %ld kB, PSS avg %ld kB, anonymous max %ld kB\n",
                kMonitors, rssMax, pssAvg, anonMax);
    EXPECT_LE(rssMax, 1536);
    EXPECT_LE(pssAvg, 300);
    for (const auto& o : all) {
        try {
            monitorRequest(o.stateDir, "stop KILL 0");
        } catch (...) {
        }
        runCommand({runtime_, "--root", o.runtimeRoot, "delete", "--force", o.id});
    }
}

}  // namespace
}  // namespace berth::monitor::test
