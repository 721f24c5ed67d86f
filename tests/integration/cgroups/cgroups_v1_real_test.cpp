// Real kernel, this host's v1 hierarchies (root): every resource lands in its file, and the
// limits really act: OOM kill + event, fork bomb stopped, cpu throttled, freeze, update.
#include <gtest/gtest.h>
#include <poll.h>

#include "cgroups_test_util.hpp"
#include "runtime/cgroups/device_rules.hpp"
#include "runtime/cgroups/v1/cgroup_v1_manager.hpp"
#include "support/spec_builders.hpp"
#include "support/test_support.hpp"

using namespace berth;
using namespace berth::runtime::cgroups;
using namespace berth::test;

namespace {

CgroupGuard makeCgroup(const std::string& what) {
    CgroupGuard g(makeCgroupManager(realCgroupFs(), CgroupRequest{uniqueCgroupPath(what), "x"}));
    g->create();
    return g;
}

std::string v1Dir(CgroupGuard& g, const std::string& controller) {
    return dynamic_cast<CgroupV1Manager&>(*g.m).dirOf(controller);
}

bool hybridHost() {
    return pathExists("/sys/fs/cgroup/unified/cgroup.procs");
}

}  // namespace

TEST(CgroupsV1Real, EveryResourceLandsInTheKernelFiles) {
    BERTH_REQUIRE_ROOT();
    auto g = makeCgroup("files");
    auto rules = containerDeviceRules(
        resourcesFrom(R"({"devices": [{"allow": false, "access": "rwm"}]})").devices, {});
    auto r = resourcesFrom(R"({
      "memory": {"limit": 67108864, "reservation": 33554432, "swap": 134217728,
                 "kernel": 1048576, "kernelTCP": 16777216, "swappiness": 10,
                 "disableOOMKiller": true, "useHierarchy": true},
      "cpu": {"shares": 512, "quota": 50000, "period": 100000, "burst": 10000,
              "realtimeRuntime": 9000, "realtimePeriod": 100000, "cpus": "0", "mems": "0",
              "idle": 0},
      "pids": {"limit": 64},
      "blockIO": {"weight": 300,
                  "throttleReadBpsDevice": [{"major": 254, "minor": 0, "rate": 1048576}],
                  "throttleWriteBpsDevice": [{"major": 254, "minor": 0, "rate": 2097152}],
                  "throttleReadIOPSDevice": [{"major": 254, "minor": 0, "rate": 100}],
                  "throttleWriteIOPSDevice": [{"major": 254, "minor": 0, "rate": 200}]},
      "hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}]
    })");
    r.devices = rules;
    g->apply(r);
    std::string mem = v1Dir(g, "memory"), cpu = v1Dir(g, "cpu"), cpuset = v1Dir(g, "cpuset");
    std::string blkio = v1Dir(g, "blkio");
    EXPECT_EQ(readTrim(mem + "/memory.limit_in_bytes"), "67108864");
    EXPECT_EQ(readTrim(mem + "/memory.memsw.limit_in_bytes"), "134217728");
    EXPECT_EQ(readTrim(mem + "/memory.soft_limit_in_bytes"), "33554432");
    EXPECT_EQ(readTrim(mem + "/memory.kmem.tcp.limit_in_bytes"), "16777216");
    EXPECT_EQ(readTrim(mem + "/memory.swappiness"), "10");
    EXPECT_NE(readFile(mem + "/memory.oom_control").find("oom_kill_disable 1"), std::string::npos);
    EXPECT_EQ(readTrim(cpu + "/cpu.shares"), "512");
    EXPECT_EQ(readTrim(cpu + "/cpu.cfs_quota_us"), "50000");
    EXPECT_EQ(readTrim(cpu + "/cpu.cfs_period_us"), "100000");
    EXPECT_EQ(readTrim(cpu + "/cpu.cfs_burst_us"), "10000");
    EXPECT_EQ(readTrim(cpu + "/cpu.rt_period_us"), "100000");
    EXPECT_EQ(readTrim(cpu + "/cpu.rt_runtime_us"), "9000");
    EXPECT_EQ(readTrim(cpuset + "/cpuset.cpus"), "0");
    EXPECT_EQ(readTrim(cpuset + "/cpuset.mems"), "0");
    EXPECT_EQ(readTrim(v1Dir(g, "pids") + "/pids.max"), "64");
    EXPECT_EQ(readTrim(blkio + "/blkio.bfq.weight"), "300");
    EXPECT_EQ(readTrim(blkio + "/blkio.throttle.read_bps_device"), "254:0 1048576");
    EXPECT_EQ(readTrim(blkio + "/blkio.throttle.write_bps_device"), "254:0 2097152");
    EXPECT_EQ(readTrim(blkio + "/blkio.throttle.read_iops_device"), "254:0 100");
    EXPECT_EQ(readTrim(blkio + "/blkio.throttle.write_iops_device"), "254:0 200");
    // devices.list after deny-all + the defaults: exactly the allowed entries.
    std::string list = readFile(v1Dir(g, "devices") + "/devices.list");
    EXPECT_NE(list.find("c 1:3 rwm"), std::string::npos) << list;
    EXPECT_NE(list.find("c 136:* rwm"), std::string::npos) << list;
    EXPECT_NE(list.find("b *:* m"), std::string::npos) << list;
    EXPECT_EQ(list.find("a *:* rwm"), std::string::npos) << list;
    // Hybrid host: hugetlb is bound to cgroup2, so the limit is set in the unified hierarchy.
    if (hybridHost() && v1Dir(g, "hugetlb").empty()) {
        std::string unified = g->toJson()["unified"]["dir"];
        EXPECT_EQ(readTrim(unified + "/hugetlb.2MB.max"), "4194304");
    }
}

TEST(CgroupsV1Real, PlacementInEveryHierarchyAndUnified) {
    BERTH_REQUIRE_ROOT();
    auto g = makeCgroup("place");
    Children kids;
    pid_t pid = kids.startIn(*g.m, "sleep 30");
    auto saved = g->toJson();
    for (auto& h : saved["hierarchies"]) {
        std::string dir = h["dir"], mp = h["mountPoint"];
        std::string ctl = h["controllers"][0];
        EXPECT_EQ(procCgroup(pid, ctl), dir.substr(mp.size())) << ctl;
    }
    if (hybridHost()) {
        std::string dir = saved["unified"]["dir"], mp = saved["unified"]["mountPoint"];
        EXPECT_EQ(procCgroup(pid, ""), dir.substr(mp.size()));
    }
    EXPECT_EQ(g->pids(), std::vector<pid_t>{pid});
}

TEST(CgroupsV1Real, MemoryLimitOomKillsAHogAndTheEventIsReported) {
    BERTH_REQUIRE_ROOT();
    auto g = makeCgroup("oom");
    // memory+swap == memory: no escape to swap.
    g->apply(resourcesFrom(R"({"memory": {"limit": 33554432, "swap": 33554432}})"));
    auto watcher = g->watchOom();
    Children kids;
    // The string doubles until it no longer fits in 32 MiB.
    pid_t pid = kids.startIn(*g.m, "a=x; while :; do a=\"$a$a\"; done");
    int status = kids.wait(pid, 20000);
    ASSERT_NE(status, -1) << "the hog was not killed";
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
    pollfd pfd{watcher->fd(), POLLIN, 0};
    ASSERT_EQ(::poll(&pfd, 1, 2000), 1) << "no OOM notification";
    EXPECT_GE(watcher->readOomKills(), 1);
    EXPECT_NE(readFile(v1Dir(g, "memory") + "/memory.oom_control").find("oom_kill 1"),
              std::string::npos);
    auto stats = g->stats();
    // The hog reached the limit (failcnt is no longer counted by this kernel for v1).
    EXPECT_EQ(stats.memory.usage.max, 33554432u) << toJson(stats).dump();
}

TEST(CgroupsV1Real, PidsLimitStopsAForkBomb) {
    BERTH_REQUIRE_ROOT();
    auto g = makeCgroup("pids");
    g->apply(resourcesFrom(R"({"pids": {"limit": 16}})"));
    Children kids;
    // Forks until it can't; reports how many it managed.
    pid_t pid = kids.startIn(
        *g.m, "n=0; while [ $n -lt 200 ]; do sleep 20 & n=$((n+1)); done 2>/dev/null; wait");
    sleepMs(1500);
    uint64_t current = parseUint(readFile(v1Dir(g, "pids") + "/pids.current"));
    EXPECT_LE(current, 16u);
    EXPECT_GE(current, 10u);  // it did fork, up to the limit
    auto events = parseFlatKeyed(readFile(v1Dir(g, "pids") + "/pids.events"));
    EXPECT_GT(events["max"], 0u) << "no fork was refused";
    EXPECT_EQ(g->stats().pids.limit, 16u);
    g->killAll(SIGKILL);
    EXPECT_NE(kids.wait(pid, 5000), -1);
}

TEST(CgroupsV1Real, CpuQuotaThrottles) {
    BERTH_REQUIRE_ROOT();
    auto g = makeCgroup("cpu");
    g->apply(resourcesFrom(R"({"cpu": {"quota": 20000, "period": 100000}})"));  // 20% of one cpu
    Children kids;
    kids.startIn(*g.m, "while :; do :; done");
    uint64_t before = g->stats().cpu.usage.total;
    sleepMs(1000);
    auto after = g->stats();
    double used = double(after.cpu.usage.total - before) / 1e9;
    EXPECT_LT(used, 0.35) << "cpu seconds in a 1 s window";
    EXPECT_GT(used, 0.05);
    EXPECT_GT(after.cpu.throttling.throttledPeriods, 0u);
}

TEST(CgroupsV1Real, FreezeStopsAndThawContinues) {
    BERTH_REQUIRE_ROOT();
    auto g = makeCgroup("freeze");
    Children kids;
    kids.startIn(*g.m, "while :; do :; done");
    sleepMs(100);
    g->freeze();
    EXPECT_EQ(g->freezerState(), FreezerState::Frozen);
    uint64_t a = g->stats().cpu.usage.total;
    sleepMs(300);
    uint64_t b = g->stats().cpu.usage.total;
    EXPECT_LT(b - a, 5000000u) << "a frozen task used cpu";
    g->thaw();
    EXPECT_EQ(g->freezerState(), FreezerState::Thawed);
    sleepMs(300);
    EXPECT_GT(g->stats().cpu.usage.total - b, 50000000u) << "the thawed task did not run";
}

TEST(CgroupsV1Real, UpdateChangesLiveLimits) {
    BERTH_REQUIRE_ROOT();
    auto g = makeCgroup("update");
    g->apply(
        resourcesFrom(R"({"memory": {"limit": 67108864, "swap": 67108864}, "pids": {"limit": 10},
                     "cpu": {"shares": 512}})"));
    Children kids;
    kids.startIn(*g.m, "sleep 30");
    // Growing memory+swap needs memsw raised first; the manager orders the writes.
    g->apply(
        resourcesFrom(R"({"memory": {"limit": 134217728, "swap": 268435456}, "pids": {"limit": 20},
                     "cpu": {"shares": 2048}})"),
        true);
    EXPECT_EQ(readTrim(v1Dir(g, "memory") + "/memory.limit_in_bytes"), "134217728");
    EXPECT_EQ(readTrim(v1Dir(g, "memory") + "/memory.memsw.limit_in_bytes"), "268435456");
    EXPECT_EQ(readTrim(v1Dir(g, "pids") + "/pids.max"), "20");
    EXPECT_EQ(readTrim(v1Dir(g, "cpu") + "/cpu.shares"), "2048");
    // And shrinking again.
    g->apply(resourcesFrom(R"({"memory": {"limit": 33554432, "swap": 33554432}})"), true);
    EXPECT_EQ(readTrim(v1Dir(g, "memory") + "/memory.limit_in_bytes"), "33554432");
    EXPECT_EQ(readTrim(v1Dir(g, "memory") + "/memory.memsw.limit_in_bytes"), "33554432");
}

TEST(CgroupsV1Real, DeviceCgroupDeniesWhatIsNotAllowed) {
    BERTH_REQUIRE_ROOT();
    auto g = makeCgroup("devices");
    g->apply(resourcesFrom(R"({"devices": [{"allow": false, "access": "rwm"},
        {"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm"},
        {"allow": true, "type": "c", "major": 1, "minor": 5, "access": "r"}]})"));
    Children kids;
    pid_t ok = kids.startIn(*g.m, "head -c1 /dev/zero >/dev/null");
    pid_t denied = kids.startIn(*g.m, "head -c1 /dev/full >/dev/null 2>&1");
    int s1 = kids.wait(ok, 5000), s2 = kids.wait(denied, 5000);
    EXPECT_TRUE(WIFEXITED(s1) && WEXITSTATUS(s1) == 0) << s1;
    EXPECT_TRUE(WIFEXITED(s2) && WEXITSTATUS(s2) != 0) << s2;
}

TEST(CgroupsV1Real, NonexistentDeviceIsAClearErrorAndDestroyLeavesNothing) {
    BERTH_REQUIRE_ROOT();
    std::string path = uniqueCgroupPath("baddev");
    auto m = makeCgroupManager(realCgroupFs(), CgroupRequest{path, "x"});
    m->create();
    try {
        m->apply(resourcesFrom(
            R"({"blockIO": {"throttleReadBpsDevice": [{"major": 999, "minor": 9, "rate": 1}]}})"));
        ADD_FAILURE() << "expected an error";
    } catch (const Error& e) {
        std::string msg = e.what();
        EXPECT_NE(msg.find("blkio.throttle.read_bps_device"), std::string::npos) << msg;
        EXPECT_NE(msg.find("999:9"), std::string::npos) << msg;
    }
    m->destroy();
    for (auto& h : m->toJson()["hierarchies"])
        EXPECT_FALSE(pathExists(h["dir"].get<std::string>())) << h["dir"];
}

TEST(CgroupsV1Real, DestroyKillsStragglersAndRemovesNestedDirs) {
    BERTH_REQUIRE_ROOT();
    auto g = makeCgroup("destroy");
    Children kids;
    kids.startIn(*g.m, "sleep 30");
    // A nested cgroup with a process in it, as a container's own systemd would make.
    std::string nested = v1Dir(g, "memory") + "/inner/deeper";
    mkdirAll(nested);
    pid_t inner = kids.startIn(*g.m, "sleep 30");
    writeFile(nested + "/cgroup.procs", std::to_string(inner));
    g->destroy();
    for (auto& h : g->toJson()["hierarchies"])
        EXPECT_FALSE(pathExists(h["dir"].get<std::string>())) << h["dir"];
    if (hybridHost()) {
        EXPECT_FALSE(pathExists(g->toJson()["unified"]["dir"].get<std::string>()));
    }
    EXPECT_NE(kids.wait(inner, 2000), -1) << "straggler not killed";
}

TEST(CgroupsV1Real, StatsAreReadFromTheKernel) {
    BERTH_REQUIRE_ROOT();
    auto g = makeCgroup("stats");
    g->apply(resourcesFrom(R"({"memory": {"limit": 67108864}, "pids": {"limit": 50}})"));
    Children kids;
    kids.startIn(*g.m, "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; sleep 30");
    sleepMs(500);
    auto s = g->stats();
    EXPECT_GT(s.cpu.usage.total, 0u);
    EXPECT_GT(s.memory.usage.usage, 0u);
    EXPECT_EQ(s.memory.usage.limit, 67108864u);
    EXPECT_GE(s.pids.current, 1u);
    EXPECT_EQ(s.pids.limit, 50u);
    auto j = toJson(s);
    EXPECT_TRUE(j["memory"]["raw"].contains("rss"));
}
