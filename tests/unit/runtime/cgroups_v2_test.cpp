// v2 mapping and v1→v2 conversions against a fake pure-v2 tree.
#include <gtest/gtest.h>

#include "cgroups_fake_tree.hpp"
#include "runtime/cgroups/cgroup_manager.hpp"
#include "runtime/cgroups/device_rules.hpp"
#include "runtime/cgroups/v2/cgroup_v2_manager.hpp"
#include "support/spec_builders.hpp"
#include "support/failures.hpp"

using namespace berth;
using namespace berth::runtime::cgroups;
using namespace berth::test;

namespace {

const std::vector<std::string> kV2 = {"cpu", "cpuset", "memory", "pids", "io", "hugetlb", "rdma"};

}  // namespace

TEST(CgroupsV2, ConversionsMatchRuncAndCrun) {
    // opencontainers/cgroups ConvertCPUSharesToCgroupV2Value (quadratic in log2).
    EXPECT_EQ(cpuSharesToWeight(0), 0u);
    EXPECT_EQ(cpuSharesToWeight(2), 1u);
    EXPECT_EQ(cpuSharesToWeight(1024), 100u);
    EXPECT_EQ(cpuSharesToWeight(262144), 10000u);
    EXPECT_EQ(cpuSharesToWeight(512), 59u);
    EXPECT_EQ(cpuSharesToWeight(2048), 174u);
    EXPECT_EQ(blkioWeightToIoWeight(10), 1u);
    EXPECT_EQ(blkioWeightToIoWeight(1000), 10000u);
    EXPECT_EQ(blkioWeightToIoWeight(500), 4950u);
    EXPECT_EQ(memorySwapToV2(200, 100), 100);
    EXPECT_EQ(memorySwapToV2(0, -1), -1);
    EXPECT_EQ(memorySwapToV2(-1, 100), -1);
    EXPECT_EQ(memorySwapToV2(0, 100), 0);
    EXPECT_EQ(memorySwapToV2(300, -1), 300);
    EXPECT_THROW(memorySwapToV2(100, 0), Error);
    EXPECT_THROW(memorySwapToV2(50, 100), Error);
}

TEST(CgroupsV2, CreateDelegatesControllersDownThePath) {
    FakeCgroupFs fs({}, kV2, true);
    auto m = createdCgroup(fs);
    EXPECT_TRUE(m->isUnifiedOnly());
    EXPECT_EQ(fs.file("/berth/cgroup.controllers").size() > 0, true);
    for (auto& c : kV2) {
        auto root = fs.allWrites("/cgroup.subtree_control");
        auto mid = fs.allWrites("/berth/cgroup.subtree_control");
        EXPECT_NE(std::find(root.begin(), root.end(), "+" + c), root.end()) << c;
        EXPECT_NE(std::find(mid.begin(), mid.end(), "+" + c), mid.end()) << c;
    }
    EXPECT_EQ(fs.lastWrite("/berth/c1/cgroup.subtree_control"), "<unwritten>");  // leaf: no
    EXPECT_TRUE(m->cloneIntoFd().valid());
    m->addProcess(99);
    EXPECT_EQ(fs.lastWrite("/berth/c1/cgroup.procs"), "99");
}

TEST(CgroupsV2, EveryResourceMapsToItsV2File) {
    FakeCgroupFs fs({}, kV2, true);
    auto m = createdCgroup(fs);
    m->apply(resourcesFrom(R"({
      "memory": {"limit": 67108864, "reservation": 33554432, "swap": 100663296,
                 "swappiness": 10, "kernel": 5, "disableOOMKiller": true},
      "cpu": {"shares": 1024, "quota": 50000, "period": 100000, "burst": 1000,
              "cpus": "0", "mems": "0", "idle": 0},
      "pids": {"limit": 32},
      "blockIO": {"weight": 500, "weightDevice": [{"major": 254, "minor": 0, "weight": 1000}],
                  "throttleReadBpsDevice": [{"major": 254, "minor": 0, "rate": 1000}],
                  "throttleWriteBpsDevice": [{"major": 254, "minor": 0, "rate": 2000}],
                  "throttleReadIOPSDevice": [{"major": 254, "minor": 0, "rate": 30}],
                  "throttleWriteIOPSDevice": [{"major": 254, "minor": 0, "rate": 40}]},
      "hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}],
      "rdma": {"mlx5_1": {"hcaHandles": 3}},
      "unified": {"memory.high": "50000000", "cgroup.max.depth": "3"}
    })"));
    const std::string d = "/berth/c1/";
    EXPECT_EQ(fs.lastWrite(d + "memory.max"), "67108864");
    EXPECT_EQ(fs.lastWrite(d + "memory.low"), "33554432");
    EXPECT_EQ(fs.lastWrite(d + "memory.swap.max"), "33554432");  // swap - limit
    EXPECT_EQ(fs.lastWrite(d + "cpu.weight"), "100");
    EXPECT_EQ(fs.lastWrite(d + "cpu.max"), "50000 100000");
    EXPECT_EQ(fs.lastWrite(d + "cpu.max.burst"), "1000");
    EXPECT_EQ(fs.lastWrite(d + "cpu.idle"), "0");
    EXPECT_EQ(fs.lastWrite(d + "cpuset.cpus"), "0");
    EXPECT_EQ(fs.lastWrite(d + "cpuset.mems"), "0");
    EXPECT_EQ(fs.lastWrite(d + "pids.max"), "32");
    EXPECT_EQ(fs.allWrites(d + "io.weight"), (std::vector<std::string>{"4950", "254:0 10000"}));
    EXPECT_EQ(fs.allWrites(d + "io.max"),
              (std::vector<std::string>{"254:0 rbps=1000", "254:0 wbps=2000", "254:0 riops=30",
                                        "254:0 wiops=40"}));
    EXPECT_EQ(fs.lastWrite(d + "hugetlb.2MB.max"), "4194304");
    EXPECT_EQ(fs.lastWrite(d + "hugetlb.2MB.rsvd.max"), "4194304");
    EXPECT_EQ(fs.lastWrite(d + "rdma.max"), "mlx5_1 hca_handle=3 hca_object=max");
    EXPECT_EQ(fs.lastWrite(d + "memory.high"), "50000000");
    EXPECT_EQ(fs.lastWrite(d + "cgroup.max.depth"), "3");
}

TEST(CgroupsV2, SwapBeforeMemoryAndSpecialValues) {
    FakeCgroupFs fs({}, kV2, true);
    auto m = createdCgroup(fs);
    const std::string d = "/berth/c1/";
    m->apply(resourcesFrom(R"({"memory": {"limit": 1000000, "swap": 1000000}})"));
    EXPECT_EQ(fs.lastWrite(d + "memory.swap.max"), "0");  // swap == limit: no swap
    size_t swapAt = 0, memAt = 0;
    for (size_t i = 0; i < fs.writes.size(); ++i) {
        if (fs.writes[i].first == d + "memory.swap.max") swapAt = i;
        if (fs.writes[i].first == d + "memory.max") memAt = i;
    }
    EXPECT_LT(swapAt, memAt);
    m->apply(resourcesFrom(R"({"memory": {"limit": -1}})"));
    EXPECT_EQ(fs.lastWrite(d + "memory.max"), "max");
    EXPECT_EQ(fs.lastWrite(d + "memory.swap.max"), "max");
    m->apply(resourcesFrom(R"({"cpu": {"quota": -1, "period": 50000}, "pids": {"limit": 0}})"));
    EXPECT_EQ(fs.lastWrite(d + "cpu.max"), "max 50000");
    EXPECT_EQ(fs.lastWrite(d + "pids.max"), "max");
    m->apply(resourcesFrom(R"({"cpu": {"quota": 20000}})"));
    EXPECT_EQ(fs.lastWrite(d + "cpu.max"), "20000");
    EXPECT_THROW(m->apply(resourcesFrom(R"({"memory": {"swap": 100}})")),
                 Error);  // swap without limit
}

TEST(CgroupsV2, BfqWeightWhenPresent) {
    FakeCgroupFs fs({}, kV2, true);
    auto m = createdCgroup(fs);
    fs.setFile("/berth/c1/io.bfq.weight", "default 100");
    m->apply(resourcesFrom(R"({"blockIO": {"weight": 500,
                    "weightDevice": [{"major": 8, "minor": 0, "weight": 20}]}})"));
    EXPECT_EQ(fs.allWrites("/berth/c1/io.bfq.weight"), (std::vector<std::string>{"500", "8:0 20"}));
    EXPECT_EQ(fs.lastWrite("/berth/c1/io.weight"), "<unwritten>");
}

TEST(CgroupsV2, ErrorsNameTheProblem) {
    FakeCgroupFs fs({}, {"memory", "pids"}, true);
    auto m = createdCgroup(fs);
    auto message = [&](const std::string& json) {
        return test::errorOf([&] { m->apply(resourcesFrom(json)); });
    };
    EXPECT_NE(message(R"({"unified": {"io.max": "8:0 rbps=1"}})")
                  .find("controller \"io\" is not available"),
              std::string::npos);
    EXPECT_NE(message(R"({"unified": {"memory.nonexistent": "1"}})").find("no such cgroup file"),
              std::string::npos);
    EXPECT_NE(message(R"({"cpu": {"realtimeRuntime": 100}})").find("not supported on cgroup v2"),
              std::string::npos);
    EXPECT_NE(message(R"({"hugepageLimits": [{"pageSize": "2MB", "limit": 1}]})").find("2MB"),
              std::string::npos);
    fs.failWrites["/berth/c1/pids.max"] = EINVAL;
    std::string e = message(R"({"pids": {"limit": 5}})");
    EXPECT_NE(e.find("pids.max"), std::string::npos) << e;
    EXPECT_NE(e.find("EINVAL"), std::string::npos) << e;
}

TEST(CgroupsV2, DevicesBecomeAnEbpfProgramOnTheCgroup) {
    FakeCgroupFs fs({}, kV2, true);
    auto m = createdCgroup(fs);
    auto rules = containerDeviceRules(
        resourcesFrom(R"({"devices": [{"allow": false, "access": "rwm"}]})").devices, {});
    oci::LinuxResources r;
    r.devices = rules;
    m->apply(r);
    ASSERT_EQ(fs.deviceFilters.size(), 1u);
    EXPECT_EQ(fs.deviceFilters[0].first, "/berth/c1");
    auto& prog = fs.deviceFilters[0].second;
    EXPECT_TRUE(evaluateDeviceFilter(prog, 'c', 1, 3, "rw"));    // /dev/null
    EXPECT_FALSE(evaluateDeviceFilter(prog, 'b', 254, 0, "r"));  // the host disk
}

TEST(CgroupsV2, FreezeWaitsForFrozenEventAndKillUsesCgroupKill) {
    FakeCgroupFs fs({}, kV2, true);
    auto m = createdCgroup(fs);
    // The fake kernel: report frozen as soon as asked (the manager polls cgroup.events).
    fs.readOverrides["/berth/c1/cgroup.events"] = "populated 1\nfrozen 1\n";
    m->freeze();
    EXPECT_EQ(fs.lastWrite("/berth/c1/cgroup.freeze"), "1");
    EXPECT_EQ(m->freezerState(), FreezerState::Frozen);
    fs.readOverrides["/berth/c1/cgroup.events"] = "populated 1\nfrozen 0\n";
    m->thaw();
    EXPECT_EQ(fs.lastWrite("/berth/c1/cgroup.freeze"), "0");
    EXPECT_EQ(m->freezerState(), FreezerState::Thawed);
    m->killAll(SIGKILL);
    EXPECT_EQ(fs.lastWrite("/berth/c1/cgroup.kill"), "1");
}

TEST(CgroupsV2, StatsReadTheV2Files) {
    FakeCgroupFs fs({}, kV2, true);
    auto m = createdCgroup(fs);
    const std::string d = "/berth/c1/";
    fs.setFile(d + "cpu.stat",
               "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 7\n"
               "nr_throttled 2\nthrottled_usec 30\n");
    fs.setFile(d + "memory.current", "8192");
    fs.setFile(d + "memory.max", "max");
    fs.setFile(d + "memory.stat", "file 100\nanon 200\n");
    fs.setFile(d + "memory.events", "low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n");
    fs.setFile(d + "pids.current", "3");
    fs.setFile(d + "pids.max", "20");
    fs.setFile(d + "io.stat", "254:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n");
    auto s = m->stats();
    EXPECT_EQ(s.cpu.usage.total, 1500000u);
    EXPECT_EQ(s.cpu.usage.user, 1000000u);
    EXPECT_EQ(s.cpu.usage.kernel, 500000u);
    EXPECT_EQ(s.cpu.throttling.throttledPeriods, 2u);
    EXPECT_EQ(s.cpu.throttling.throttledTime, 30000u);
    EXPECT_EQ(s.memory.usage.usage, 8192u);
    EXPECT_EQ(s.memory.usage.limit, UINT64_MAX);
    EXPECT_EQ(s.memory.usage.failcnt, 4u);
    EXPECT_EQ(s.memory.cache, 100u);
    EXPECT_EQ(s.pids.current, 3u);
    EXPECT_EQ(s.pids.limit, 20u);
    ASSERT_EQ(s.blkio.ioServiceBytesRecursive.size(), 2u);
    EXPECT_EQ(s.blkio.ioServiceBytesRecursive[1].value, 8192u);
    EXPECT_EQ(s.blkio.ioServicedRecursive[0].value, 1u);
}

TEST(CgroupsV2, DestroyRemovesNestedCgroupsBottomUp) {
    FakeCgroupFs fs({}, kV2, true);
    auto m = createdCgroup(fs);
    berth::mkdirAll(fs.root() + "/berth/c1/a/b");
    fs.setFile("/berth/c1/a/cgroup.procs", "");
    fs.setFile("/berth/c1/a/b/cgroup.procs", "");
    m->destroy();
    EXPECT_FALSE(pathExists(fs.root() + "/berth/c1"));
    EXPECT_TRUE(pathExists(fs.root() + "/berth"));
}
