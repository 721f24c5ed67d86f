// parseSpec: types, the spec's MUSTs, field paths in errors, unknown fields ignored.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "oci/runtime_spec.hpp"
#include "support/failures.hpp"

using namespace berth;
using nlohmann::json;

namespace {

json minimal() {
    return json{{"ociVersion", "1.2.0"},
                {"root", {{"path", "rootfs"}}},
                {"process",
                 {{"user", {{"uid", 0}, {"gid", 0}}}, {"args", {"/bin/true"}}, {"cwd", "/"}}},
                {"linux", {{"namespaces", {{{"type", "pid"}}, {{"type", "mount"}}}}}}};
}

// The message of the error parseSpec throws, or "" if it accepts the document.
std::string errorOf(const json& j) {
    return test::errorOf([&] { oci::parseSpec(j.dump()); });
}

}  // namespace

TEST(RuntimeSpec, ParsesAMinimalConfig) {
    auto s = oci::parseSpec(minimal().dump());
    EXPECT_EQ(s.ociVersion, "1.2.0");
    EXPECT_EQ(s.root.path, "rootfs");
    ASSERT_TRUE(s.process);
    EXPECT_EQ(s.process->args, std::vector<std::string>{"/bin/true"});
    ASSERT_TRUE(s.linux);
    EXPECT_TRUE(s.linux->hasNamespace(oci::NamespaceType::Pid));
    EXPECT_FALSE(s.linux->hasNamespace(oci::NamespaceType::Network));
}

TEST(RuntimeSpec, ParsesTheDefaultSpec) {
    auto s = oci::parseSpec(oci::defaultSpecJson(false).dump());
    ASSERT_TRUE(s.process && s.process->capabilities);
    EXPECT_EQ(s.process->capabilities->bounding.size(), 3u);
    EXPECT_TRUE(s.process->capabilities->inheritable.empty());
    EXPECT_EQ(s.mounts.size(), 7u);
    auto r = oci::parseSpec(oci::defaultSpecJson(true).dump());
    EXPECT_TRUE(r.linux->hasNamespace(oci::NamespaceType::User));
    EXPECT_EQ(r.linux->uidMappings.size(), 1u);
}

TEST(RuntimeSpec, FullProcess) {
    json j = minimal();
    j["process"]["user"] = {{"uid", 1000}, {"gid", 100}, {"umask", 18}, {"additionalGids", {5, 6}}};
    j["process"]["env"] = {"A=1", "PATH=/bin"};
    j["process"]["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"hard", 100}, {"soft", 50}}};
    j["process"]["capabilities"] = {{"bounding", {"CAP_KILL", "CAP_CHOWN"}},
                                    {"ambient", {"CAP_KILL"}}};
    j["process"]["oomScoreAdj"] = -500;
    j["process"]["noNewPrivileges"] = true;
    auto s = oci::parseSpec(j.dump());
    EXPECT_EQ(s.process->user.uid, 1000u);
    EXPECT_EQ(s.process->user.gid, 100u);
    EXPECT_EQ(*s.process->user.umask, 18u);
    EXPECT_EQ(s.process->user.additionalGids, (std::vector<uint32_t>{5, 6}));
    EXPECT_EQ(s.process->rlimits[0].soft, 50u);
    EXPECT_EQ(s.process->capabilities->ambient, std::vector<std::string>{"CAP_KILL"});
    EXPECT_EQ(*s.process->oomScoreAdj, -500);
    EXPECT_TRUE(s.process->noNewPrivileges);
}

TEST(RuntimeSpec, UnknownFieldsAndAnnotationsAreIgnored) {
    json j = minimal();
    j["someFutureField"] = {{"x", 1}};
    j["process"]["vendorThing"] = "y";
    j["linux"]["newThing"] = {1, 2, 3};
    j["annotations"] = {{"org.example.key", "value"}};
    auto s = oci::parseSpec(j.dump());
    EXPECT_EQ(s.annotations["org.example.key"], "value");
}

TEST(RuntimeSpec, MalformedJsonNamesThePosition) {
    std::string msg;
    try {
        oci::parseSpec("{\"ociVersion\": \"1.2.0\",\n \"root\": {\"path\": }");
    } catch (const Error& e) {
        msg = e.what();
    }
    EXPECT_NE(msg.find("malformed JSON"), std::string::npos) << msg;
    EXPECT_NE(msg.find("line 2"), std::string::npos) << msg;
}

TEST(RuntimeSpec, WrongTypesNameTheField) {
    json j = minimal();
    j["process"]["user"]["uid"] = "root";
    EXPECT_EQ(errorOf(j), "process.user.uid: expected an unsigned integer");
    j = minimal();
    j["process"]["user"]["uid"] = -1;
    EXPECT_EQ(errorOf(j), "process.user.uid: expected an unsigned integer");
    j = minimal();
    j["process"]["args"] = "/bin/true";
    EXPECT_EQ(errorOf(j), "process.args: expected an array");
    j = minimal();
    j["process"]["args"] = {"/bin/true", 5};
    EXPECT_EQ(errorOf(j), "process.args[1]: expected a string");
    j = minimal();
    j["root"]["readonly"] = "yes";
    EXPECT_EQ(errorOf(j), "root.readonly: expected a boolean");
    j = minimal();
    j["mounts"] = {{{"destination", "/x"}, {"options", {"ro", 1}}}};
    EXPECT_EQ(errorOf(j), "mounts[0].options[1]: expected a string");
    j = minimal();
    j["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", 1000}}};
    EXPECT_EQ(errorOf(j), "linux.uidMappings[0].size: required");
}

TEST(RuntimeSpec, RequiredFields) {
    json j = minimal();
    j.erase("ociVersion");
    EXPECT_EQ(errorOf(j), "ociVersion: required");
    j = minimal();
    j.erase("root");
    EXPECT_EQ(errorOf(j), "root: required");
    j = minimal();
    j["process"].erase("cwd");
    EXPECT_EQ(errorOf(j), "process.cwd: required");
    j = minimal();
    j["process"]["cwd"] = "relative/dir";
    EXPECT_NE(errorOf(j).find("process.cwd: \"relative/dir\" must be an absolute path"), std::string::npos);
    j = minimal();
    j["process"]["args"] = json::array();
    EXPECT_EQ(errorOf(j), "process.args: must have at least one entry");
    j = minimal();
    j["process"]["user"].erase("gid");
    EXPECT_EQ(errorOf(j), "process.user.gid: required");
}

TEST(RuntimeSpec, NamespaceRules) {
    json j = minimal();
    j["linux"]["namespaces"].push_back({{"type", "bogus"}});
    EXPECT_EQ(errorOf(j), "linux.namespaces[2].type: unknown namespace type \"bogus\"");
    j = minimal();
    j["linux"]["namespaces"].push_back({{"type", "pid"}});
    EXPECT_EQ(errorOf(j), "linux.namespaces[2].type: duplicate namespace \"pid\"");
    j = minimal();
    j["hostname"] = "box";
    EXPECT_NE(errorOf(j).find("hostname: "), std::string::npos);
    j["linux"]["namespaces"].push_back({{"type", "uts"}});
    EXPECT_EQ(errorOf(j), "");
    j = minimal();
    j["linux"]["namespaces"].push_back({{"type", "user"}});
    EXPECT_NE(errorOf(j).find("linux.uidMappings"), std::string::npos);
    j = minimal();
    j["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", 1000}, {"size", 1}}};
    j["linux"]["gidMappings"] = {{{"containerID", 0}, {"hostID", 1000}, {"size", 1}}};
    EXPECT_NE(errorOf(j).find("need a new user namespace"), std::string::npos);
    j = minimal();
    j["linux"]["namespaces"].push_back({{"type", "network"}, {"path", "relative"}});
    EXPECT_NE(errorOf(j).find("linux.namespaces[2].path"), std::string::npos);
    j = minimal();
    j["linux"]["timeOffsets"] = {{"monotonic", {{"secs", 10}}}};
    EXPECT_NE(errorOf(j).find("linux.timeOffsets"), std::string::npos);
    j["linux"]["namespaces"].push_back({{"type", "time"}});
    EXPECT_EQ(errorOf(j), "");
}

TEST(RuntimeSpec, ValuesOutOfTheirDomain) {
    json j = minimal();
    j["process"]["capabilities"] = {{"bounding", {"CAP_NOPE"}}};
    EXPECT_EQ(errorOf(j), "process.capabilities.bounding[0]: unknown capability \"CAP_NOPE\"");
    j = minimal();
    j["process"]["rlimits"] = {{{"type", "RLIMIT_BOGUS"}, {"hard", 1}, {"soft", 1}}};
    EXPECT_NE(errorOf(j).find("process.rlimits[0].type"), std::string::npos);
    j = minimal();
    j["process"]["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"hard", 1}, {"soft", 1}},
                               {{"type", "RLIMIT_NOFILE"}, {"hard", 1}, {"soft", 1}}};
    EXPECT_NE(errorOf(j).find("duplicate rlimit"), std::string::npos);
    j = minimal();
    j["process"]["oomScoreAdj"] = 5000;
    EXPECT_NE(errorOf(j).find("process.oomScoreAdj"), std::string::npos);
    j = minimal();
    j["linux"]["devices"] = {{{"type", "x"}, {"path", "/dev/x"}}};
    EXPECT_NE(errorOf(j).find("linux.devices[0].type"), std::string::npos);
    j = minimal();
    j["linux"]["resources"] = {{"memory", {{"limit", "lots"}}}};
    EXPECT_NE(errorOf(j).find("linux.resources.memory.limit"), std::string::npos);
    j = minimal();
    j["hooks"] = {{"prestart", {{{"path", "relative"}}}}};
    EXPECT_NE(errorOf(j).find("hooks.prestart[0].path"), std::string::npos);
    j = minimal();
    j["hooks"] = {{"poststop", {{{"path", "/bin/true"}, {"timeout", 0}}}}};
    EXPECT_NE(errorOf(j).find("hooks.poststop[0].timeout"), std::string::npos);
}

TEST(RuntimeSpec, NullMeansAbsent) {
    json j = minimal();
    j["mounts"] = nullptr;
    j["process"]["env"] = nullptr;
    j["hooks"] = nullptr;
    EXPECT_EQ(errorOf(j), "");
}
