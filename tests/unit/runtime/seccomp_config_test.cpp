// linux.seccomp parsing: types, the spec's MUSTs, and errors that name the field.
#include "oci/seccomp_config.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"
#include "support/failures.hpp"

using namespace berth;
using namespace berth::oci;
using nlohmann::json;

namespace {

std::string parseError(const json& j) {
    return test::errorOf([&] { parseSeccompConfig(j); });
}

}  // namespace

TEST(SeccompConfig, ParsesEveryField) {
    auto cfg = parseSeccompConfig(json::parse(R"({
        "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
        "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
        "flags": ["SECCOMP_FILTER_FLAG_LOG"],
        "listenerPath": "/run/agent.sock", "listenerMetadata": "meta",
        "syscalls": [
          {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
          {"names": ["kill"], "action": "SCMP_ACT_NOTIFY",
           "args": [{"index": 1, "value": 9, "op": "SCMP_CMP_EQ"},
                    {"index": 0, "value": 255, "valueTwo": 7, "op": "SCMP_CMP_MASKED_EQ"}]}
        ]})"));
    EXPECT_EQ(cfg.defaultAction, SeccompAction::Errno);
    EXPECT_EQ(cfg.defaultErrnoRet, 38u);
    EXPECT_EQ(cfg.architectures, (std::vector<std::string>{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86"}));
    EXPECT_EQ(cfg.flags, std::vector<std::string>{"SECCOMP_FILTER_FLAG_LOG"});
    EXPECT_EQ(cfg.listenerPath, "/run/agent.sock");
    EXPECT_EQ(cfg.listenerMetadata, "meta");
    ASSERT_EQ(cfg.syscalls.size(), 2u);
    EXPECT_EQ(cfg.syscalls[0].names, (std::vector<std::string>{"mkdir", "mkdirat"}));
    EXPECT_EQ(cfg.syscalls[0].errnoRet, 13u);
    EXPECT_EQ(cfg.syscalls[1].action, SeccompAction::Notify);
    ASSERT_EQ(cfg.syscalls[1].args.size(), 2u);
    EXPECT_EQ(cfg.syscalls[1].args[0].index, 1u);
    EXPECT_EQ(cfg.syscalls[1].args[0].value, 9u);
    EXPECT_EQ(cfg.syscalls[1].args[1].op, SeccompOp::MaskedEqual);
    EXPECT_EQ(cfg.syscalls[1].args[1].valueTwo, 7u);
    EXPECT_TRUE(cfg.usesNotify());
}

TEST(SeccompConfig, EveryActionAndOperatorNameRoundTrips) {
    for (auto& name : knownSeccompActions()) {
        auto a = seccompActionFromName(name);
        ASSERT_TRUE(a) << name;
        EXPECT_EQ(seccompActionName(*a), name);
    }
    EXPECT_EQ(knownSeccompActions().size(), 9u);
    for (auto& name : knownSeccompOps()) {
        auto o = seccompOpFromName(name);
        ASSERT_TRUE(o) << name;
        EXPECT_EQ(seccompOpName(*o), name);
    }
    EXPECT_EQ(knownSeccompOps().size(), 7u);
}

TEST(SeccompConfig, Uint64ValuesAreKept) {
    auto cfg = parseSeccompConfig(json::parse(R"({"defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["personality"], "action": "SCMP_ACT_ERRNO",
                      "args": [{"index": 0, "value": 18446744073709551615, "op": "SCMP_CMP_EQ"}]}]})"));
    EXPECT_EQ(cfg.syscalls[0].args[0].value, UINT64_MAX);
}

TEST(SeccompConfig, ErrorsNameTheField) {
    struct Case {
        const char* json;
        const char* expect;
    } cases[] = {
        {R"({})", "linux.seccomp.defaultAction: required"},
        {R"({"defaultAction": 1})", "linux.seccomp.defaultAction: expected a string"},
        {R"({"defaultAction": "SCMP_ACT_NOPE"})",
         "linux.seccomp.defaultAction: unknown action \"SCMP_ACT_NOPE\""},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_Z80"]})",
         "linux.seccomp.architectures[0]: unknown architecture \"SCMP_ARCH_Z80\""},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_FOO"]})",
         "linux.seccomp.flags[0]: unknown flag"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "defaultErrnoRet": 1})",
         "linux.seccomp.defaultErrnoRet: action SCMP_ACT_ALLOW does not take an errno"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_KILL", "errnoRet": 1}]})",
         "linux.seccomp.syscalls[0].errnoRet: action SCMP_ACT_KILL does not take an errno"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": [], "action": "SCMP_ACT_KILL"}]})",
         "linux.seccomp.syscalls[0].names: must contain at least one entry"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"action": "SCMP_ACT_KILL"}]})",
         "linux.seccomp.syscalls[0].names: required"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"]}]})",
         "linux.seccomp.syscalls[0].action: required"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_BOOM"}]})",
         "linux.seccomp.syscalls[0].action: unknown action \"SCMP_ACT_BOOM\""},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_KILL",
            "args": [{"index": 6, "value": 1, "op": "SCMP_CMP_EQ"}]}]})",
         "linux.seccomp.syscalls[0].args[0].index: value 6 out of range"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_KILL",
            "args": [{"index": 0, "value": -1, "op": "SCMP_CMP_EQ"}]}]})",
         "linux.seccomp.syscalls[0].args[0].value: expected an unsigned integer"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_KILL",
            "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_ABOUT"}]}]})",
         "linux.seccomp.syscalls[0].args[0].op: unknown operator \"SCMP_CMP_ABOUT\""},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_KILL",
            "args": [{"value": 1, "op": "SCMP_CMP_EQ"}]}]})",
         "linux.seccomp.syscalls[0].args[0].index: required"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "listenerMetadata": "x"})",
         "linux.seccomp.listenerMetadata: must not be set without listenerPath"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["kill"], "action": "SCMP_ACT_NOTIFY"}]})",
         "linux.seccomp.listenerPath: required when an action is SCMP_ACT_NOTIFY"},
        {R"({"defaultAction": "SCMP_ACT_NOTIFY", "listenerPath": "/x"})",
         "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action"},
        {R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": {}})",
         "linux.seccomp.syscalls: expected an array"},
        {R"([])", "linux.seccomp: expected an object"},
    };
    for (auto& c : cases) {
        std::string err = parseError(json::parse(c.json));
        EXPECT_NE(err.find(c.expect), std::string::npos)
            << "input: " << c.json << "\nerror: " << err << "\nwanted: " << c.expect;
    }
}

TEST(SeccompConfig, AcceptsLegacySingleName) {
    auto cfg = parseSeccompConfig(json::parse(
        R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"name": "mkdir", "action": "SCMP_ACT_ERRNO"}]})"));
    EXPECT_EQ(cfg.syscalls[0].names, std::vector<std::string>{"mkdir"});
}

TEST(SeccompConfig, NullMeansAbsent) {
    auto cfg = parseSeccompConfig(json::parse(
        R"({"defaultAction": "SCMP_ACT_ALLOW", "architectures": null, "syscalls": null, "flags": null})"));
    EXPECT_TRUE(cfg.architectures.empty());
    EXPECT_TRUE(cfg.syscalls.empty());
}
