// Issue-3 concerns through the runtime binary: the container's cgroup (limits in the right
// files, the init inside before user code, removal on delete), seccomp, hooks in order,
// pause/resume, ps, update, kill --all, events --stats, features.
#include <unistd.h>

#include <chrono>
#include <thread>

#include "common/file_io.hpp"
#include "common/strings.hpp"
#include "runtime/seccomp/seccomp_profile.hpp"
#include "runtime_harness.hpp"

using namespace berth;
using namespace berth::test;
using nlohmann::json;

namespace {

std::string cgroupOfPid(int pid, const std::string& controller) {
    for (auto& line : split(readFile("/proc/" + std::to_string(pid) + "/cgroup"), '\n')) {
        auto f = split(line, ':');
        if (f.size() == 3 && (f[1] == controller || (controller.empty() && f[0] == "0"))) return f[2];
    }
    return "";
}

bool memoryV1() { return pathExists("/sys/fs/cgroup/memory/memory.limit_in_bytes"); }

}  // namespace

TEST(RuntimeWiring, CgroupLimitsApplyAndAreRemovedOnDelete) {
    REQUIRE_BERTH_RUNTIME();
    if (!memoryV1()) GTEST_SKIP() << "v1 memory controller not mounted here";
    RuntimeBundle b;
    json c = shellConfig("sleep 100");
    c["linux"]["cgroupsPath"] = "/berth-test/" + b.id;
    c["linux"]["resources"] = {{"memory", {{"limit", 67108864}}}, {"pids", {{"limit", 50}}}};
    b.write(c);
    ASSERT_EQ(b.rtDetached({"create", "--bundle", b.bundle(), b.id}).exitCode, 0);
    int pid = b.state(b.id)["pid"];
    EXPECT_EQ(cgroupOfPid(pid, "memory"), "/berth-test/" + b.id);
    EXPECT_EQ(cgroupOfPid(pid, "pids"), "/berth-test/" + b.id);
    std::string mem = "/sys/fs/cgroup/memory/berth-test/" + b.id;
    EXPECT_EQ(trim(readFile(mem + "/memory.limit_in_bytes")), "67108864");
    EXPECT_EQ(trim(readFile("/sys/fs/cgroup/pids/berth-test/" + b.id + "/pids.max")), "50");
    ASSERT_EQ(b.rt({"start", b.id}).exitCode, 0);

    auto ps = b.rt({"ps", "--format", "json", b.id});
    ASSERT_EQ(ps.exitCode, 0) << ps.err;
    EXPECT_EQ(json::parse(ps.out), json::array({pid}));
    auto upd = b.rt({"update", "--memory", "32m", b.id});
    EXPECT_EQ(upd.exitCode, 0) << upd.err;
    EXPECT_EQ(trim(readFile(mem + "/memory.limit_in_bytes")), "33554432");
    auto ev = b.rt({"events", "--stats", b.id});
    ASSERT_EQ(ev.exitCode, 0) << ev.err;
    EXPECT_EQ(json::parse(ev.out)["type"], "stats");

    EXPECT_EQ(b.rt({"pause", b.id}).exitCode, 0);
    EXPECT_EQ(b.state(b.id)["status"], "paused");
    EXPECT_NE(b.rt({"pause", b.id}).exitCode, 0);
    EXPECT_EQ(b.rt({"resume", b.id}).exitCode, 0);
    EXPECT_EQ(b.state(b.id)["status"], "running");
    EXPECT_NE(b.rt({"resume", b.id}).exitCode, 0);

    // A paused container is deleted with --force too (thawed so the kill lands).
    std::string id2 = b.newId();
    c["linux"]["cgroupsPath"] = "/berth-test/" + id2;
    b.write(c);
    ASSERT_EQ(b.rtDetached({"run", "-d", "--bundle", b.bundle(), id2}).exitCode, 0);
    ASSERT_EQ(b.rt({"pause", id2}).exitCode, 0);
    auto del = b.rt({"delete", "--force", id2}, 20);
    EXPECT_EQ(del.exitCode, 0) << del.err;
    EXPECT_FALSE(pathExists("/sys/fs/cgroup/memory/berth-test/" + id2));

    EXPECT_EQ(b.rt({"kill", "--all", b.id, "KILL"}).exitCode, 0);
    for (int i = 0; i < 1000 && b.state(b.id)["status"] != "stopped"; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(b.rt({"delete", b.id}).exitCode, 0);
    EXPECT_FALSE(pathExists(mem));
    removeTestCgroupParent("berth-test");
}

TEST(RuntimeWiring, BadResourceValueLeavesNoCgroup) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    json c = shellConfig("true");
    c["linux"]["cgroupsPath"] = "/berth-test-bad/" + b.id;
    c["linux"]["resources"] = {{"memory", {{"swappiness", 500}}}};
    b.write(c);
    auto r = b.rtDetached({"create", "--bundle", b.bundle(), b.id});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.err.find("linux.resources.memory.swappiness"), std::string::npos) << r.err;
    EXPECT_FALSE(pathExists("/sys/fs/cgroup/memory/berth-test-bad"));
    removeTestCgroupParent("berth-test-bad");
    EXPECT_FALSE(pathExists(b.root() + "/" + b.id));
}

TEST(RuntimeWiring, SeccompDeniesMkdirWithEperm) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    json c = shellConfig("mkdir /tmp/x 2>&1; echo mkdir=$?; echo ok");
    c["linux"]["seccomp"] = {
        {"defaultAction", "SCMP_ACT_ALLOW"},
        {"syscalls",
         {{{"names", {"mkdir", "mkdirat"}}, {"action", "SCMP_ACT_ERRNO"}, {"errnoRet", 1}}}}};
    for (bool nnp : {true, false}) {
        c["process"]["noNewPrivileges"] = nnp;
        b.id = b.newId();
        auto r = b.run(c);
        ASSERT_EQ(r.exitCode, 0) << r.err;
        EXPECT_EQ(keyValues(r.out)["mkdir"], "1") << r.out;
        EXPECT_NE(r.out.find("Operation not permitted"), std::string::npos) << r.out;
        EXPECT_FALSE(pathExists(b.rootfs() + "/tmp/x"));
    }
    c["linux"]["seccomp"]["syscalls"][0]["names"] = {"no_such_syscall_berth"};
    b.id = b.newId();
    auto r = b.run(c);
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.err.find("no_such_syscall_berth"), std::string::npos) << r.err;
}

TEST(RuntimeWiring, HooksRunInOrderWithState) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    std::string log = b.dir / "hooks.log";
    auto hook = [&](const std::string& stage, const std::string& file) {
        return json{{"path", "/bin/sh"},
                    {"args", {"sh", "-c", "read s; echo \"" + stage + " $s\" >> " + file}}};
    };
    json c = shellConfig("echo process >> /hooks-inside.log");
    c["hooks"] = {{"prestart", {hook("prestart", log)}},
                  {"createRuntime", {hook("createRuntime", log)}},
                  {"createContainer", {hook("createContainer", log)}},
                  {"startContainer", {hook("startContainer", "/hooks-inside.log")}},
                  {"poststart", {hook("poststart", log)}},
                  {"poststop", {hook("poststop", log)}}};
    auto r = b.run(c);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto lines = split(trim(readFile(log)), '\n');
    ASSERT_EQ(lines.size(), 5u) << readFile(log);
    const char* order[] = {"prestart", "createRuntime", "createContainer", "poststart", "poststop"};
    for (size_t i = 0; i < 5; ++i) {
        EXPECT_TRUE(startsWith(lines[i], order[i])) << lines[i];
        auto st = json::parse(lines[i].substr(lines[i].find(' ') + 1));
        EXPECT_EQ(st["id"], b.id);
        EXPECT_GT(st["pid"].get<int>(), 0);
    }
    auto inside = split(trim(readFile(b.rootfs() + "/hooks-inside.log")), '\n');
    ASSERT_EQ(inside.size(), 2u);
    EXPECT_TRUE(startsWith(inside[0], "startContainer"));
    EXPECT_EQ(inside[1], "process");

    // A failing createRuntime hook aborts create and cleans up.
    c["hooks"] = {{"createRuntime", {{{"path", "/bin/false"}}}}};
    b.id = b.newId();
    b.write(c);
    auto f = b.rtDetached({"create", "--bundle", b.bundle(), b.id});
    EXPECT_NE(f.exitCode, 0);
    EXPECT_NE(f.err.find("createRuntime"), std::string::npos) << f.err;
    EXPECT_FALSE(pathExists(b.root() + "/" + b.id));
}

TEST(RuntimeWiring, FeaturesDocument) {
    REQUIRE_BERTH_RUNTIME();
    auto r = runCommand({runtimeBin(), "features"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto j = json::parse(r.out);
    EXPECT_TRUE(j.contains("ociVersionMin"));
    EXPECT_TRUE(j.contains("linux"));
}

// Docker's default profile semantics (berth's default seccomp profile): a busybox shell works,
// unshare and mount are refused with EPERM.
TEST(RuntimeWiring, DefaultSeccompProfile) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    json c = shellConfig(
        "echo hello > /tmp/f && cat /tmp/f; ls / > /dev/null && echo ls=ok;"
        "unshare -m true 2>&1; echo unshare=$?; mount -t tmpfs t /mnt 2>&1; echo mount=$?");
    std::vector<std::string> docker{"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
                                    "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
                                    "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
                                    "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"};
    c["process"]["capabilities"] = {{"bounding", docker}, {"effective", docker}, {"permitted", docker}};
    c["linux"]["seccomp"] = runtime::defaultOciSeccompForConfig(c);
    mkdirAll(b.rootfs() + "/mnt");
    auto r = b.run(c);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto kv = keyValues(r.out);
    EXPECT_NE(r.out.find("hello"), std::string::npos) << r.out;
    EXPECT_EQ(kv["ls"], "ok");
    EXPECT_NE(kv["unshare"], "0") << r.out;
    EXPECT_NE(kv["mount"], "0") << r.out;
    EXPECT_NE(r.out.find("Operation not permitted"), std::string::npos) << r.out;
}

TEST(RuntimeWiring, NoPivotAndReadonlyRoot) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    json c = shellConfig("touch /x 2>/dev/null && echo root=rw || echo root=ro; echo ok=$(cat /proc/self/cgroup | wc -l)");
    c["root"]["readonly"] = true;
    b.write(c);
    auto r = b.rt({"run", "--no-pivot", "--bundle", b.bundle(), b.id});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(keyValues(r.out)["root"], "ro") << r.out;
    EXPECT_FALSE(pathExists(b.rootfs() + "/x"));
}
