#include <gtest/gtest.h>

#include "common/error.hpp"
#include "runtime/cgroups/cgroup_layout.hpp"
#include "runtime/cgroups/cgroup_stats.hpp"

using namespace berth::runtime::cgroups;

namespace {

// This host's /proc/self/mountinfo (cgroup lines) and a process's /proc/self/cgroup.
const char* kHybridMountinfo =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
    "50 23 0:40 / /mnt/other\\040dir rw - cgroup cgroup rw,pids\n";
const char* kHybridSelf =
    "9:name=systemd:/\n4:memory:/session/a\n2:cpuacct:/\n1:cpu:/\n0::/user.slice\n";

}  // namespace

TEST(CgroupsLayout, ParsesHybridHost) {
    CgroupLayout l = parseCgroupLayout(kHybridMountinfo, kHybridSelf);
    ASSERT_EQ(l.v1.size(), 4u);  // the pids mount outside /sys/fs/cgroup doesn't count
    EXPECT_EQ(l.v1[0].controllers, std::vector<std::string>{"cpu"});
    EXPECT_EQ(l.v1[0].mountPoint, "/sys/fs/cgroup/cpu");
    EXPECT_EQ(l.v1[2].controllers, std::vector<std::string>{"memory"});
    EXPECT_EQ(l.v1[2].ownPath, "/session/a");
    EXPECT_EQ(l.v1[3].controllers, std::vector<std::string>{"name=systemd"});
    EXPECT_EQ(l.unifiedMount, "/sys/fs/cgroup/unified");
    EXPECT_EQ(l.unifiedOwnPath, "/user.slice");
    EXPECT_FALSE(l.pureV2);
}

TEST(CgroupsLayout, ParsesPureV2AndCombinedV1) {
    CgroupLayout v2 = parseCgroupLayout(
        "30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n", "0::/a\n");
    EXPECT_TRUE(v2.pureV2);
    EXPECT_TRUE(v2.v1.empty());
    EXPECT_EQ(v2.unifiedOwnPath, "/a");

    CgroupLayout v1 = parseCgroupLayout(
        "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n",
        "1:cpu,cpuacct:/x\n");
    ASSERT_EQ(v1.v1.size(), 1u);
    EXPECT_EQ(v1.v1[0].controllers, (std::vector<std::string>{"cpu", "cpuacct"}));
    EXPECT_EQ(v1.v1[0].ownPath, "/x");
    EXPECT_TRUE(v1.unifiedMount.empty());
}

TEST(CgroupsLayout, ResolvesAbsoluteRelativeAndNamespacedPaths) {
    EXPECT_EQ(resolveCgroupDir("/sys/fs/cgroup/memory", "/", "/session/a", "/berth/c1"),
              "/sys/fs/cgroup/memory/berth/c1");
    // Relative: below our own cgroup, like runc's cgroupfs driver.
    EXPECT_EQ(resolveCgroupDir("/sys/fs/cgroup/memory", "/", "/session/a", "pod/c1"),
              "/sys/fs/cgroup/memory/session/a/pod/c1");
    // Mount shows only a sub-tree (cgroup namespace / bind): strip its root from our path.
    EXPECT_EQ(resolveCgroupDir("/sys/fs/cgroup", "/kubepods/x", "/kubepods/x/init", "c1"),
              "/sys/fs/cgroup/init/c1");
}

TEST(CgroupsStats, ParsesFlatKeyedAndLimits) {
    auto m = parseFlatKeyed("cache 10\nrss 20\nbogus x\n");
    EXPECT_EQ(m["cache"], 10u);
    EXPECT_EQ(m["rss"], 20u);
    EXPECT_EQ(m.count("bogus"), 0u);
    EXPECT_EQ(parseLimit("max\n", 0), 0u);
    EXPECT_EQ(parseLimit("max\n", 7), 7u);
    EXPECT_EQ(parseLimit("-1\n", 0), 0u);
    EXPECT_EQ(parseLimit("4096\n", 0), 4096u);
    EXPECT_THROW(parseUint("12a"), berth::Error);
}

TEST(CgroupsStats, JsonHasRuncEventsShape) {
    CgroupStats s;
    s.cpu.usage.total = 5;
    s.cpu.usage.percpu = {2, 3};
    s.memory.usage = {100, 50, 60, 1};
    s.memory.raw["cache"] = 7;
    s.pids = {3, 10};
    s.blkio.ioServiceBytesRecursive.push_back({254, 0, "Read", 4096});
    s.hugetlb["2MB"] = {0, 0, 0};
    auto j = toJson(s);
    EXPECT_EQ(j["cpu"]["usage"]["total"], 5);
    EXPECT_EQ(j["cpu"]["usage"]["percpu"], nlohmann::json::array({2, 3}));
    EXPECT_EQ(j["cpu"]["usage"]["kernel"], 0);  // not omitempty in runc
    EXPECT_FALSE(j["cpu"]["usage"].contains("percpu_kernel"));
    EXPECT_EQ(j["memory"]["usage"]["limit"], 100);
    EXPECT_EQ(j["memory"]["usage"]["usage"], 50);
    EXPECT_EQ(j["memory"]["usage"]["max"], 60);
    EXPECT_EQ(j["memory"]["usage"]["failcnt"], 1);
    EXPECT_EQ(j["memory"]["raw"]["cache"], 7);
    EXPECT_EQ(j["pids"]["current"], 3);
    EXPECT_EQ(j["pids"]["limit"], 10);
    EXPECT_EQ(j["blkio"]["ioServiceBytesRecursive"][0]["op"], "Read");
    EXPECT_EQ(j["blkio"]["ioServiceBytesRecursive"][0]["major"], 254);
    EXPECT_FALSE(j["blkio"]["ioServiceBytesRecursive"][0].contains("minor"));  // omitempty 0
    EXPECT_EQ(j["hugetlb"]["2MB"]["failcnt"], 0);
    EXPECT_TRUE(j.contains("network_interfaces"));
}
