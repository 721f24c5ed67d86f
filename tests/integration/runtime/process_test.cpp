// What the container process really gets: namespaces (by inode), capabilities, rlimits, ids,
// umask, hostname, oom score, user namespace mappings, joined namespaces, time offsets.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "common/file_io.hpp"
#include "common/strings.hpp"
#include "runtime_harness.hpp"

using namespace berth;
using namespace berth::test;
using nlohmann::json;

namespace {

const char* kNsNames[] = {"pid", "net", "ipc", "uts", "mnt", "user", "cgroup", "time"};

std::string hostNs(const std::string& name, const std::string& pid = "self") {
    char buf[256];
    ssize_t n = ::readlink(("/proc/" + pid + "/ns/" + name).c_str(), buf, sizeof buf - 1);
    if (n < 0) return "";
    return std::string(buf, size_t(n));
}

std::string nsScript() {
    std::string s;
    for (auto n : kNsNames) s += std::string("echo ns_") + n + "=$(readlink /proc/self/ns/" + n + ");";
    return s;
}

std::string statusLine(const std::string& out, const std::string& key) {
    for (auto& line : split(out, '\n'))
        if (startsWith(line, key + ":")) return trim(line.substr(key.size() + 1));
    return "";
}

}  // namespace

TEST(RuntimeProcess, NamespacesAreNewExactlyAsConfigured) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    json c = shellConfig(nsScript());
    // pid network ipc uts mount are in shellConfig; add cgroup; user and time stay the host's.
    c["linux"]["namespaces"].push_back({{"type", "cgroup"}});
    auto r = b.run(c);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto kv = keyValues(r.out);
    for (auto n : {"pid", "net", "ipc", "uts", "mnt", "cgroup"}) {
        EXPECT_FALSE(kv["ns_" + std::string(n)].empty()) << n;
        EXPECT_NE(kv["ns_" + std::string(n)], hostNs(n)) << n << " should be new";
    }
    for (auto n : {"user", "time"}) EXPECT_EQ(kv["ns_" + std::string(n)], hostNs(n)) << n;
}

TEST(RuntimeProcess, NoNamespacesMeansTheHostsExceptMount) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    json c = shellConfig(nsScript());
    c["linux"]["namespaces"] = {{{"type", "mount"}}};
    c.erase("hostname");
    auto r = b.run(c);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto kv = keyValues(r.out);
    for (auto n : {"pid", "net", "ipc", "uts", "user", "cgroup", "time"})
        EXPECT_EQ(kv["ns_" + std::string(n)], hostNs(n)) << n;
    EXPECT_NE(kv["ns_mnt"], hostNs("mnt"));
}

TEST(RuntimeProcess, JoinsNamespacesByPath) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    json first = shellConfig("sleep 100");
    b.write(first);
    ASSERT_EQ(b.rtDetached({"create", "--bundle", b.bundle(), b.id}).exitCode, 0);
    std::string pid = std::to_string(b.state(b.id)["pid"].get<int>());
    std::string netns = hostNs("net", pid), utsns = hostNs("uts", pid), ipcns = hostNs("ipc", pid);
    json second = shellConfig(nsScript() + "echo host=$(hostname)");
    second.erase("hostname");
    second["linux"]["namespaces"] = {{{"type", "pid"}},
                                     {{"type", "mount"}},
                                     {{"type", "network"}, {"path", "/proc/" + pid + "/ns/net"}},
                                     {{"type", "uts"}, {"path", "/proc/" + pid + "/ns/uts"}},
                                     {{"type", "ipc"}, {"path", "/proc/" + pid + "/ns/ipc"}}};
    b.id = b.newId();
    auto r = b.run(second);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto kv = keyValues(r.out);
    EXPECT_EQ(kv["ns_net"], netns);
    EXPECT_EQ(kv["ns_uts"], utsns);
    EXPECT_EQ(kv["ns_ipc"], ipcns);
    EXPECT_EQ(kv["host"], "berth-test");  // the first container's hostname
    EXPECT_NE(kv["ns_pid"], hostNs("pid"));
}

TEST(RuntimeProcess, CapabilitiesExactlyAsConfigured) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    // Non-root: after execve permitted = effective = ambient, the others as set.
    json c = shellConfig("grep Cap /proc/self/status");
    c["process"]["user"] = {{"uid", 1000}, {"gid", 1000}};
    c["process"]["noNewPrivileges"] = false;
    c["process"]["capabilities"] = {
        {"bounding", {"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETPCAP"}},
        {"effective", {"CAP_CHOWN", "CAP_NET_BIND_SERVICE"}},
        {"permitted", {"CAP_CHOWN", "CAP_NET_BIND_SERVICE"}},
        {"inheritable", {"CAP_NET_BIND_SERVICE"}},
        {"ambient", {"CAP_NET_BIND_SERVICE"}}};
    auto r = b.run(c);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    // CHOWN=0 KILL=5 NET_BIND_SERVICE=10 SETPCAP=8
    EXPECT_EQ(statusLine(r.out, "CapBnd"), "0000000000000521");
    EXPECT_EQ(statusLine(r.out, "CapInh"), "0000000000000400");
    EXPECT_EQ(statusLine(r.out, "CapAmb"), "0000000000000400");
    EXPECT_EQ(statusLine(r.out, "CapPrm"), "0000000000000400");
    EXPECT_EQ(statusLine(r.out, "CapEff"), "0000000000000400");

    // Root with Docker's sets: all equal, inheritable empty (CVE-2022-29162).
    b.id = b.newId();
    c = shellConfig("grep Cap /proc/self/status");
    std::vector<std::string> docker{"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
                                    "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID",
                                    "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
                                    "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"};
    c["process"]["capabilities"] = {{"bounding", docker}, {"effective", docker}, {"permitted", docker}};
    r = b.run(c);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(statusLine(r.out, "CapBnd"), "00000000a80425fb");
    EXPECT_EQ(statusLine(r.out, "CapEff"), "00000000a80425fb");
    EXPECT_EQ(statusLine(r.out, "CapPrm"), "00000000a80425fb");
    EXPECT_EQ(statusLine(r.out, "CapInh"), "0000000000000000");
    EXPECT_EQ(statusLine(r.out, "CapAmb"), "0000000000000000");

    // `runc spec`'s sets: ambient listed, inheritable empty. runc and crun run it (the ambient
    // ones can't be raised and are skipped); so must berth, without making anything inheritable.
    b.id = b.newId();
    c = shellConfig("grep Cap /proc/self/status");
    std::vector<std::string> runcSpec{"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
    c["process"]["capabilities"] = {{"bounding", runcSpec}, {"effective", runcSpec},
                                    {"permitted", runcSpec}, {"ambient", runcSpec}};
    r = b.run(c);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(statusLine(r.out, "CapEff"), "0000000020000420");
    EXPECT_EQ(statusLine(r.out, "CapInh"), "0000000000000000");
    EXPECT_EQ(statusLine(r.out, "CapAmb"), "0000000000000000");

    // No capabilities object: no capabilities at all, even for root.
    b.id = b.newId();
    c = shellConfig("grep Cap /proc/self/status");
    r = b.run(c);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    for (auto set : {"CapBnd", "CapEff", "CapPrm", "CapInh", "CapAmb"})
        EXPECT_EQ(statusLine(r.out, set), "0000000000000000") << set;
}

TEST(RuntimeProcess, UserGroupsUmaskRlimitsHostnameOomScore) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    json c = shellConfig(
        "grep -E '^(Uid|Gid|Groups):' /proc/self/status; echo umask=$(umask);"
        "echo host=$(hostname); echo domain=$(cat /proc/sys/kernel/domainname);"
        "echo oom=$(cat /proc/self/oom_score_adj); grep 'Max open files' /proc/self/limits;"
        "grep 'Max processes' /proc/self/limits; echo cwd=$(pwd)");
    c["process"]["user"] = {{"uid", 1234}, {"gid", 2345}, {"umask", 0077}, {"additionalGids", {5, 20}}};
    c["process"]["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"hard", 456}, {"soft", 123}},
                               {{"type", "RLIMIT_NPROC"}, {"hard", 999}, {"soft", 888}}};
    c["process"]["oomScoreAdj"] = 321;
    c["process"]["cwd"] = "/tmp/work/dir";  // created when missing, as runc does
    c["hostname"] = "box-1";
    c["domainname"] = "example.org";
    auto r = b.run(c);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(statusLine(r.out, "Uid"), "1234\t1234\t1234\t1234");
    EXPECT_EQ(statusLine(r.out, "Gid"), "2345\t2345\t2345\t2345");
    EXPECT_EQ(statusLine(r.out, "Groups"), "5 20");
    auto kv = keyValues(r.out);
    EXPECT_EQ(kv["umask"], "0077");
    EXPECT_EQ(kv["host"], "box-1");
    EXPECT_EQ(kv["domain"], "example.org");
    EXPECT_EQ(kv["oom"], "321");
    EXPECT_EQ(kv["cwd"], "/tmp/work/dir");
    EXPECT_NE(r.out.find("Max open files            123                  456"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Max processes             888                  999"), std::string::npos) << r.out;

    // Defaults: umask 0022, no supplementary groups.
    b.id = b.newId();
    r = b.run(shellConfig("echo umask=$(umask); grep Groups /proc/self/status"));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(keyValues(r.out)["umask"], "0022");
    EXPECT_EQ(statusLine(r.out, "Groups"), "");
}

TEST(RuntimeProcess, UserNamespaceWithMappings) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    ::chmod(b.dir.path().c_str(), 0755);  // the container's root (host uid 100000) must reach it
    json c = shellConfig("echo uid=$(id -u); cat /proc/self/uid_map /proc/self/gid_map; echo ns_user=$(readlink /proc/self/ns/user)");
    c["linux"]["namespaces"].push_back({{"type", "user"}});
    c["linux"]["uidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
    c["linux"]["gidMappings"] = {{{"containerID", 0}, {"hostID", 100000}, {"size", 65536}}};
    auto r = b.run(c);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto kv = keyValues(r.out);
    EXPECT_EQ(kv["uid"], "0");
    EXPECT_NE(kv["ns_user"], hostNs("user"));
    EXPECT_NE(r.out.find("         0     100000      65536"), std::string::npos) << r.out;
}

TEST(RuntimeProcess, TimeNamespaceOffsets) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    json c = shellConfig("echo up=$(cut -d. -f1 /proc/uptime); echo ns_time=$(readlink /proc/self/ns/time)");
    c["linux"]["namespaces"].push_back({{"type", "time"}});
    c["linux"]["timeOffsets"] = {{"boottime", {{"secs", 10000000}, {"nanosecs", 0}}}};
    auto r = b.run(c);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto kv = keyValues(r.out);
    EXPECT_GE(std::stoll(kv["up"]), 10000000LL) << r.out;
    EXPECT_NE(kv["ns_time"], hostNs("time"));
}
