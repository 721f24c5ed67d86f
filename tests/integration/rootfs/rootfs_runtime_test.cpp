// The rootfs as a real container sees it: bundles run through `berth-runtime run`.
// BERTH_ROOTFS_RUNTIME=runc runs the same checks against runc (to keep the tests honest).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <map>
#include <nlohmann/json.hpp>

#include "common/file_io.hpp"
#include "common/strings.hpp"
#include "support/test_support.hpp"

using namespace berth;
using namespace berth::test;
using nlohmann::json;

namespace {

std::string runtimeBinary() {
    if (const char* r = std::getenv("BERTH_ROOTFS_RUNTIME")) return r;
    return binPath("berth-runtime");
}

bool runtimeAvailable() {
    std::string bin = runtimeBinary();
    if (bin.find('/') == std::string::npos) return true;  // from $PATH (runc, crun)
    return ::access(bin.c_str(), X_OK) == 0;
}

json mountJson(const std::string& dest, const std::string& type, const std::string& source,
               std::vector<std::string> options) {
    return {{"destination", dest}, {"type", type}, {"source", source}, {"options", options}};
}

// `runc spec`'s config, without a terminal, running `script` with /bin/sh.
json baseConfig(const std::string& script) {
    json c;
    c["ociVersion"] = "1.0.2";  // accepted by every runtime (Debian crun refuses 1.2.0)
    c["process"] = {{"terminal", false},
                    {"user", {{"uid", 0}, {"gid", 0}}},
                    {"args", {"/bin/sh", "-c", script}},
                    {"env", {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"}},
                    {"cwd", "/"},
                    {"noNewPrivileges", true}};
    c["root"] = {{"path", "rootfs"}, {"readonly", false}};
    c["hostname"] = "rootfs-test";
    c["mounts"] = json::array(
        {mountJson("/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}),
         mountJson("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
         mountJson("/dev/pts", "devpts", "devpts",
                   {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}),
         mountJson("/dev/shm", "tmpfs", "shm",
                   {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}),
         mountJson("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}),
         mountJson("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
         mountJson("/sys/fs/cgroup", "cgroup", "cgroup",
                   {"nosuid", "noexec", "nodev", "relatime", "ro"})});
    c["linux"] = {{"namespaces",
                   {{{"type", "pid"}},
                    {{"type", "network"}},
                    {{"type", "ipc"}},
                    {{"type", "uts"}},
                    {{"type", "mount"}}}},
                  {"maskedPaths",
                   {"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                    "/proc/sched_debug", "/sys/firmware", "/proc/scsi"}},
                  {"readonlyPaths",
                   {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}}};
    return c;
}

struct Bundle {
    TempDir dir{"berth-rootfs-rt"};
    std::string id;
    Bundle() {
        static std::atomic<int> n{0};
        id = "r2-rootfs-" + std::to_string(::getpid()) + "-" + std::to_string(n++);
        makeBusyboxRootfs(dir / "bundle/rootfs");
        mkdirAll(dir / "state");
    }
    CommandResult run(const json& config) {
        writeFile(dir / "bundle/config.json", config.dump(2));
        auto r = runCommand(
            {runtimeBinary(), "--root", dir / "state", "run", "--bundle", dir / "bundle", id}, "",
            60);
        // Whatever happened, leave nothing behind.
        runCommand({runtimeBinary(), "--root", dir / "state", "delete", "--force", id});
        return r;
    }
};

std::map<std::string, std::string> keyValues(const std::string& out) {
    std::map<std::string, std::string> kv;
    for (auto& line : split(out, '\n')) {
        auto eq = line.find('=');
        if (eq != std::string::npos) kv[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return kv;
}

// "<fstype> <mount options> <super options>" per mount point, as the container sees it.
std::map<std::string, std::string> mountsFrom(const std::string& out) {
    std::map<std::string, std::string> m;
    for (auto& line : split(out, '\n')) {
        if (!startsWith(line, "mnt=")) continue;
        auto f = split(line.substr(4), ' ');
        size_t sep = 0;
        for (size_t i = 6; i < f.size(); ++i)
            if (f[i] == "-") {
                sep = i;
                break;
            }
        if (sep && sep + 3 < f.size()) m[f[4]] = f[sep + 1] + " " + f[5] + " " + f[sep + 3];
    }
    return m;
}

bool hasOpt(const std::string& summary, const std::string& opt) {
    auto parts = split(summary, ' ');
    if (parts.size() < 2) return false;
    for (auto& o : split(parts[1], ','))
        if (o == opt) return true;
    return false;
}

#define REQUIRE_RUNTIME()                                                                \
    do {                                                                                 \
        BERTH_REQUIRE_ROOT();                                                            \
        if (!runtimeAvailable()) GTEST_SKIP() << runtimeBinary() << " is not built yet"; \
    } while (0)

}  // namespace

TEST(RootfsRuntime, ContainerSeesMountsDevicesMasksAndSysctls) {
    REQUIRE_RUNTIME();
    Bundle b;
    mkdirAll(b.dir / "vol");
    writeFile(b.dir / "vol/data", "volume data");
    json c = baseConfig(
        "for d in null zero full random urandom tty; do"
        "  echo \"dev:$d=$(stat -c '%F %t:%T %a' /dev/$d)\"; done;"
        "echo ptmx=$(readlink /dev/ptmx); echo fd=$(readlink /dev/fd);"
        "echo stdout=$(readlink /dev/stdout);"
        "echo keys=$(wc -c < /proc/keys);"
        "echo firmware=$(ls /sys/firmware | wc -l);"
        "if echo 7 > /proc/sys/kernel/shmmni; then echo procsys=writable; else echo procsys=ro; fi;"
        "echo forward=$(cat /proc/sys/net/ipv4/ip_forward);"
        "echo shmmni=$(cat /proc/sys/kernel/shmmni);"
        "echo vol=$(cat /vol/data);"
        "if touch /vol/new; then echo volwrite=ok; else echo volwrite=ro; fi;"
        "if touch /rootfile; then echo rootwrite=ok; else echo rootwrite=ro; fi;"
        "if touch /tmp/x; then echo tmpwrite=ok; else echo tmpwrite=ro; fi;"
        "sed 's/^/mnt=/' /proc/self/mountinfo");
    c["root"]["readonly"] = true;
    c["mounts"].push_back(
        mountJson("/vol", "bind", b.dir / "vol", {"rbind", "ro", "nosuid", "nodev"}));
    c["mounts"].push_back(mountJson("/tmp", "tmpfs", "tmpfs", {"nosuid", "nodev", "size=1m"}));
    c["linux"]["sysctl"] = {{"net.ipv4.ip_forward", "1"}, {"kernel.shmmni", "2048"}};
    auto r = b.run(c);
    ASSERT_EQ(r.exitCode, 0) << r.err << r.out;
    auto kv = keyValues(r.out);
    for (auto [dev, num] : std::map<std::string, std::string>{{"null", "1:3"},
                                                              {"zero", "1:5"},
                                                              {"full", "1:7"},
                                                              {"random", "1:8"},
                                                              {"urandom", "1:9"},
                                                              {"tty", "5:0"}})
        EXPECT_EQ(kv["dev:" + dev], "character special file " + num + " 666") << dev;
    EXPECT_EQ(kv["ptmx"], "pts/ptmx");
    EXPECT_EQ(kv["fd"], "/proc/self/fd");
    EXPECT_EQ(kv["stdout"], "/proc/self/fd/1");
    EXPECT_EQ(kv["keys"], "0");
    EXPECT_EQ(kv["firmware"], "0");
    EXPECT_EQ(kv["procsys"], "ro");
    EXPECT_EQ(kv["forward"], "1");
    EXPECT_EQ(kv["shmmni"], "2048");
    EXPECT_EQ(kv["vol"], "volume data");
    EXPECT_EQ(kv["volwrite"], "ro");
    EXPECT_EQ(kv["rootwrite"], "ro");
    EXPECT_EQ(kv["tmpwrite"], "ok");
    EXPECT_FALSE(pathExists(b.dir / "bundle/rootfs/rootfile"));

    auto m = mountsFrom(r.out);
    ASSERT_TRUE(m.count("/")) << r.out;
    EXPECT_TRUE(hasOpt(m["/"], "ro")) << m["/"];
    // The host's mounts left with the old root (detached before the process ran): one "/"
    // and nothing but the container's own mounts.
    int roots = 0;
    for (auto& line : split(r.out, '\n')) {
        if (!startsWith(line, "mnt=")) continue;
        auto f = split(line.substr(4), ' ');
        if (f.size() < 5) continue;
        const std::string& at = f[4];
        if (at == "/") ++roots;
        bool ours = at == "/" || at == "/vol" || at == "/tmp" || startsWith(at, "/proc") ||
                    startsWith(at, "/dev") || startsWith(at, "/sys");
        EXPECT_TRUE(ours) << line;
    }
    EXPECT_EQ(roots, 1) << r.out;
    EXPECT_EQ(split(m["/proc"], ' ')[0], "proc");
    for (auto o : {"nosuid", "nodev", "noexec"}) EXPECT_TRUE(hasOpt(m["/proc"], o)) << m["/proc"];
    EXPECT_EQ(split(m["/dev"], ' ')[0], "tmpfs");
    EXPECT_NE(m["/dev/pts"].find("ptmxmode=666"), std::string::npos) << m["/dev/pts"];
    EXPECT_NE(m["/dev/pts"].find("gid=5"), std::string::npos) << m["/dev/pts"];
    EXPECT_TRUE(hasOpt(m["/sys"], "ro")) << m["/sys"];
    EXPECT_EQ(split(m["/dev/mqueue"], ' ')[0], "mqueue");
    // berth makes the cgroup tmpfs itself read-only for "ro"; runc leaves it rw (only the
    // hierarchies inside are read-only), so this one is checked for berth only.
    if (!std::getenv("BERTH_ROOTFS_RUNTIME")) {
        EXPECT_TRUE(hasOpt(m["/sys/fs/cgroup"], "ro")) << m["/sys/fs/cgroup"];
    }
    EXPECT_TRUE(hasOpt(m["/proc/sys"], "ro")) << m["/proc/sys"];
    for (auto o : {"ro", "nosuid", "nodev"}) EXPECT_TRUE(hasOpt(m["/vol"], o)) << m["/vol"];
    EXPECT_TRUE(hasOpt(m["/tmp"], "rw")) << m["/tmp"];
}

// CVE-2021-30465 through the runtime: a symlink in the rootfs pointing at a host directory
// used as a mount destination; the container writes into the mount.
TEST(RootfsRuntime, SymlinkMountDestinationStaysInRootfs) {
    REQUIRE_RUNTIME();
    Bundle b;
    TempDir outside("berth-rootfs-rt-outside");
    ASSERT_EQ(::symlink(outside.path().c_str(), (b.dir / "bundle/rootfs/evil").c_str()), 0);
    std::string climb = "../../../../../../../.." + outside.path() + "/sub";
    ASSERT_EQ(::symlink(climb.c_str(), (b.dir / "bundle/rootfs/evil2").c_str()), 0);
    json c = baseConfig("echo x > /evil/marker && echo y > /evil2/marker && echo done=1");
    c["mounts"].push_back(mountJson("/evil", "tmpfs", "tmpfs", {"size=1m"}));
    c["mounts"].push_back(mountJson("/evil2", "tmpfs", "tmpfs", {"size=1m"}));
    auto r = b.run(c);
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(keyValues(r.out)["done"], "1") << r.out << r.err;
    EXPECT_FALSE(pathExists(outside / "marker"));
    EXPECT_FALSE(pathExists(outside / "sub"));
    for (auto& line : split(readFile("/proc/self/mountinfo"), '\n'))
        EXPECT_EQ(line.find(outside.path()), std::string::npos) << line;
}

TEST(RootfsRuntime, MissingBindSourceIsAClearError) {
    REQUIRE_RUNTIME();
    Bundle b;
    json c = baseConfig("echo should-not-run");
    c["mounts"].push_back(mountJson("/data", "bind", "/nope-berth-missing", {"rbind"}));
    auto r = b.run(c);
    EXPECT_NE(r.exitCode, 0);
    EXPECT_EQ(r.out.find("should-not-run"), std::string::npos);
    EXPECT_NE(r.err.find("/nope-berth-missing"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("/data"), std::string::npos) << r.err;
    for (auto& line : split(readFile("/proc/self/mountinfo"), '\n'))
        EXPECT_EQ(line.find(b.dir.path()), std::string::npos) << line;
}
