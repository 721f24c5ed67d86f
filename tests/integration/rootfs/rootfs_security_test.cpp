// Security properties of the rootfs setup: mount targets stay inside the rootfs
// (CVE-2021-30465), masked and read-only paths, procfs checks (CVE-2019-16884), sysctl.
#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/strings.hpp"
#include "rootfs_harness.hpp"
#include "support/test_support.hpp"

using namespace berth;
using namespace berth::test;

namespace {

struct Fixture {
    TempDir dir{"berth-rootfs-sec"};
    runtime::RootfsContext ctx;
    Fixture() {
        makeBusyboxRootfs(dir / "rootfs");
        ctx.rootfsPath = dir / "rootfs";
        ctx.bundlePath = dir.path();
    }
};

std::string listDir(const std::string& path) {
    DIR* d = ::opendir(path.c_str());
    if (!d) return "err " + errnoName(errno);
    std::string out;
    while (auto* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n != "." && n != "..") out += n + " ";
    }
    ::closedir(d);
    return out.empty() ? "empty" : out;
}

// Docker's defaults (moby oci/defaults.go).
const std::vector<std::string> kDockerMasked = {"/proc/asound",
                                                "/proc/acpi",
                                                "/proc/kcore",
                                                "/proc/keys",
                                                "/proc/latency_stats",
                                                "/proc/timer_list",
                                                "/proc/timer_stats",
                                                "/proc/sched_debug",
                                                "/proc/scsi",
                                                "/sys/firmware",
                                                "/sys/devices/virtual/powercap"};
const std::vector<std::string> kDockerReadonly = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                                  "/proc/sysrq-trigger"};

}  // namespace

// CVE-2021-30465: a symlink in the rootfs that points at a host path (absolute, or climbing
// with ../..) used as a mount destination must not redirect the mount out of the rootfs.
TEST(RootfsSecurity, SymlinkDestinationsStayInsideRootfs) {
    BERTH_REQUIRE_ROOT();
    Fixture f;
    TempDir outside("berth-rootfs-outside");
    writeFile(outside / "precious", "host data");
    std::string hostFile = outside / "precious";
    ASSERT_EQ(::symlink(outside.path().c_str(), (f.dir / "rootfs/abs").c_str()), 0);
    std::string climb = "../../../../../../../../.." + outside.path();
    ASSERT_EQ(::symlink(climb.c_str(), (f.dir / "rootfs/rel").c_str()), 0);
    ASSERT_EQ(::symlink(hostFile.c_str(), (f.dir / "rootfs/filelink").c_str()), 0);
    writeFile(f.dir / "src.txt", "from bundle");

    oci::Spec spec = dockerLikeSpec();
    spec.mounts.push_back(makeMount("/abs", "tmpfs", "tmpfs", {"size=1m"}));
    spec.mounts.push_back(makeMount("/rel/sub", "tmpfs", "tmpfs", {"size=1m"}));
    spec.mounts.push_back(makeMount("/filelink", "bind", f.dir / "src.txt", {"bind"}));
    auto res = runInRootfs(
        spec, f.ctx,
        [&](Report& r) {
            auto table = mountTable();
            const MountInfoEntry* abs = findMount(table, outside.path());
            r.add("absInside", abs ? abs->fstype : "none");
            const MountInfoEntry* rel = findMount(table, outside.path() + "/sub");
            r.add("relInside", rel ? rel->fstype : "none");
            r.add("fileInside", readResult(hostFile));
            r.add("writeAbs", writeResult("/abs/marker", "x"));
        },
        {},
        [&](Report& r) {
            // Before pivot_root the host's paths are still visible: nothing may be mounted on
            // them, and the host file must be untouched.
            auto table = mountTable();
            r.add("hostAbs", findMount(table, outside.path()) ? "mounted" : "clean");
            r.add("hostRel", findMount(table, outside.path() + "/sub") ? "mounted" : "clean");
            r.add("hostFile", findMount(table, hostFile) ? "mounted" : "clean");
            r.add("hostFileContent", readResult(hostFile));
        });
    ASSERT_EQ(res.exitCode, 0) << res.error;
    EXPECT_EQ(res.get("hostAbs"), "clean");
    EXPECT_EQ(res.get("hostRel"), "clean");
    EXPECT_EQ(res.get("hostFile"), "clean");
    EXPECT_EQ(res.get("hostFileContent"), "ok:host data");
    // The mounts landed on the same paths inside the rootfs instead.
    EXPECT_EQ(res.get("absInside"), "tmpfs");
    EXPECT_EQ(res.get("relInside"), "tmpfs");
    EXPECT_EQ(res.get("fileInside"), "ok:from bundle");
    EXPECT_EQ(res.get("writeAbs"), "ok");
    EXPECT_FALSE(pathExists(outside / "marker"));
    EXPECT_FALSE(pathExists(outside / "sub"));
    EXPECT_EQ(readFile(hostFile), "host data");
}

TEST(RootfsSecurity, MaskedPathsAreUnreadable) {
    BERTH_REQUIRE_ROOT();
    Fixture f;
    oci::Spec spec = dockerLikeSpec();
    spec.linux->maskedPaths = kDockerMasked;
    // Masks in the image itself: a directory, a file, and a symlink to a file that must stay
    // readable (the link is covered, not its target).
    mkdirAll(f.dir / "rootfs/secretdir");
    writeFile(f.dir / "rootfs/secretdir/key", "k");
    writeFile(f.dir / "rootfs/secretfile", "s");
    writeFile(f.dir / "rootfs/etc/visible", "visible");
    ASSERT_EQ(::symlink("/etc/visible", (f.dir / "rootfs/secretlink").c_str()), 0);
    for (auto p : {"/secretdir", "/secretfile", "/secretlink", "/does/not/exist"})
        spec.linux->maskedPaths.push_back(p);
    auto res = runInRootfs(spec, f.ctx, [&](Report& r) {
        r.add("kcore", readResult("/proc/kcore"));
        r.add("keys", readResult("/proc/keys"));
        r.add("timer_list", readResult("/proc/timer_list"));
        r.add("acpi", listDir("/proc/acpi"));
        r.add("firmware", listDir("/sys/firmware"));
        r.add("writeFirmware", writeResult("/sys/firmware/x", "x"));
        r.add("secretdir", listDir("/secretdir"));
        r.add("secretfile", readResult("/secretfile"));
        r.add("secretlink", statSummary("/secretlink"));
        r.add("visible", readResult("/etc/visible"));
    });
    ASSERT_EQ(res.exitCode, 0) << res.error;
    if (pathExists("/proc/kcore")) {
        EXPECT_EQ(res.get("kcore"), "ok:");
    }
    EXPECT_EQ(res.get("keys"), "ok:");
    EXPECT_EQ(res.get("timer_list"), "ok:");
    EXPECT_EQ(res.get("firmware"), "empty");
    EXPECT_EQ(res.get("writeFirmware"), "err EROFS");
    if (pathExists("/proc/acpi")) {
        EXPECT_EQ(res.get("acpi"), "empty");
    }
    EXPECT_EQ(res.get("secretdir"), "empty");
    EXPECT_EQ(res.get("secretfile"), "ok:");
    EXPECT_EQ(res.get("secretlink"), "c 1:3 0666 0:0");  // /dev/null over the link itself
    EXPECT_EQ(res.get("visible"), "ok:visible");
    EXPECT_EQ(readFile(f.dir / "rootfs/secretdir/key"), "k");  // the image is not modified
}

TEST(RootfsSecurity, ReadonlyPathsAreReadOnlyRecursively) {
    BERTH_REQUIRE_ROOT();
    Fixture f;
    oci::Spec spec = dockerLikeSpec();
    spec.mounts.push_back(makeMount("/data", "tmpfs", "tmpfs", {"size=1m"}));
    spec.mounts.push_back(makeMount("/data/sub", "tmpfs", "tmpfs", {"size=1m"}));
    spec.linux->readonlyPaths = kDockerReadonly;
    spec.linux->readonlyPaths.push_back("/data");
    spec.linux->readonlyPaths.push_back("/missing/is/fine");
    auto res = runInRootfs(spec, f.ctx, [&](Report& r) {
        r.add("domainname", writeResult("/proc/sys/kernel/domainname", "x"));
        r.add("readSys", readResult("/proc/sys/kernel/ostype"));
        r.add("data", writeResult("/data/x", "x"));
        r.add("dataSub", writeResult("/data/sub/x", "x"));
    });
    ASSERT_EQ(res.exitCode, 0) << res.error;
    EXPECT_EQ(res.get("domainname"), "err EROFS");
    EXPECT_EQ(res.get("readSys"), "ok:Linux ");
    EXPECT_EQ(res.get("data"), "err EROFS");
    EXPECT_EQ(res.get("dataSub"), "err EROFS");  // submounts too
}

TEST(RootfsSecurity, SysctlsAreWrittenInTheContainer) {
    BERTH_REQUIRE_ROOT();
    Fixture f;
    oci::Spec spec = dockerLikeSpec();
    spec.linux->sysctl = {{"net.ipv4.ip_forward", "1"},
                          {"kernel.shmmax", "123456789"},
                          {"kernel.domainname", "berth.test"}};
    spec.linux->readonlyPaths = kDockerReadonly;  // applied after the sysctls
    std::string hostForward = readFile("/proc/sys/net/ipv4/ip_forward");
    std::string hostShmmax = readFile("/proc/sys/kernel/shmmax");
    auto res = runInRootfs(spec, f.ctx, [&](Report& r) {
        r.add("forward", readResult("/proc/sys/net/ipv4/ip_forward"));
        r.add("shmmax", readResult("/proc/sys/kernel/shmmax"));
        r.add("domain", readResult("/proc/sys/kernel/domainname"));
    });
    ASSERT_EQ(res.exitCode, 0) << res.error;
    EXPECT_EQ(res.get("forward"), "ok:1 ");
    EXPECT_EQ(res.get("shmmax"), "ok:123456789 ");
    EXPECT_EQ(res.get("domain"), "ok:berth.test ");
    EXPECT_EQ(readFile("/proc/sys/net/ipv4/ip_forward"), hostForward);
    EXPECT_EQ(readFile("/proc/sys/kernel/shmmax"), hostShmmax);
}

TEST(RootfsSecurity, HostSysctlsAreRefusedBeforeAnyMount) {
    BERTH_REQUIRE_ROOT();
    Fixture f;
    oci::Spec spec = dockerLikeSpec({.newNetwork = false});
    spec.linux->sysctl = {{"net.ipv4.ip_forward", "1"}};
    auto res = runInRootfs(spec, f.ctx, [](Report&) {}, {.newNetwork = false});
    EXPECT_EQ(res.exitCode, 1);
    EXPECT_NE(res.error.find("linux.sysctl \"net.ipv4.ip_forward\""), std::string::npos)
        << res.error;
    spec = dockerLikeSpec();
    spec.linux->sysctl = {{"vm.swappiness", "1"}};
    res = runInRootfs(spec, f.ctx, [](Report&) {});
    EXPECT_NE(res.error.find("not in a separate kernel namespace"), std::string::npos) << res.error;
}

// CVE-2019-16884 lesson: with no procfs mounted, a /proc directory shipped in the image must
// not receive mounts (or sysctl writes) meant for procfs.
TEST(RootfsSecurity, FakeProcIsRefused) {
    BERTH_REQUIRE_ROOT();
    Fixture f;
    mkdirAll(f.dir / "rootfs/proc/sys/net/ipv4");
    writeFile(f.dir / "rootfs/proc/sys/net/ipv4/ip_forward", "0");
    writeFile(f.dir / "lxcfs-cpuinfo", "fake cpuinfo");
    oci::Spec spec = dockerLikeSpec();
    spec.mounts.erase(spec.mounts.begin());  // no proc mount
    spec.mounts.push_back(makeMount("/proc/cpuinfo", "bind", f.dir / "lxcfs-cpuinfo", {"bind"}));
    auto res = runInRootfs(spec, f.ctx, [](Report&) {});
    EXPECT_EQ(res.exitCode, 1);
    EXPECT_NE(res.error.find("not on procfs"), std::string::npos) << res.error;

    spec.mounts.pop_back();
    spec.linux->sysctl = {{"net.ipv4.ip_forward", "1"}};
    res = runInRootfs(spec, f.ctx, [](Report&) {});
    EXPECT_EQ(res.exitCode, 1);
    EXPECT_NE(res.error.find("not on procfs"), std::string::npos) << res.error;
    EXPECT_EQ(readFile(f.dir / "rootfs/proc/sys/net/ipv4/ip_forward"), "0");
}

TEST(RootfsSecurity, ProcfsBindAllowListWorksOnRealProc) {
    BERTH_REQUIRE_ROOT();
    Fixture f;
    writeFile(f.dir / "lxcfs-cpuinfo", "fake cpuinfo");
    oci::Spec spec = dockerLikeSpec();
    spec.mounts.push_back(
        makeMount("/proc/cpuinfo", "bind", f.dir / "lxcfs-cpuinfo", {"bind", "ro"}));
    auto res =
        runInRootfs(spec, f.ctx, [](Report& r) { r.add("cpuinfo", readResult("/proc/cpuinfo")); });
    ASSERT_EQ(res.exitCode, 0) << res.error;
    EXPECT_EQ(res.get("cpuinfo"), "ok:fake cpuinfo");
}
