// The basic container filesystem: default mounts, devices, /dev links, pivot_root.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file_io.hpp"
#include "common/strings.hpp"
#include "rootfs_harness.hpp"
#include "support/test_support.hpp"

using namespace berth;
using namespace berth::test;

namespace {

void reportMount(Report& r, const std::vector<MountInfoEntry>& table, const std::string& point) {
    const MountInfoEntry* m = findMount(table, point);
    r.add("mount:" + point, m ? m->fstype + " " + m->options + " " + m->superOptions : "none");
}

struct Fixture {
    TempDir dir{"berth-rootfs"};
    runtime::RootfsContext ctx;
    Fixture() {
        makeBusyboxRootfs(dir / "rootfs");
        ctx.rootfsPath = dir / "rootfs";
        ctx.bundlePath = dir.path();
    }
};

}  // namespace

TEST(RootfsBasic, DockerLikeSpecMountsDevicesAndPivot) {
    BERTH_REQUIRE_ROOT();
    Fixture f;
    oci::Spec spec = dockerLikeSpec();
    std::string hostOnly = f.dir.path();  // must not be reachable after pivot_root
    auto res = runInRootfs(spec, f.ctx, [&](Report& r) {
        auto table = mountTable();
        for (auto p : {"/", "/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys"})
            reportMount(r, table, p);
        r.add("mountCount", std::to_string(table.size()));
        for (auto d : {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
                       "/dev/tty", "/dev/ptmx", "/dev/fd", "/dev/stdin", "/dev/stdout",
                       "/dev/stderr", "/dev/pts/ptmx", "/dev/shm"})
            r.add(std::string("stat:") + d, statSummary(d));
        r.add("busybox", statSummary("/bin/busybox").substr(0, 1));
        r.add("hostOnly", statSummary(hostOnly));
        char cwd[256] = {};
        r.add("cwd", getcwd(cwd, sizeof cwd) ? cwd : "?");
        r.add("pid", std::to_string(getpid()));
        r.add("writeDevNull", writeResult("/dev/null", "x"));
        std::string zero = readResult("/dev/zero");
        r.add("readZero", zero.size() > 3 && zero.find_first_not_of('\0', 3) == std::string::npos
                              ? "zeros"
                              : "bad");
    });
    ASSERT_EQ(res.exitCode, 0) << res.error;

    // pivot_root: our rootfs is "/", the host's tree is gone.
    EXPECT_EQ(res.get("busybox"), "f");
    EXPECT_EQ(res.get("hostOnly"), "err ENOENT");
    EXPECT_EQ(res.get("cwd"), "/");
    EXPECT_EQ(res.get("pid"), "1");
    EXPECT_NE(res.get("mount:/"), "none");
    // Only our mounts: the host's mount table was detached with the old root.
    EXPECT_LE(std::stoi(res.get("mountCount")), 8) << res.get("mountCount");

    auto proc = res.get("mount:/proc");
    EXPECT_EQ(proc.substr(0, 5), "proc ") << proc;
    for (auto o : {"nosuid", "nodev", "noexec"}) EXPECT_NE(proc.find(o), std::string::npos) << proc;
    auto dev = res.get("mount:/dev");
    EXPECT_EQ(dev.substr(0, 6), "tmpfs ") << dev;
    EXPECT_NE(dev.find("mode=755"), std::string::npos) << dev;
    EXPECT_NE(dev.find("size=65536k"), std::string::npos) << dev;
    auto pts = res.get("mount:/dev/pts");
    EXPECT_EQ(pts.substr(0, 7), "devpts ") << pts;
    EXPECT_NE(pts.find("gid=5"), std::string::npos) << pts;
    EXPECT_NE(pts.find("mode=620"), std::string::npos) << pts;
    EXPECT_NE(pts.find("ptmxmode=666"), std::string::npos) << pts;
    // tmpfs shows mode= only when it is not the default 1777: check the directory itself.
    EXPECT_NE(res.get("mount:/dev/shm").find("size=65536k"), std::string::npos)
        << res.get("mount:/dev/shm");
    EXPECT_EQ(res.get("stat:/dev/shm"), "d 0:0 1777 0:0");
    EXPECT_EQ(res.get("mount:/dev/mqueue").substr(0, 7), "mqueue ");
    auto sys = res.get("mount:/sys");
    EXPECT_EQ(sys.substr(0, 6), "sysfs ") << sys;
    EXPECT_EQ(sys.substr(6, 3), "ro,") << sys;

    EXPECT_EQ(res.get("stat:/dev/null"), "c 1:3 0666 0:0");
    EXPECT_EQ(res.get("stat:/dev/zero"), "c 1:5 0666 0:0");
    EXPECT_EQ(res.get("stat:/dev/full"), "c 1:7 0666 0:0");
    EXPECT_EQ(res.get("stat:/dev/random"), "c 1:8 0666 0:0");
    EXPECT_EQ(res.get("stat:/dev/urandom"), "c 1:9 0666 0:0");
    EXPECT_EQ(res.get("stat:/dev/tty"), "c 5:0 0666 0:0");
    EXPECT_EQ(res.get("stat:/dev/ptmx"), "l pts/ptmx");
    EXPECT_EQ(res.get("stat:/dev/pts/ptmx").substr(0, 7), "c 5:2 0")
        << res.get("stat:/dev/pts/ptmx");
    EXPECT_EQ(res.get("stat:/dev/fd"), "l /proc/self/fd");
    EXPECT_EQ(res.get("stat:/dev/stdin"), "l /proc/self/fd/0");
    EXPECT_EQ(res.get("stat:/dev/stdout"), "l /proc/self/fd/1");
    EXPECT_EQ(res.get("stat:/dev/stderr"), "l /proc/self/fd/2");
    EXPECT_EQ(res.get("writeDevNull"), "ok");
    EXPECT_EQ(res.get("readZero"), "zeros");
}

TEST(RootfsBasic, LinuxDevicesWithOwnerAndMode) {
    BERTH_REQUIRE_ROOT();
    Fixture f;
    oci::Spec spec = dockerLikeSpec();
    spec.linux->devices = {{"c", "/dev/fuse", 10, 229, 0640, 1000, 1001},
                           {"b", "/dev/disk/loop77", 7, 77, 0600, std::nullopt, std::nullopt},
                           {"p", "/dev/myfifo", 0, 0, 0620, std::nullopt, std::nullopt},
                           {"c", "/dev/null", 1, 3, 0600, 0, 0}};
    auto res = runInRootfs(spec, f.ctx, [&](Report& r) {
        for (auto d : {"/dev/fuse", "/dev/disk/loop77", "/dev/myfifo", "/dev/null"})
            r.add(std::string("stat:") + d, statSummary(d));
    });
    ASSERT_EQ(res.exitCode, 0) << res.error;
    EXPECT_EQ(res.get("stat:/dev/fuse"), "c 10:229 0640 1000:1001");
    EXPECT_EQ(res.get("stat:/dev/disk/loop77"), "b 7:77 0600 0:0");
    EXPECT_EQ(res.get("stat:/dev/myfifo"), "p 0:0 0620 0:0");
    EXPECT_EQ(res.get("stat:/dev/null"), "c 1:3 0600 0:0");  // the config wins over the default
}

TEST(RootfsBasic, DevicesWithoutDevTmpfsLandInTheRootfs) {
    BERTH_REQUIRE_ROOT();
    Fixture f;
    oci::Spec spec = dockerLikeSpec();
    spec.mounts = {makeMount("/proc", "proc", "proc", {})};
    // A file planted by the image at /dev/null is replaced by the real node.
    writeFile(f.dir / "rootfs/dev/null", "not a device");
    auto res = runInRootfs(spec, f.ctx, [&](Report& r) {
        r.add("null", statSummary("/dev/null"));
        r.add("tty", statSummary("/dev/tty"));
    });
    ASSERT_EQ(res.exitCode, 0) << res.error;
    EXPECT_EQ(res.get("null"), "c 1:3 0666 0:0");
    EXPECT_EQ(res.get("tty"), "c 5:0 0666 0:0");
}

TEST(RootfsBasic, NoPivotMovesAndChroots) {
    BERTH_REQUIRE_ROOT();
    Fixture f;
    f.ctx.noPivot = true;
    oci::Spec spec = dockerLikeSpec();
    std::string hostOnly = f.dir.path();
    auto res = runInRootfs(spec, f.ctx, [&](Report& r) {
        r.add("busybox", statSummary("/bin/busybox").substr(0, 1));
        r.add("hostOnly", statSummary(hostOnly));
        r.add("null", statSummary("/dev/null"));
    });
    ASSERT_EQ(res.exitCode, 0) << res.error;
    EXPECT_EQ(res.get("busybox"), "f");
    EXPECT_EQ(res.get("hostOnly"), "err ENOENT");
    EXPECT_EQ(res.get("null"), "c 1:3 0666 0:0");
}

TEST(RootfsBasic, RootfsPropagationSharedStillPivots) {
    BERTH_REQUIRE_ROOT();
    Fixture f;
    oci::Spec spec = dockerLikeSpec();
    spec.linux->rootfsPropagation = "shared";
    auto res = runInRootfs(spec, f.ctx, [&](Report& r) {
        std::string self = readFile("/proc/self/mountinfo");
        for (auto& line : split(self, '\n')) {
            auto fields = split(line, ' ');
            if (fields.size() > 6 && fields[4] == "/") r.add("rootLine", line);
        }
    });
    ASSERT_EQ(res.exitCode, 0) << res.error;
    EXPECT_NE(res.get("rootLine").find("shared:"), std::string::npos) << res.get("rootLine");
}

TEST(RootfsBasic, ReadonlyRoot) {
    BERTH_REQUIRE_ROOT();
    Fixture f;
    oci::Spec spec = dockerLikeSpec();
    spec.root.readonly = true;
    spec.mounts.push_back(makeMount("/tmp", "tmpfs", "tmpfs", {"nosuid"}));
    auto res = runInRootfs(spec, f.ctx, [&](Report& r) {
        r.add("rootWrite", writeResult("/newfile", "x"));
        r.add("tmpWrite", writeResult("/tmp/x", "x"));
        r.add("devWrite", writeResult("/dev/shm/x", "x"));
    });
    ASSERT_EQ(res.exitCode, 0) << res.error;
    EXPECT_EQ(res.get("rootWrite"), "err EROFS");
    EXPECT_EQ(res.get("tmpWrite"), "ok");
    EXPECT_EQ(res.get("devWrite"), "ok");
    EXPECT_FALSE(pathExists(f.dir / "rootfs/newfile"));
}

// The rootfs is itself a shared mount point (as an overlay under a shared /var/lib/docker) and
// the config asks for shared propagation: nothing the container mounts may appear on the host.
TEST(RootfsBasic, SharedRootfsMountDoesNotLeakMountsToHost) {
    BERTH_REQUIRE_ROOT();
    Fixture f;
    std::string rootfs = f.dir / "shared-rootfs";
    mkdirAll(rootfs);
    ASSERT_EQ(::mount("tmpfs", rootfs.c_str(), "tmpfs", 0, "size=16m"), 0);
    ASSERT_EQ(::mount(nullptr, rootfs.c_str(), nullptr, MS_SHARED, nullptr), 0);
    makeBusyboxRootfs(rootfs);
    f.ctx.rootfsPath = rootfs;
    for (std::string prop : {"", "shared", "private", "rshared"}) {
        SCOPED_TRACE("rootfsPropagation=" + prop);
        oci::Spec spec = dockerLikeSpec();
        spec.linux->rootfsPropagation = prop;
        auto res = runInRootfs(spec, f.ctx, [](Report& r) { r.add("ok", "1"); });
        ASSERT_EQ(res.exitCode, 0) << res.error;
        int leaked = 0;
        for (auto& m : mountTable())
            if (startsWith(m.mountPoint, rootfs + "/")) ++leaked;
        EXPECT_EQ(leaked, 0);
    }
    ::umount2(rootfs.c_str(), MNT_DETACH);
}
