// docker stats' numbers from a container's cgroup: the v2 (pure cgroup2 host, what most users
// run) and v1 readers of runtime/cgroups against a fake tree, then the engine's docker
// calculations (memory without inactive file, host-memory cap, blkio sums, CPU %).
#include <gtest/gtest.h>

#include "engine/resources/container_stats.hpp"
#include "engine/resources/resource_update.hpp"
#include "runtime/cgroups/cgroup_manager.hpp"
#include "unit/runtime/cgroups_fake_tree.hpp"

using berth::engine::ContainerStats;
using berth::test::createdCgroup;
using berth::test::FakeCgroupFs;

namespace {

constexpr uint64_t kHostMem = 8ull << 30;

TEST(ContainerStatsV2, ParsesAFakeCgroup2Tree) {
    FakeCgroupFs fs({}, {"cpu", "memory", "pids", "io"}, /*pureV2=*/true);
    fs.setFile("/cgroup.subtree_control", "cpu memory pids io");
    auto m = createdCgroup(fs, "/berth/c1");
    const std::string d = "/berth/c1";
    fs.setFile(d + "/cgroup.controllers", "cpu memory pids io");
    fs.setFile(d + "/cpu.stat", "usage_usec 2500\nuser_usec 2000\nsystem_usec 500\nnr_periods 0\n");
    fs.setFile(d + "/memory.current", "10485760\n");
    fs.setFile(d + "/memory.max", "max\n");
    fs.setFile(d + "/memory.stat", "anon 4194304\nfile 6291456\ninactive_file 2097152\n");
    fs.setFile(d + "/memory.events", "low 0\nhigh 0\nmax 0\noom 1\noom_kill 1\n");
    fs.setFile(d + "/pids.current", "3\n");
    fs.setFile(d + "/pids.max", "max\n");
    fs.setFile(d + "/io.stat", "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n"
                               "8:16 rbytes=1000 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n");
    ContainerStats s = berth::engine::containerStatsFrom(m->stats(), kHostMem);
    EXPECT_TRUE(s.running);
    EXPECT_EQ(s.cpuTotalNs, 2'500'000u);
    EXPECT_EQ(s.memUsage, 10485760u - 2097152u);  // inactive_file is not counted (docker CLI)
    EXPECT_EQ(s.memLimit, kHostMem);               // "max" → the host's memory (moby)
    EXPECT_EQ(s.blkRead, 5096u);
    EXPECT_EQ(s.blkWrite, 8192u);
    EXPECT_EQ(s.pids, 3u);

    fs.setFile(d + "/memory.max", "104857600\n");
    s = berth::engine::containerStatsFrom(m->stats(), kHostMem);
    EXPECT_EQ(s.memLimit, 104857600u);
    EXPECT_NEAR(berth::engine::memPercent(s), 8.0, 0.001);
}

TEST(ContainerStatsV1, ParsesAFakeV1Tree) {
    FakeCgroupFs fs({"cpu", "cpuacct", "memory", "pids", "blkio"}, {}, false);
    auto m = createdCgroup(fs, "/berth/c1");
    fs.setFile("/cpuacct/berth/c1/cpuacct.usage", "123456789\n");
    fs.setFile("/memory/berth/c1/memory.usage_in_bytes", "3000000\n");
    fs.setFile("/memory/berth/c1/memory.limit_in_bytes", "9223372036854771712\n");
    fs.setFile("/memory/berth/c1/memory.stat", "cache 100\nrss 200\ntotal_inactive_file 1000000\n");
    fs.setFile("/pids/berth/c1/pids.current", "2\n");
    fs.setFile("/blkio/berth/c1/blkio.throttle.io_service_bytes_recursive",
               "8:0 Read 100\n8:0 Write 200\n8:0 Sync 0\n8:0 Async 300\n8:0 Total 300\nTotal 300\n");
    ContainerStats s = berth::engine::containerStatsFrom(m->stats(), kHostMem);
    EXPECT_EQ(s.cpuTotalNs, 123456789u);
    EXPECT_EQ(s.memUsage, 2000000u);
    EXPECT_EQ(s.memLimit, kHostMem);
    EXPECT_EQ(s.pids, 2u);
    EXPECT_EQ(s.blkRead, 100u);
    EXPECT_EQ(s.blkWrite, 200u);
}

TEST(ContainerStats, CpuPercentAsDockerComputesIt) {
    ContainerStats a, b;
    a.cpuTotalNs = 1'000'000'000;
    a.systemCpuNs = 100'000'000'000;
    b = a;
    b.cpuTotalNs += 500'000'000;     // half a cpu-second
    b.systemCpuNs += 2'000'000'000;  // 2 cpus × 1 s
    b.onlineCpus = 2;
    EXPECT_DOUBLE_EQ(berth::engine::cpuPercent(a, b), 50.0);
    EXPECT_EQ(berth::engine::cpuPercent(b, b), 0.0);  // no delta: 0, not NaN
}

TEST(ContainerStats, SystemCpuFromProcStat) {
    uint32_t cpus = 0;
    uint64_t ns = berth::engine::parseSystemCpuNs(
        "cpu  10 20 30 40 50 60 70 80 0 0\ncpu0 5 10 15 20 25 30 35 40 0 0\n"
        "cpu1 5 10 15 20 25 30 35 40 0 0\nintr 1\n",
        &cpus);
    EXPECT_EQ(cpus, 2u);
    long tck = sysconf(_SC_CLK_TCK);
    EXPECT_EQ(ns, 280u * (1'000'000'000u / uint64_t(tck)));  // steal (80) is not counted
}

TEST(ResourceUpdate, MobyChecksAndTexts) {
    nlohmann::json hc = {{"Memory", 0}, {"MemorySwap", 0}, {"NanoCpus", 0}, {"AutoRemove", false}};
    berth::engine::ResourceUpdate u;
    u.memory = 100 << 20;
    try {
        berth::engine::applyUpdateToHostConfig(hc, u);
        FAIL();
    } catch (const berth::Error& e) {
        EXPECT_STREQ(e.what(), "Memory limit should be smaller than already set memoryswap limit, "
                               "update the memoryswap at the same time");
    }
    u.memorySwap = 200 << 20;
    u.nanoCpus = 500'000'000;
    u.pidsLimit = 50;
    berth::engine::applyUpdateToHostConfig(hc, u);
    EXPECT_EQ(hc["Memory"], 100 << 20);
    EXPECT_EQ(hc["MemorySwap"], 200 << 20);
    auto r = berth::engine::linuxResourcesFor(hc);
    EXPECT_EQ(r["memory"]["limit"], 100 << 20);
    EXPECT_EQ(r["memory"]["swap"], 200 << 20);
    EXPECT_EQ(r["cpu"]["quota"], 50000);
    EXPECT_EQ(r["cpu"]["period"], 100000);
    EXPECT_EQ(r["pids"]["limit"], 50);

    berth::engine::ResourceUpdate p;
    p.cpuPeriod = 100000;
    EXPECT_THROW(berth::engine::applyUpdateToHostConfig(hc, p), berth::Error);  // NanoCPUs set
    hc["AutoRemove"] = true;
    berth::engine::ResourceUpdate rp;
    rp.restartPolicy = "always";
    EXPECT_THROW(berth::engine::applyUpdateToHostConfig(hc, rp), berth::Error);
}

}  // namespace
