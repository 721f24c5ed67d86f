// linux.resources typing and range validation: every error names its field.
#include "oci/linux_resources.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "support/failures.hpp"

using namespace berth;
using namespace berth::oci;

namespace {

LinuxResources parse(const std::string& text) {
    return parseLinuxResources(nlohmann::json::parse(text));
}

// The error message for text, or "" if it parsed.
std::string errorOf(const std::string& text) {
    return test::errorOf([&] { parse(text); });
}

}  // namespace

TEST(LinuxResources, ParsesEveryField) {
    auto r = parse(R"({
      "memory": {"limit": 100, "reservation": 50, "swap": 200, "kernel": 1, "kernelTCP": 2,
                 "swappiness": 0, "disableOOMKiller": true, "useHierarchy": false,
                 "checkBeforeUpdate": true},
      "cpu": {"shares": 2, "quota": 1000, "burst": 500, "period": 1000000,
              "realtimeRuntime": -1, "realtimePeriod": 7, "cpus": "0-1,3", "mems": "0", "idle": 1},
      "pids": {"limit": -1},
      "blockIO": {"weight": 10, "leafWeight": 1000,
                  "weightDevice": [{"major": 8, "minor": 0, "weight": 500, "leafWeight": 20}],
                  "throttleReadBpsDevice": [{"major": 8, "minor": 0, "rate": 1}],
                  "throttleWriteBpsDevice": [{"major": 8, "minor": 1, "rate": 2}],
                  "throttleReadIOPSDevice": [{"major": 8, "minor": 2, "rate": 3}],
                  "throttleWriteIOPSDevice": [{"major": 8, "minor": 3, "rate": 4}]},
      "hugepageLimits": [{"pageSize": "2MB", "limit": 1024}, {"pageSize": "1GB", "limit": 0}],
      "network": {"classID": 4, "priorities": [{"name": "eth0", "priority": 9}]},
      "devices": [{"allow": false, "access": "rwm"},
                  {"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rw"}],
      "unified": {"memory.high": "1000"},
      "rdma": {"mlx4_0": {"hcaHandles": 2, "hcaObjects": 3}},
      "someFutureField": {"ignored": true}
    })");
    EXPECT_EQ(*r.memory->limit, 100);
    EXPECT_EQ(*r.memory->swap, 200);
    EXPECT_EQ(*r.memory->swappiness, 0u);
    EXPECT_TRUE(*r.memory->disableOOMKiller);
    EXPECT_FALSE(*r.memory->useHierarchy);
    EXPECT_EQ(*r.cpu->shares, 2u);
    EXPECT_EQ(*r.cpu->realtimeRuntime, -1);
    EXPECT_EQ(r.cpu->cpus, "0-1,3");
    EXPECT_EQ(*r.cpu->idle, 1);
    EXPECT_EQ(r.pids->limit, -1);
    EXPECT_EQ(*r.blockIO->weightDevice[0].leafWeight, 20);
    EXPECT_EQ(r.blockIO->throttleWriteIOPSDevice[0].rate, 4u);
    EXPECT_EQ(r.hugepageLimits[1].pageSize, "1GB");
    EXPECT_EQ(*r.network->classID, 4u);
    EXPECT_EQ(r.network->priorities[0].first, "eth0");
    ASSERT_EQ(r.devices.size(), 2u);
    EXPECT_EQ(r.devices[0].type, 'a');
    EXPECT_EQ(r.devices[0].major, -1);
    EXPECT_EQ(r.devices[1].minor, 3);
    EXPECT_EQ(r.unified.at("memory.high"), "1000");
    EXPECT_EQ(*r.rdma.at("mlx4_0").hcaObjects, 3u);
}

TEST(LinuxResources, AbsentMeansUnset) {
    auto r = parse(R"({"memory": {"limit": 5}})");
    EXPECT_FALSE(r.memory->swap);
    EXPECT_FALSE(r.cpu);
    EXPECT_FALSE(r.pids);
    EXPECT_TRUE(r.devices.empty());
}

TEST(LinuxResources, WrongTypesNameTheField) {
    EXPECT_EQ(errorOf(R"({"memory": {"limit": "64m"}})"),
              "linux.resources.memory.limit: expected integer");
    EXPECT_EQ(errorOf(R"({"memory": {"limit": 1.5}})"),
              "linux.resources.memory.limit: expected integer");
    EXPECT_EQ(errorOf(R"({"cpu": {"shares": -5}})"),
              "linux.resources.cpu.shares: -5 must not be negative");
    EXPECT_EQ(errorOf(R"({"cpu": []})"), "linux.resources.cpu: expected an object");
    EXPECT_EQ(errorOf(R"({"memory": {"disableOOMKiller": 1}})"),
              "linux.resources.memory.disableOOMKiller: expected boolean");
    EXPECT_EQ(errorOf(R"({"devices": [{"access": "rwm"}]})"),
              "linux.resources.devices[0].allow: required");
    EXPECT_EQ(errorOf(R"({"pids": {}})"), "linux.resources.pids.limit: required");
    EXPECT_EQ(errorOf(R"({"blockIO": {"throttleReadBpsDevice": [{"major": 8, "minor": 0}]}})"),
              "linux.resources.blockIO.throttleReadBpsDevice[0].rate: required");
    EXPECT_EQ(errorOf(R"({"unified": {"memory.high": 5}})"),
              "linux.resources.unified.memory.high: expected string");
    EXPECT_EQ(errorOf(R"({"memory": {"limit": 18446744073709551615}})"),
              "linux.resources.memory.limit: integer out of range");
}

TEST(LinuxResources, OutOfRangeValuesAreRefused) {
    EXPECT_EQ(errorOf(R"({"memory": {"swappiness": 101}})"),
              "linux.resources.memory.swappiness: 101 out of range 0..100");
    EXPECT_EQ(errorOf(R"({"memory": {"limit": -2}})"),
              "linux.resources.memory.limit: -2 is negative (only -1, unlimited, is allowed)");
    EXPECT_NE(errorOf(R"({"memory": {"limit": 200, "swap": 100}})"), "");
    EXPECT_EQ(errorOf(R"({"cpu": {"shares": 1}})"),
              "linux.resources.cpu.shares: 1 out of range 2..262144");
    EXPECT_EQ(errorOf(R"({"cpu": {"shares": 262145}})"),
              "linux.resources.cpu.shares: 262145 out of range 2..262144");
    EXPECT_EQ(errorOf(R"({"cpu": {"period": 999}})"),
              "linux.resources.cpu.period: 999 out of range 1000..1000000");
    EXPECT_NE(errorOf(R"({"cpu": {"quota": 500}})"), "");
    EXPECT_NE(errorOf(R"({"cpu": {"quota": -7}})"), "");
    EXPECT_NE(errorOf(R"({"cpu": {"idle": 2}})"), "");
    EXPECT_NE(errorOf(R"({"cpu": {"cpus": "0-"}})"), "");
    EXPECT_NE(errorOf(R"({"cpu": {"mems": "a"}})"), "");
    EXPECT_NE(errorOf(R"({"cpu": {"quota": 10000, "burst": 20000}})"), "");
    EXPECT_EQ(errorOf(R"({"blockIO": {"weight": 5}})"),
              "linux.resources.blockIO.weight: 5 out of range 10..1000");
    EXPECT_EQ(errorOf(R"({"blockIO": {"weight": 1001}})"),
              "linux.resources.blockIO.weight: 1001 out of range 10..1000");
    EXPECT_EQ(errorOf(R"({"blockIO": {"weight": 70000}})"),
              "linux.resources.blockIO.weight: 70000 out of range 0..65535");
    EXPECT_NE(
        errorOf(R"({"blockIO": {"weightDevice": [{"major": -1, "minor": 0, "weight": 10}]}})"), "");
    EXPECT_NE(errorOf(R"({"hugepageLimits": [{"pageSize": "2M", "limit": 1}]})"), "");
    EXPECT_NE(errorOf(R"({"devices": [{"allow": true, "type": "x"}]})"), "");
    EXPECT_NE(errorOf(R"({"devices": [{"allow": true, "access": "rwx"}]})"), "");
    EXPECT_NE(errorOf(R"({"devices": [{"allow": true, "major": -2}]})"), "");
    EXPECT_NE(errorOf(R"({"unified": {"../etc/passwd": "x"}})"), "");
    EXPECT_NE(errorOf(R"({"unified": {"memory": "x"}})"), "");
    EXPECT_NE(errorOf(R"({"unified": {"cgroup.procs": "1"}})"), "");
    // Boundaries are accepted.
    EXPECT_EQ(errorOf(R"({"cpu": {"shares": 262144, "period": 1000, "quota": 1000},
                          "blockIO": {"weight": 1000}, "memory": {"swappiness": 100}})"),
              "");
}

TEST(LinuxResources, PrefixIsConfigurableForUpdateFiles) {
    try {
        parseLinuxResources(nlohmann::json::parse(R"({"memory": {"limit": "x"}})"), "resources");
        FAIL();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "resources.memory.limit: expected integer");
    }
}

TEST(LinuxResources, CpusetListSyntax) {
    EXPECT_TRUE(isValidCpusetList("0"));
    EXPECT_TRUE(isValidCpusetList("0-3,5,7-8"));
    EXPECT_FALSE(isValidCpusetList(""));
    EXPECT_FALSE(isValidCpusetList("0,"));
    EXPECT_FALSE(isValidCpusetList("a-b"));
}
