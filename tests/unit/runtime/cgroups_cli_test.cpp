// Pure parts of the cgroup verbs: update flags, byte sizes, ps filtering, the container plan.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "runtime/cgroups/container_cgroup.hpp"
#include "runtime/cgroups/process_table.hpp"
#include "runtime/cgroups/update_request.hpp"
#include "support/failures.hpp"

using namespace berth;
using namespace berth::runtime::cgroups;

TEST(CgroupsCli, ParsesByteSizesLikeDocker) {
    EXPECT_EQ(parseByteSize("1024"), 1024);
    EXPECT_EQ(parseByteSize("64m"), 64 << 20);
    EXPECT_EQ(parseByteSize("64MB"), 64 << 20);
    EXPECT_EQ(parseByteSize("1g"), int64_t(1) << 30);
    EXPECT_EQ(parseByteSize("1.5k"), 1536);
    EXPECT_EQ(parseByteSize("-1"), -1);
    EXPECT_THROW(parseByteSize("m"), Error);
    EXPECT_THROW(parseByteSize("12q"), Error);
}

TEST(CgroupsCli, UpdateFlagsBecomeResources) {
    auto r = resourcesFromUpdateFlags({{"memory", "128m"},
                                       {"memory-swap", "256m"},
                                       {"memory-reservation", "64m"},
                                       {"cpu-shares", "512"},
                                       {"cpu-quota", "50000"},
                                       {"cpu-period", "100000"},
                                       {"cpuset-cpus", "0"},
                                       {"cpuset-mems", "0"},
                                       {"pids-limit", "99"},
                                       {"blkio-weight", "300"}});
    EXPECT_EQ(*r.memory->limit, 128 << 20);
    EXPECT_EQ(*r.memory->swap, 256 << 20);
    EXPECT_EQ(*r.memory->reservation, 64 << 20);
    EXPECT_EQ(*r.cpu->shares, 512u);
    EXPECT_EQ(*r.cpu->quota, 50000);
    EXPECT_EQ(*r.cpu->period, 100000u);
    EXPECT_EQ(r.cpu->cpus, "0");
    EXPECT_EQ(r.pids->limit, 99);
    EXPECT_EQ(*r.blockIO->weight, 300);
    // Only what was given is set.
    auto only = resourcesFromUpdateFlags({{"pids-limit", "5"}});
    EXPECT_FALSE(only.memory);
    EXPECT_FALSE(only.cpu);
}

TEST(CgroupsCli, UpdateFlagErrorsNameTheFlag) {
    auto err = [](std::map<std::string, std::string> f) {
        return test::errorOf([&] { resourcesFromUpdateFlags(f); });
    };
    EXPECT_EQ(err({{"cpu-shares", "1"}}), "--cpu-shares: 1 out of range 2..262144");
    EXPECT_EQ(err({{"blkio-weight", "5"}}), "--blkio-weight: 5 out of range 10..1000");
    EXPECT_EQ(err({{"cpu-quota", "abc"}}), "--cpu-quota: \"abc\" is not an integer");
    EXPECT_NE(err({{"memory", "lots"}}).find("--memory"), std::string::npos);
    EXPECT_NE(err({{"memory", "200m"}, {"memory-swap", "100m"}}).find("--memory-swap"),
              std::string::npos);
}

TEST(CgroupsCli, PsOutputKeepsHeaderAndContainerPids) {
    std::string ps =
        "UID          PID    PPID  C STIME TTY          TIME CMD\n"
        "root           1       0  0 10:34 ?        00:00:01 /sbin/init\n"
        "root        4242       1  0 10:35 ?        00:00:00 sleep 100\n"
        "root       14242       1  0 10:35 ?        00:00:00 other\n";
    std::string out = filterPsOutput(ps, {4242});
    EXPECT_EQ(out,
              "UID          PID    PPID  C STIME TTY          TIME CMD\n"
              "root        4242       1  0 10:35 ?        00:00:00 sleep 100\n");
    EXPECT_THROW(filterPsOutput("USER COMMAND\nroot x\n", {1}), Error);
}

TEST(CgroupsCli, PlanAddsStandardDevicesAndValidates) {
    oci::Spec spec;
    spec.linux = oci::Linux{};
    spec.linux->cgroupsPath = "/x/y";
    spec.linux->resources =
        nlohmann::json::parse(R"({"devices": [{"allow": false, "access": "rwm"}],
                                                       "pids": {"limit": 7}})");
    auto plan = planContainerCgroup(spec, "id1");
    EXPECT_EQ(plan.request.cgroupsPath, "/x/y");
    EXPECT_EQ(plan.resources.pids->limit, 7);
    ASSERT_GT(plan.resources.devices.size(), 5u);
    EXPECT_FALSE(plan.resources.devices[0].allow);
    EXPECT_TRUE(plan.resources.devices.back().allow);
    spec.linux->resources = nlohmann::json::parse(R"({"memory": {"swappiness": 200}})");
    EXPECT_THROW(planContainerCgroup(spec, "id1"), Error);
    oci::Spec bare;
    auto none = planContainerCgroup(bare, "id2");
    EXPECT_EQ(none.request.cgroupsPath, "");
    EXPECT_FALSE(none.resources.devices.empty());
}
