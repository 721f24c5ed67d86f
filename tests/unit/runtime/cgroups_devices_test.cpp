// The device rule list and the eBPF program that enforces it, run through the interpreter.
#include <gtest/gtest.h>

#include "runtime/cgroups/device_rules.hpp"

using namespace berth;
using namespace berth::runtime::cgroups;

using Rule = oci::DeviceRule;  // {allow, type, major, minor, access}

TEST(CgroupsDevices, DockerStyleListAllowsStandardNodesOnly) {
    oci::Device fuse;
    fuse.type = "c";
    fuse.major = 10;
    fuse.minor = 229;
    auto rules = containerDeviceRules({Rule{false, 'a', -1, -1, "rwm"}}, {fuse});
    auto prog = deviceFilterProgram(rules);
    EXPECT_TRUE(evaluateDeviceFilter(prog, 'c', 1, 3, "rw"));     // null
    EXPECT_TRUE(evaluateDeviceFilter(prog, 'c', 1, 9, "r"));      // urandom
    EXPECT_TRUE(evaluateDeviceFilter(prog, 'c', 136, 7, "rw"));   // pts/7
    EXPECT_TRUE(evaluateDeviceFilter(prog, 'c', 10, 229, "rw"));  // linux.devices entry
    EXPECT_TRUE(evaluateDeviceFilter(prog, 'b', 8, 0, "m"));      // mknod of anything
    EXPECT_FALSE(evaluateDeviceFilter(prog, 'b', 8, 0, "r"));     // but no disk access
    EXPECT_FALSE(evaluateDeviceFilter(prog, 'c', 1, 1, "r"));     // /dev/mem
    EXPECT_FALSE(evaluateDeviceFilter(prog, 'c', 4, 1, "rw"));    // tty1
}

TEST(CgroupsDevices, LastMatchingRuleWinsAndPartialAccess) {
    auto prog = deviceFilterProgram({Rule{false, 'a', -1, -1, "rwm"}, Rule{true, 'c', 1, -1, "rw"},
                                     Rule{false, 'c', 1, 5, "w"}});
    EXPECT_TRUE(evaluateDeviceFilter(prog, 'c', 1, 3, "rw"));
    EXPECT_TRUE(evaluateDeviceFilter(prog, 'c', 1, 5, "r"));
    EXPECT_FALSE(evaluateDeviceFilter(prog, 'c', 1, 5, "w"));   // denied by the later rule
    EXPECT_FALSE(evaluateDeviceFilter(prog, 'c', 1, 5, "rw"));  // any denied bit denies
    EXPECT_FALSE(evaluateDeviceFilter(prog, 'c', 1, 3, "m"));   // rw granted, not m
    EXPECT_FALSE(evaluateDeviceFilter(prog, 'b', 1, 3, "r"));   // type matters
}

TEST(CgroupsDevices, DefaultIsAllowWithoutResetAndResetDropsEarlierRules) {
    auto open = deviceFilterProgram({Rule{false, 'b', 8, -1, "rwm"}});
    EXPECT_TRUE(evaluateDeviceFilter(open, 'c', 4, 1, "rw"));
    EXPECT_FALSE(evaluateDeviceFilter(open, 'b', 8, 16, "r"));
    auto reset =
        deviceFilterProgram({Rule{true, 'c', 4, 1, "rwm"}, Rule{false, 'a', -1, -1, "rwm"}});
    EXPECT_FALSE(evaluateDeviceFilter(reset, 'c', 4, 1, "r"));
}

TEST(CgroupsDevices, V1RuleStrings) {
    EXPECT_EQ(v1DeviceRuleString(Rule{true, 'c', 1, 3, "rwm"}), "c 1:3 rwm");
    EXPECT_EQ(v1DeviceRuleString(Rule{false, 'a', -1, -1, "rwm"}), "a *:* rwm");
    EXPECT_EQ(v1DeviceRuleString(Rule{true, 'c', 136, -1, "rw"}), "c 136:* rw");
}

TEST(CgroupsDevices, AppendedAllowRuleWinsOverTheDefaults) {
    auto rules = containerDeviceRules({Rule{false, 'a', -1, -1, "rwm"}}, {});
    rules.push_back(Rule{true, 'b', 254, -1, "r"});
    auto prog = deviceFilterProgram(rules);
    EXPECT_TRUE(evaluateDeviceFilter(prog, 'b', 254, 0, "r"));
    EXPECT_FALSE(evaluateDeviceFilter(prog, 'b', 254, 0, "w"));
}
