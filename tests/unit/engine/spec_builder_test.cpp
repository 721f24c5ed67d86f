// The generated config.json against what Docker (moby 24–27 with runc) writes for the same flags,
// field by field (values taken from `docker run` bundles under /run/containerd/.../config.json).
#include <gtest/gtest.h>

#include <sys/resource.h>

#include <algorithm>

#include "common/error.hpp"
#include "engine/spec/capability_set.hpp"
#include "engine/spec/option_parsers.hpp"
#include "engine/spec/spec_builder.hpp"
#include "engine/spec/user_lookup.hpp"
#include "support/failures.hpp"

using namespace berth::engine;
using nlohmann::json;

namespace {

const std::string kId(64, 'a');

json busyboxConfig() {
    return json::parse(R"({"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                          "Cmd":["sh"]})");
}

BuiltSpec build(RunOptions o, json img = busyboxConfig()) {
    if (o.image.empty()) o.image = "busybox";
    SpecInputs in;
    in.id = kId;
    in.imageConfig = std::move(img);
    in.rootfsPath = "/tmp/rootfs";
    in.initPath = "/usr/libexec/berth-init";
    return buildSpec(o, in);
}

std::string errorOf(const RunOptions& o) {
    return berth::test::errorOf([&] { validateRunOptions(o); });
}

bool has(const json& arr, const std::string& s) {
    return std::find(arr.begin(), arr.end(), json(s)) != arr.end();
}

}  // namespace

TEST(SpecBuilder, DefaultsMatchDocker) {
    RunOptions o;
    o.command = {"echo", "ok"};
    auto b = build(o);
    auto& c = b.config;
    EXPECT_EQ(c["process"]["args"], json({"echo", "ok"}));
    EXPECT_EQ(c["process"]["cwd"], "/");
    EXPECT_EQ(c["hostname"], "aaaaaaaaaaaa");
    EXPECT_EQ(c["process"]["env"][0], kDefaultPathEnv);
    EXPECT_EQ(c["process"]["env"][1], "HOSTNAME=aaaaaaaaaaaa");
    auto caps = c["process"]["capabilities"]["bounding"];
    EXPECT_EQ(caps.size(), 14u);
    EXPECT_TRUE(has(caps, "CAP_NET_BIND_SERVICE"));
    EXPECT_FALSE(has(caps, "CAP_SYS_ADMIN"));
    EXPECT_EQ(c["process"]["capabilities"]["effective"], caps);
    EXPECT_FALSE(c["process"]["capabilities"].contains("inheritable"));
    EXPECT_TRUE(has(c["linux"]["maskedPaths"], "/proc/kcore"));
    EXPECT_TRUE(has(c["linux"]["readonlyPaths"], "/proc/sys"));
    EXPECT_EQ(c["linux"]["sysctl"]["net.ipv4.ip_unprivileged_port_start"], "0");
    EXPECT_EQ(c["linux"]["seccomp"]["defaultAction"], "SCMP_ACT_ERRNO");
    EXPECT_EQ(c["linux"]["resources"]["devices"][0], json({{"allow", false}, {"access", "rwm"}}));
    EXPECT_EQ(c["root"]["readonly"], false);
    // Docker's default mounts in its order, /dev/shm 64 MiB.
    std::vector<std::string> dests;
    for (auto& m : c["mounts"]) dests.push_back(m["destination"]);
    std::vector<std::string> want = {"/proc", "/dev", "/dev/pts", "/sys", "/sys/fs/cgroup",
                                     "/dev/mqueue", "/dev/shm"};
    EXPECT_EQ(dests, want);
    EXPECT_TRUE(has(c["mounts"][6]["options"], "size=67108864"));
    EXPECT_TRUE(has(c["mounts"][3]["options"], "ro"));
    bool net = false;
    for (auto& n : c["linux"]["namespaces"]) net |= n["type"] == "network";
    EXPECT_TRUE(net);
    EXPECT_EQ(b.process.path, "echo");
    EXPECT_EQ(b.process.args, std::vector<std::string>{"ok"});
}

TEST(SpecBuilder, ImageCmdAndEntrypoint) {
    RunOptions o;
    auto img = busyboxConfig();
    img["Entrypoint"] = {"/docker-entrypoint.sh"};
    img["Cmd"] = {"nginx", "-g", "daemon off;"};
    img["WorkingDir"] = "/srv";
    img["Env"].push_back("FOO=image");
    o.env = {"FOO=user", "BAR=1"};
    auto b = build(o, img);
    EXPECT_EQ(b.config["process"]["args"], json({"/docker-entrypoint.sh", "nginx", "-g", "daemon off;"}));
    EXPECT_EQ(b.config["process"]["cwd"], "/srv");
    auto env = b.config["process"]["env"];
    EXPECT_TRUE(has(env, "FOO=user"));
    EXPECT_TRUE(has(env, "BAR=1"));
    EXPECT_FALSE(has(env, "FOO=image"));
    // --entrypoint resets the image Cmd.
    o.entrypoint = "/bin/sh";
    EXPECT_EQ(build(o, img).config["process"]["args"], json({"/bin/sh"}));
    o.entrypoint = "";
    o.command = {"true"};
    EXPECT_EQ(build(o, img).config["process"]["args"], json({"true"}));
    RunOptions none;
    EXPECT_THROW(build(none, json::object()), berth::Error);
}

TEST(SpecBuilder, ResourcesAsDocker) {
    RunOptions o;
    o.memory = 64 << 20;
    o.nanoCpus = 1'500'000'000;
    o.cpuShares = 512;
    o.cpusetCpus = "0";
    o.pidsLimit = 100;
    o.blkioWeight = 300;
    auto r = build(o).config["linux"]["resources"];
    EXPECT_EQ(r["memory"]["limit"], 64 << 20);
    EXPECT_EQ(r["memory"]["swap"], 128 << 20);  // moby: twice the memory by default
    EXPECT_EQ(r["cpu"]["period"], 100000);
    EXPECT_EQ(r["cpu"]["quota"], 150000);
    EXPECT_EQ(r["cpu"]["shares"], 512);
    EXPECT_EQ(r["cpu"]["cpus"], "0");
    EXPECT_EQ(r["pids"]["limit"], 100);
    EXPECT_EQ(r["blockIO"]["weight"], 300);
    o.memorySwap = -1;
    EXPECT_EQ(build(o).config["linux"]["resources"]["memory"]["swap"], -1);
}

TEST(SpecBuilder, DockerErrorTexts) {
    RunOptions o;
    o.image = "busybox";
    o.memory = 1024;
    EXPECT_EQ(errorOf(o), "Minimum memory limit allowed is 6MB");
    o = {};
    o.image = "busybox";
    o.capAdd = {"foo"};
    EXPECT_EQ(errorOf(o), "invalid CapAdd: unknown capability: \"CAP_FOO\"");
    o = {};
    o.image = "busybox";
    o.blkioWeight = 5;
    EXPECT_EQ(errorOf(o), "Range of blkio weight is from 10 to 1000");
    o = {};
    o.image = "busybox";
    o.nanoCpus = 1000'000'000'000;
    EXPECT_NE(errorOf(o).find("Range of CPUs is from 0.01 to"), std::string::npos);
    o = {};
    o.image = "busybox";
    o.mounts.push_back(parseMountFlag("type=bind,source=/nonexistent-berth,target=/x"));
    EXPECT_EQ(errorOf(o), "invalid mount config for type \"bind\": bind source path does not exist: "
                          "/nonexistent-berth");
    o = {};
    o.image = "busybox";
    o.securityOpts = {"bogus"};
    EXPECT_EQ(errorOf(o), "invalid --security-opt 2: \"bogus\"");
    EXPECT_THROW(parseUlimit("nofile=10:5"), berth::Error);
    EXPECT_THROW(parseUlimit("bogus=1"), berth::Error);
}

TEST(SpecBuilder, Capabilities) {
    auto c = tweakCapabilities({"net_admin", "CAP_SYS_TIME"}, {"chown", "CAP_KILL"}, false);
    EXPECT_NE(std::find(c.begin(), c.end(), "CAP_NET_ADMIN"), c.end());
    EXPECT_NE(std::find(c.begin(), c.end(), "CAP_SYS_TIME"), c.end());
    EXPECT_EQ(std::find(c.begin(), c.end(), "CAP_CHOWN"), c.end());
    EXPECT_EQ(std::find(c.begin(), c.end(), "CAP_KILL"), c.end());
    EXPECT_EQ(tweakCapabilities({"chown"}, {"ALL"}, false), std::vector<std::string>{"CAP_CHOWN"});
    auto all = tweakCapabilities({"ALL"}, {"sys_admin"}, false);
    EXPECT_GT(all.size(), 30u);
    EXPECT_EQ(std::find(all.begin(), all.end(), "CAP_SYS_ADMIN"), all.end());
}

TEST(SpecBuilder, PrivilegedLiftsConfinement) {
    RunOptions o;
    o.privileged = true;
    auto c = build(o).config;
    EXPECT_FALSE(c["linux"].contains("seccomp"));
    EXPECT_FALSE(c["linux"].contains("maskedPaths"));
    EXPECT_GT(c["process"]["capabilities"]["bounding"].size(), 30u);
    EXPECT_FALSE(has(c["mounts"][3]["options"], "ro"));
}

TEST(SpecBuilder, OptionsFlags) {
    RunOptions o;
    o.readOnly = true;
    o.hostname = "web";
    o.network = "none";
    o.init = true;
    o.command = {"sleep", "1"};
    o.securityOpts = {"no-new-privileges", "seccomp=unconfined"};
    o.ulimits = {parseUlimit("nproc=100:200")};
    o.mounts = {parseTmpfsFlag("/run:size=1m"), parseVolumeFlag("/tmp:/hosttmp:ro")};
    auto c = build(o).config;
    EXPECT_EQ(c["root"]["readonly"], true);
    EXPECT_EQ(c["hostname"], "web");
    EXPECT_EQ(c["process"]["args"], json({"/sbin/docker-init", "--", "sleep", "1"}));
    EXPECT_EQ(c["process"]["noNewPrivileges"], true);
    EXPECT_FALSE(c["linux"].contains("seccomp"));
    bool nproc = false, tmpfs = false, bind = false, init = false;
    for (auto& r : c["process"]["rlimits"])
        if (r["type"] == "RLIMIT_NPROC") nproc = r["soft"] == 100 && r["hard"] == 200;
    for (auto& m : c["mounts"]) {
        if (m["destination"] == "/run") tmpfs = has(m["options"], "size=1m");
        if (m["destination"] == "/hosttmp") bind = has(m["options"], "ro") && m["source"] == "/tmp";
        if (m["destination"] == "/sbin/docker-init") init = m["source"] == "/usr/libexec/berth-init";
    }
    EXPECT_TRUE(nproc);
    EXPECT_TRUE(tmpfs);
    EXPECT_TRUE(bind);
    EXPECT_TRUE(init);
}

TEST(SpecBuilder, RlimitNofileNeverAboveHostHard) {
    struct rlimit host {};
    getrlimit(RLIMIT_NOFILE, &host);
    auto c = build(RunOptions{}).config;
    for (auto& r : c["process"]["rlimits"])
        if (r["type"] == "RLIMIT_NOFILE") {
            EXPECT_LE(r["hard"].get<uint64_t>(), uint64_t(host.rlim_max));
            EXPECT_LE(r["soft"].get<uint64_t>(), r["hard"].get<uint64_t>());
        }
}

TEST(UserLookup, DockerRules) {
    std::string passwd = "root:x:0:0:root:/root:/bin/sh\nwww:x:33:33:www:/var/www:/bin/false\n";
    std::string group = "root:x:0:\nwheel:x:10:root\nwww:x:33:\nstaff:x:50:www\n";
    auto r = resolveUserFrom(passwd, group, "");
    EXPECT_EQ(r.uid, 0u);
    EXPECT_EQ(r.additionalGids, (std::vector<uint32_t>{0, 10}));
    auto w = resolveUserFrom(passwd, group, "www:staff");
    EXPECT_EQ(w.uid, 33u);
    EXPECT_EQ(w.gid, 50u);
    EXPECT_EQ(w.home, "/var/www");
    auto n = resolveUserFrom(passwd, group, "1234:4321");
    EXPECT_EQ(n.uid, 1234u);
    EXPECT_EQ(n.gid, 4321u);
    try {
        resolveUserFrom(passwd, group, "nobody");
        FAIL();
    } catch (const berth::Error& e) {
        EXPECT_STREQ(e.what(), "unable to find user nobody: no matching entries in passwd file");
    }
    EXPECT_THROW(resolveUserFrom(passwd, group, "www:nogroup"), berth::Error);
}

TEST(OptionParsers, VolumeMountDevice) {
    auto v = parseVolumeFlag("/src:/dst:ro");
    EXPECT_EQ(v.type, MountSpec::Type::Bind);
    EXPECT_TRUE(v.readOnly);
    auto m = parseMountFlag("type=bind,src=/a,dst=/b,readonly");
    EXPECT_EQ(m.source, "/a");
    EXPECT_EQ(m.target, "/b");
    EXPECT_TRUE(m.readOnly);
    EXPECT_FALSE(m.createSource);
    auto d = parseDevice("/dev/fuse:/dev/f:rw");
    EXPECT_EQ(d.containerPath, "/dev/f");
    EXPECT_EQ(d.permissions, "rw");
    EXPECT_THROW(parseVolumeFlag("a:b:c:d"), berth::Error);
}
