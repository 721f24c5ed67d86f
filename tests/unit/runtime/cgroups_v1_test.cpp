// Which v1 file gets which value, for every linux.resources field, against a fake tree.
#include <gtest/gtest.h>
#include <signal.h>

#include "cgroups_fake_tree.hpp"
#include "runtime/cgroups/cgroup_manager.hpp"
#include "runtime/cgroups/device_rules.hpp"
#include "support/spec_builders.hpp"

using namespace berth;
using namespace berth::runtime::cgroups;
using namespace berth::test;

namespace {

const std::vector<std::string> kAllV1 = {"cpu",     "cpuacct", "cpuset",  "memory",
                                         "devices", "freezer", "blkio",   "pids",
                                         "hugetlb", "net_cls", "net_prio"};

}  // namespace

TEST(CgroupsV1, CreatesEveryHierarchyAndInheritsCpuset) {
    FakeCgroupFs fs(kAllV1, {}, false);
    auto m = createdCgroup(fs);
    EXPECT_FALSE(m->isUnifiedOnly());
    for (auto& c : kAllV1) EXPECT_TRUE(pathExists(fs.root() + "/" + c + "/berth/c1")) << c;
    // cpuset: every new level got the parent's cpus/mems (else it refuses tasks).
    EXPECT_EQ(fs.lastWrite("/cpuset/berth/cpuset.cpus"), "0-1");
    EXPECT_EQ(fs.lastWrite("/cpuset/berth/c1/cpuset.cpus"), "0-1");
    EXPECT_EQ(fs.lastWrite("/cpuset/berth/c1/cpuset.mems"), "0");
    m->addProcess(4242);
    for (auto& c : kAllV1) EXPECT_EQ(fs.lastWrite("/" + c + "/berth/c1/cgroup.procs"), "4242");
    EXPECT_FALSE(m->cloneIntoFd().valid());  // no cgroup2 hierarchy here
}

TEST(CgroupsV1, EveryResourceLandsInItsFile) {
    FakeCgroupFs fs(kAllV1, {}, false);
    auto m = createdCgroup(fs);
    m->apply(resourcesFrom(R"({
      "memory": {"limit": 67108864, "reservation": 33554432, "swap": 134217728,
                 "kernel": 1048576, "kernelTCP": 2097152, "swappiness": 10,
                 "disableOOMKiller": true, "useHierarchy": true},
      "cpu": {"shares": 512, "quota": 50000, "period": 100000, "burst": 10000,
              "realtimeRuntime": 9000, "realtimePeriod": 10000, "cpus": "0-1", "mems": "0",
              "idle": 1},
      "pids": {"limit": 64},
      "blockIO": {"weight": 300, "weightDevice": [{"major": 254, "minor": 0, "weight": 200}],
                  "throttleReadBpsDevice": [{"major": 254, "minor": 0, "rate": 1048576}],
                  "throttleWriteBpsDevice": [{"major": 254, "minor": 0, "rate": 2097152}],
                  "throttleReadIOPSDevice": [{"major": 254, "minor": 0, "rate": 100}],
                  "throttleWriteIOPSDevice": [{"major": 254, "minor": 0, "rate": 200}]},
      "hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}],
      "network": {"classID": 1048577, "priorities": [{"name": "eth0", "priority": 5}]},
      "devices": [{"allow": false, "access": "rwm"},
                  {"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rw"},
                  {"allow": true, "type": "b", "minor": 0, "access": "m"}]
    })"));
    const std::string d = "/berth/c1/";
    EXPECT_EQ(fs.lastWrite("/memory" + d + "memory.limit_in_bytes"), "67108864");
    EXPECT_EQ(fs.lastWrite("/memory" + d + "memory.memsw.limit_in_bytes"), "134217728");
    EXPECT_EQ(fs.lastWrite("/memory" + d + "memory.soft_limit_in_bytes"), "33554432");
    EXPECT_EQ(fs.lastWrite("/memory" + d + "memory.kmem.tcp.limit_in_bytes"), "2097152");
    EXPECT_EQ(fs.lastWrite("/memory" + d + "memory.swappiness"), "10");
    EXPECT_EQ(fs.lastWrite("/memory" + d + "memory.oom_control"), "1");
    EXPECT_EQ(fs.lastWrite("/memory" + d + "memory.use_hierarchy"), "1");
    EXPECT_EQ(fs.lastWrite("/cpu" + d + "cpu.shares"), "512");
    EXPECT_EQ(fs.lastWrite("/cpu" + d + "cpu.cfs_quota_us"), "50000");
    EXPECT_EQ(fs.lastWrite("/cpu" + d + "cpu.cfs_period_us"), "100000");
    EXPECT_EQ(fs.lastWrite("/cpu" + d + "cpu.cfs_burst_us"), "10000");
    EXPECT_EQ(fs.lastWrite("/cpu" + d + "cpu.rt_runtime_us"), "9000");
    EXPECT_EQ(fs.lastWrite("/cpu" + d + "cpu.rt_period_us"), "10000");
    EXPECT_EQ(fs.lastWrite("/cpu" + d + "cpu.idle"), "1");
    EXPECT_EQ(fs.lastWrite("/cpuset" + d + "cpuset.cpus"), "0-1");
    EXPECT_EQ(fs.lastWrite("/cpuset" + d + "cpuset.mems"), "0");
    EXPECT_EQ(fs.lastWrite("/pids" + d + "pids.max"), "64");
    // No CFQ blkio.weight on this kernel: BFQ's files.
    EXPECT_EQ(fs.lastWrite("/blkio" + d + "blkio.bfq.weight"), "300");
    EXPECT_EQ(fs.lastWrite("/blkio" + d + "blkio.bfq.weight_device"), "254:0 200");
    EXPECT_EQ(fs.lastWrite("/blkio" + d + "blkio.throttle.read_bps_device"), "254:0 1048576");
    EXPECT_EQ(fs.lastWrite("/blkio" + d + "blkio.throttle.write_bps_device"), "254:0 2097152");
    EXPECT_EQ(fs.lastWrite("/blkio" + d + "blkio.throttle.read_iops_device"), "254:0 100");
    EXPECT_EQ(fs.lastWrite("/blkio" + d + "blkio.throttle.write_iops_device"), "254:0 200");
    EXPECT_EQ(fs.lastWrite("/hugetlb" + d + "hugetlb.2MB.limit_in_bytes"), "4194304");
    EXPECT_EQ(fs.lastWrite("/net_cls" + d + "net_cls.classid"), "1048577");
    EXPECT_EQ(fs.lastWrite("/net_prio" + d + "net_prio.ifpriomap"), "eth0 5");
    EXPECT_EQ(fs.allWrites("/devices" + d + "devices.deny"), std::vector<std::string>{"a *:* rwm"});
    EXPECT_EQ(fs.allWrites("/devices" + d + "devices.allow"),
              (std::vector<std::string>{"c 1:3 rw", "b *:0 m"}));
    // kernel memory is tolerated, not written (the kernel ignores kmem limits now).
    EXPECT_EQ(fs.lastWrite("/memory" + d + "memory.kmem.limit_in_bytes"), "<unwritten>");
}

TEST(CgroupsV1, CfqWeightFilesWhenPresent) {
    FakeCgroupFs fs({"blkio"}, {}, false);
    auto m = createdCgroup(fs);
    fs.setFile("/blkio/berth/c1/blkio.weight", "500");
    fs.setFile("/blkio/berth/c1/blkio.weight_device", "");
    fs.setFile("/blkio/berth/c1/blkio.leaf_weight", "500");
    m->apply(resourcesFrom(R"({"blockIO": {"weight": 20, "leafWeight": 30,
                    "weightDevice": [{"major": 8, "minor": 0, "weight": 40}]}})"));
    EXPECT_EQ(fs.lastWrite("/blkio/berth/c1/blkio.weight"), "20");
    EXPECT_EQ(fs.lastWrite("/blkio/berth/c1/blkio.leaf_weight"), "30");
    EXPECT_EQ(fs.lastWrite("/blkio/berth/c1/blkio.weight_device"), "8:0 40");
}

TEST(CgroupsV1, MemoryAndSwapOrderFollowsTheCurrentLimit) {
    FakeCgroupFs fs({"memory"}, {}, false);
    auto m = createdCgroup(fs);
    const std::string lim = "/memory/berth/c1/memory.limit_in_bytes";
    const std::string sw = "/memory/berth/c1/memory.memsw.limit_in_bytes";
    auto order = [&] {
        std::vector<std::string> o;
        for (auto& w : fs.writes)
            if (w.first == lim || w.first == sw) o.push_back(w.first == lim ? "mem" : "swap");
        fs.writes.clear();
        return o;
    };
    // Growing past the current limit: memsw first, or the kernel refuses limit > memsw.
    fs.setFile(lim, "1000");
    m->apply(resourcesFrom(R"({"memory": {"limit": 4096, "swap": 8192}})"), true);
    EXPECT_EQ(order(), (std::vector<std::string>{"swap", "mem"}));
    // Shrinking: memory first.
    fs.setFile(lim, "1000000");
    m->apply(resourcesFrom(R"({"memory": {"limit": 4096, "swap": 8192}})"), true);
    EXPECT_EQ(order(), (std::vector<std::string>{"mem", "swap"}));
    // Unlimited memory with swap unset → swap unlimited too.
    m->apply(resourcesFrom(R"({"memory": {"limit": -1}})"), true);
    EXPECT_EQ(fs.lastWrite(sw), "-1");
    EXPECT_EQ(fs.lastWrite(lim), "-1");
}

TEST(CgroupsV1, CheckBeforeUpdateRefusesALimitBelowUsage) {
    FakeCgroupFs fs({"memory"}, {}, false);
    auto m = createdCgroup(fs);
    fs.setFile("/memory/berth/c1/memory.usage_in_bytes", "10000");
    EXPECT_THROW(
        m->apply(resourcesFrom(R"({"memory": {"limit": 5000, "checkBeforeUpdate": true}})"), true),
        Error);
    EXPECT_EQ(fs.lastWrite("/memory/berth/c1/memory.limit_in_bytes"), "<unwritten>");
    m->apply(resourcesFrom(R"({"memory": {"limit": 20000, "checkBeforeUpdate": true}})"), true);
    EXPECT_EQ(fs.lastWrite("/memory/berth/c1/memory.limit_in_bytes"), "20000");
}

TEST(CgroupsV1, KernelClampedSharesIsAnError) {
    FakeCgroupFs fs({"cpu"}, {}, false);
    auto m = createdCgroup(fs);
    // The kernel clamps out-of-range shares silently: the read-back tells.
    fs.readOverrides["/cpu/berth/c1/cpu.shares"] = "1024";
    try {
        m->apply(resourcesFrom(R"({"cpu": {"shares": 512}})"));
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("cpu.shares: the kernel set 1024 instead of 512"),
                  std::string::npos)
            << e.what();
    }
}

TEST(CgroupsV1, MissingControllerIsAClearError) {
    FakeCgroupFs fs({"memory", "cpu"}, {}, false);
    auto m = createdCgroup(fs);
    try {
        m->apply(resourcesFrom(R"({"network": {"classID": 5}})"));
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("net_cls cgroup controller is not mounted"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_THROW(m->apply(resourcesFrom(R"({"unified": {"memory.high": "1"}})")),
                 Error);  // no cgroup2
    EXPECT_THROW(
        m->apply(resourcesFrom(R"({"hugepageLimits": [{"pageSize": "2MB", "limit": 1}]})")), Error);
}

TEST(CgroupsV1, UnsupportedHugepageSizeIsAnError) {
    FakeCgroupFs fs({"hugetlb"}, {}, false);
    auto m = createdCgroup(fs);
    EXPECT_THROW(
        m->apply(resourcesFrom(R"({"hugepageLimits": [{"pageSize": "64KB", "limit": 1}]})")),
        Error);
}

TEST(CgroupsV1, HybridPlacesInUnifiedAndSendsHugetlbThere) {
    // This host: v1 controllers plus cgroup2 at unified/ offering only hugetlb.
    FakeCgroupFs fs({"cpu", "memory", "freezer", "pids"}, {"hugetlb"}, false);
    auto m = createdCgroup(fs);
    EXPECT_TRUE(pathExists(fs.root() + "/unified/berth/c1"));
    EXPECT_EQ(fs.lastWrite("/unified/cgroup.subtree_control"), "+hugetlb");
    EXPECT_EQ(fs.file("/unified/berth/c1/cgroup.controllers"), "hugetlb");
    EXPECT_TRUE(m->cloneIntoFd().valid());
    m->addProcess(77, /*alreadyInUnified=*/true);
    EXPECT_EQ(fs.lastWrite("/memory/berth/c1/cgroup.procs"), "77");
    EXPECT_EQ(fs.lastWrite("/unified/berth/c1/cgroup.procs"), "<unwritten>");
    m->addProcess(78);
    EXPECT_EQ(fs.lastWrite("/unified/berth/c1/cgroup.procs"), "78");

    m->apply(resourcesFrom(R"({"hugepageLimits": [{"pageSize": "2MB", "limit": 2097152}],
                    "unified": {"hugetlb.1GB.max": "0"}})"));
    EXPECT_EQ(fs.lastWrite("/unified/berth/c1/hugetlb.2MB.max"), "2097152");
    EXPECT_EQ(fs.lastWrite("/unified/berth/c1/hugetlb.2MB.rsvd.max"), "2097152");
    EXPECT_EQ(fs.lastWrite("/unified/berth/c1/hugetlb.1GB.max"), "0");
    // A controller that is not in the cgroup2 hierarchy can't take unified keys.
    EXPECT_THROW(m->apply(resourcesFrom(R"({"unified": {"memory.high": "100"}})")), Error);
}

TEST(CgroupsV1, RelativePathGoesBelowOwnCgroup) {
    FakeCgroupFs fs({"memory"}, {}, false);
    fs.setFile("/memory/cgroup.procs", "");
    berth::mkdirAll(fs.root() + "/memory/session");
    auto m = makeCgroupManager(fs, fs.layout("/session"), CgroupRequest{"pod/c2", "c2"});
    m->create();
    EXPECT_TRUE(pathExists(fs.root() + "/memory/session/pod/c2"));
    EXPECT_EQ(m->toJson()["hierarchies"][0]["dir"], fs.root() + "/memory/session/pod/c2");
}

TEST(CgroupsV1, EmptyPathDefaultsToBerthAndId) {
    FakeCgroupFs fs({"pids"}, {}, false);
    auto m = makeCgroupManager(fs, fs.layout(), CgroupRequest{"", "abc"});
    m->create();
    EXPECT_TRUE(pathExists(fs.root() + "/pids/berth/abc"));
    EXPECT_THROW(makeCgroupManager(fs, fs.layout(), CgroupRequest{"/a/../../b", "x"}), Error);
}

TEST(CgroupsV1, FailedCreateLeavesNothing) {
    FakeCgroupFs fs({"cpu", "cpuset"}, {}, false);
    fs.failWrites["/cpuset/deep/cpuset.cpus"] = EACCES;
    auto m = makeCgroupManager(fs, fs.layout(), CgroupRequest{"/deep/c1", "c1"});
    EXPECT_THROW(m->create(), Error);
    EXPECT_FALSE(pathExists(fs.root() + "/cpu/deep"));
    EXPECT_FALSE(pathExists(fs.root() + "/cpuset/deep"));
}

TEST(CgroupsV1, FreezeWritesFreezerStateAndReportsIt) {
    FakeCgroupFs fs({"freezer", "pids"}, {}, false);
    auto m = createdCgroup(fs);
    m->freeze();  // the fake's file reads back what was written: FROZEN at once
    EXPECT_EQ(fs.lastWrite("/freezer/berth/c1/freezer.state"), "FROZEN");
    EXPECT_EQ(m->freezerState(), FreezerState::Frozen);
    m->thaw();
    EXPECT_EQ(fs.lastWrite("/freezer/berth/c1/freezer.state"), "THAWED");
    EXPECT_EQ(m->freezerState(), FreezerState::Thawed);
}

TEST(CgroupsV1, PidsAreRecursiveAndDestroyRemovesNestedDirs) {
    FakeCgroupFs fs({"pids", "memory"}, {}, false);
    auto m = createdCgroup(fs);
    fs.setFile("/pids/berth/c1/cgroup.procs", "");
    berth::mkdirAll(fs.root() + "/pids/berth/c1/nested/deeper");
    fs.setFile("/pids/berth/c1/nested/cgroup.procs", "");
    fs.setFile("/pids/berth/c1/nested/deeper/cgroup.procs", "");
    EXPECT_TRUE(m->pids().empty());
    m->destroy();
    EXPECT_FALSE(pathExists(fs.root() + "/pids/berth/c1"));
    EXPECT_FALSE(pathExists(fs.root() + "/memory/berth/c1"));
    EXPECT_TRUE(pathExists(fs.root() + "/pids/berth"));  // the parent is shared
    m->destroy();                                        // twice is harmless
}

TEST(CgroupsV1, StatsReadTheV1Files) {
    FakeCgroupFs fs({"cpu", "cpuacct", "memory", "pids", "blkio"}, {}, false);
    auto m = createdCgroup(fs);
    fs.setFile("/cpuacct/berth/c1/cpuacct.usage", "123456");
    fs.setFile("/cpuacct/berth/c1/cpuacct.usage_percpu", "100000 23456 ");
    fs.setFile("/cpu/berth/c1/cpu.stat", "nr_periods 10\nnr_throttled 4\nthrottled_time 999\n");
    fs.setFile("/memory/berth/c1/memory.usage_in_bytes", "4096");
    fs.setFile("/memory/berth/c1/memory.limit_in_bytes", "8192");
    fs.setFile("/memory/berth/c1/memory.failcnt", "3");
    fs.setFile("/memory/berth/c1/memory.stat", "cache 11\nrss 22\n");
    fs.setFile("/pids/berth/c1/pids.current", "5");
    fs.setFile("/pids/berth/c1/pids.max", "max");
    fs.setFile("/blkio/berth/c1/blkio.throttle.io_service_bytes_recursive",
               "254:0 Read 512\n254:0 Write 1024\nTotal 1536\n");
    auto s = m->stats();
    EXPECT_EQ(s.cpu.usage.total, 123456u);
    EXPECT_EQ(s.cpu.usage.percpu, (std::vector<uint64_t>{100000, 23456}));
    EXPECT_EQ(s.cpu.throttling.throttledPeriods, 4u);
    EXPECT_EQ(s.cpu.throttling.throttledTime, 999u);
    EXPECT_EQ(s.memory.usage.usage, 4096u);
    EXPECT_EQ(s.memory.usage.limit, 8192u);
    EXPECT_EQ(s.memory.usage.failcnt, 3u);
    EXPECT_EQ(s.memory.cache, 11u);
    EXPECT_EQ(s.memory.raw["rss"], 22u);
    EXPECT_EQ(s.pids.current, 5u);
    EXPECT_EQ(s.pids.limit, 0u);
    ASSERT_EQ(s.blkio.ioServiceBytesRecursive.size(), 2u);
    EXPECT_EQ(s.blkio.ioServiceBytesRecursive[1].op, "Write");
    EXPECT_EQ(s.blkio.ioServiceBytesRecursive[1].value, 1024u);
}

TEST(CgroupsV1, SavedPathsReopenTheSameCgroup) {
    FakeCgroupFs fs({"memory", "pids"}, {"hugetlb"}, false);
    auto m = createdCgroup(fs);
    auto again = openCgroupManager(fs, m->toJson());
    again->apply(resourcesFrom(R"({"pids": {"limit": 9}})"));
    EXPECT_EQ(fs.lastWrite("/pids/berth/c1/pids.max"), "9");
    EXPECT_EQ(again->toJson(), m->toJson());
    EXPECT_THROW(openCgroupManager(fs, nlohmann::json{{"version", 1}}), Error);
}
