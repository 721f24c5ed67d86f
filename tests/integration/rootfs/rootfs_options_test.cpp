// Mount options end to end: bind flags and remounts, recursive read-only, propagation,
// cgroup mounts, user namespaces (device binds, sysfs fallback, locked flags), bad input.
#include <gtest/gtest.h>
#include <sys/mount.h>
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
    TempDir dir{"berth-rootfs-opt"};
    runtime::RootfsContext ctx;
    Fixture() {
        makeBusyboxRootfs(dir / "rootfs");
        ctx.rootfsPath = dir / "rootfs";
        ctx.bundlePath = dir.path();
    }
};

// "<fstype> <per-mount options>" of the top mount at point.
std::string mountSummary(const std::string& point) {
    auto table = mountTable();
    const MountInfoEntry* m = findMount(table, point);
    return m ? m->fstype + " " + m->options : "none";
}

std::string optionsOf(const std::string& summary) {
    auto sp = summary.find(' ');
    return sp == std::string::npos ? "" : summary.substr(sp + 1);
}

// A host tmpfs mounted nosuid,nodev,noexec (unmounted by the TempDir's destructor).
void mountLockedSource(const std::string& dir) {
    mkdirAll(dir);
    if (::mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=1m") < 0)
        throw SysError("mount test source " + dir);
    writeFile(dir + "/file", "content");
    mkdirAll(dir + "/nested");
    if (::mount("tmpfs", (dir + "/nested").c_str(), "tmpfs", 0, "size=1m") < 0)
        throw SysError("mount nested test source");
}

}  // namespace

TEST(RootfsOptions, BindFlagsAreApplied) {
    BERTH_REQUIRE_ROOT();
    Fixture f;
    mkdirAll(f.dir / "vol");
    writeFile(f.dir / "vol/f", "v");
    writeFile(f.dir / "single.txt", "single");
    oci::Spec spec = dockerLikeSpec();
    spec.mounts.push_back(makeMount("/ro", "bind", f.dir / "vol",
                                    {"rbind", "ro", "nosuid", "nodev", "noexec", "noatime"}));
    spec.mounts.push_back(makeMount("/rw", "none", "vol", {"bind", "rw", "relatime", "rprivate"}));
    spec.mounts.push_back(
        makeMount("/etc/single.txt", "bind", f.dir / "single.txt", {"bind", "ro"}));
    spec.mounts.push_back(makeMount("/deep/new/dir", "bind", f.dir / "vol", {"rbind"}));
    auto res = runInRootfs(spec, f.ctx, [&](Report& r) {
        r.add("ro", mountSummary("/ro"));
        r.add("rw", mountSummary("/rw"));
        r.add("roWrite", writeResult("/ro/g", "x"));
        r.add("rwWrite", writeResult("/rw/g", "x"));
        r.add("single", readResult("/etc/single.txt"));
        r.add("singleWrite", writeResult("/etc/single.txt", "x"));
        r.add("singleType", statSummary("/etc/single.txt").substr(0, 1));
        r.add("deep", readResult("/deep/new/dir/f"));
    });
    ASSERT_EQ(res.exitCode, 0) << res.error;
    std::string ro = optionsOf(res.get("ro"));
    for (auto o : {"ro", "nosuid", "nodev", "noexec", "noatime"})
        EXPECT_TRUE(hasOption(ro, o)) << o << " in " << ro;
    std::string rw = optionsOf(res.get("rw"));
    EXPECT_TRUE(hasOption(rw, "rw")) << rw;
    EXPECT_TRUE(hasOption(rw, "relatime")) << rw;
    EXPECT_FALSE(hasOption(rw, "nosuid")) << rw;
    EXPECT_EQ(res.get("roWrite"), "err EROFS");
    EXPECT_EQ(res.get("rwWrite"), "ok");
    EXPECT_EQ(readFile(f.dir / "vol/g"), "x");  // a bind shares the host directory
    EXPECT_EQ(res.get("single"), "ok:single");
    EXPECT_EQ(res.get("singleWrite"), "err EROFS");
    EXPECT_EQ(res.get("singleType"), "f");
    EXPECT_EQ(res.get("deep"), "ok:v");
}

TEST(RootfsOptions, RecursiveReadOnlyAndPlainRo) {
    BERTH_REQUIRE_ROOT();
    Fixture f;
    mountLockedSource(f.dir / "src");
    oci::Spec spec = dockerLikeSpec();
    spec.mounts.push_back(makeMount("/rro", "bind", f.dir / "src", {"rbind", "rro"}));
    spec.mounts.push_back(makeMount("/ro", "bind", f.dir / "src", {"rbind", "ro"}));
    auto res = runInRootfs(spec, f.ctx, [&](Report& r) {
        r.add("rroTop", writeResult("/rro/x", "x"));
        r.add("rroNested", writeResult("/rro/nested/x", "x"));
        r.add("roTop", writeResult("/ro/x", "x"));
        r.add("roNested", writeResult("/ro/nested/x", "x"));
        r.add("roOpts", optionsOf(mountSummary("/ro")));
    });
    ASSERT_EQ(res.exitCode, 0) << res.error;
    EXPECT_EQ(res.get("rroTop"), "err EROFS");
    EXPECT_EQ(res.get("rroNested"), "err EROFS");  // rro reaches submounts
    EXPECT_EQ(res.get("roTop"), "err EROFS");
    EXPECT_EQ(res.get("roNested"), "ok");  // plain ro is the top mount only (as runc)
    // The source's nosuid/nodev/noexec are kept through the read-only remount.
    for (auto o : {"ro", "nosuid", "nodev", "noexec"})
        EXPECT_TRUE(hasOption(res.get("roOpts"), o)) << o << " in " << res.get("roOpts");
}

TEST(RootfsOptions, MountPropagationOption) {
    BERTH_REQUIRE_ROOT();
    Fixture f;
    oci::Spec spec = dockerLikeSpec();
    spec.mounts.push_back(makeMount("/shared", "tmpfs", "tmpfs", {"size=1m", "shared"}));
    spec.mounts.push_back(makeMount("/private", "tmpfs", "tmpfs", {"size=1m", "private"}));
    spec.mounts.push_back(makeMount("/unbindable", "tmpfs", "tmpfs", {"size=1m", "unbindable"}));
    auto res = runInRootfs(spec, f.ctx, [&](Report& r) {
        for (auto& line : split(readFile("/proc/self/mountinfo"), '\n')) {
            auto fields = split(line, ' ');
            if (fields.size() > 7) r.add("tag:" + fields[4], fields[6]);
        }
    });
    ASSERT_EQ(res.exitCode, 0) << res.error;
    EXPECT_TRUE(startsWith(res.get("tag:/shared"), "shared:")) << res.get("tag:/shared");
    EXPECT_EQ(res.get("tag:/private"), "-");
    EXPECT_EQ(res.get("tag:/unbindable"), "unbindable");
}

TEST(RootfsOptions, CgroupMountOnThisHost) {
    BERTH_REQUIRE_ROOT();
    Fixture f;
    for (bool cgroupns : {false, true}) {
        SCOPED_TRACE(cgroupns ? "with cgroup namespace" : "without cgroup namespace");
        ChildOptions opts;
        opts.newCgroup = cgroupns;
        oci::Spec spec = dockerLikeSpec(opts);
        spec.mounts.push_back(makeMount("/sys/fs/cgroup", "cgroup", "cgroup",
                                        {"nosuid", "noexec", "nodev", "relatime", "ro"}));
        bool unified = mountSummary("/sys/fs/cgroup").substr(0, 8) == "cgroup2 ";
        // The host's v1 hierarchies, by directory name ("cpu,cpuacct" on some hosts, "cpu"
        // and "cpuacct" apart on others).
        std::vector<std::string> hierarchies;
        for (auto& m : mountTable())
            if (m.fstype == "cgroup" && startsWith(m.mountPoint, "/sys/fs/cgroup/"))
                hierarchies.push_back(m.mountPoint.substr(15));
        auto res = runInRootfs(
            spec, f.ctx,
            [&](Report& r) {
                r.add("top", mountSummary("/sys/fs/cgroup"));
                for (auto& h : hierarchies) {
                    r.add("h:" + h, mountSummary("/sys/fs/cgroup/" + h));
                    for (auto& c : split(h, ','))
                        if (c != h) {
                            r.add("link:" + c, statSummary("/sys/fs/cgroup/" + c));
                        }
                }
                r.add("memoryWrite", writeResult("/sys/fs/cgroup/memory/x", "x"));
                r.add("topWrite", writeResult("/sys/fs/cgroup/x", "x"));
                r.add("procs", readResult("/sys/fs/cgroup/memory/cgroup.procs").substr(0, 3));
            },
            opts);
        ASSERT_EQ(res.exitCode, 0) << res.error;
        if (unified) {
            EXPECT_EQ(res.get("top").substr(0, 8), "cgroup2 ");
            continue;
        }
        ASSERT_FALSE(hierarchies.empty());
        EXPECT_EQ(res.get("top").substr(0, 6), "tmpfs ") << res.get("top");
        EXPECT_TRUE(hasOption(optionsOf(res.get("top")), "ro")) << res.get("top");
        for (auto& h : hierarchies) {
            std::string got = res.get("h:" + h);
            EXPECT_EQ(got.substr(0, 7), "cgroup ") << h << ": " << got;
            // Read-only, nosuid, nodev, noexec like the tmpfs (one recursive mount_setattr).
            for (auto o : {"ro", "nosuid", "nodev", "noexec"})
                EXPECT_TRUE(hasOption(optionsOf(got), o)) << h << ": " << got;
            for (auto& c : split(h, ','))
                if (c != h) {
                    EXPECT_EQ(res.get("link:" + c), "l " + h);
                }
        }
        EXPECT_EQ(res.get("memoryWrite"), "err EROFS");
        EXPECT_EQ(res.get("topWrite"), "err EROFS");
        EXPECT_EQ(res.get("procs"), "ok:");
    }
}

TEST(RootfsOptions, UserNamespaceBindsDevicesAndKeepsLockedFlags) {
    BERTH_REQUIRE_ROOT();
    Fixture f;
    mountLockedSource(f.dir / "src");
    ChildOptions opts;
    opts.userNamespace = true;
    opts.newNetwork = false;  // sysfs is then refused: the host's /sys is bound instead
    oci::Spec spec = dockerLikeSpec(opts);
    spec.mounts.push_back(makeMount("/data", "bind", f.dir / "src", {"rbind", "ro"}));
    spec.linux->devices = {{"c", "/dev/fuse", 10, 229, 0666, std::nullopt, std::nullopt}};
    spec.linux->maskedPaths = {"/proc/keys", "/proc/acpi", "/sys/firmware"};
    spec.linux->readonlyPaths = {"/proc/sys", "/proc/sysrq-trigger"};
    spec.linux->sysctl = {{"kernel.shmmni", "1234"}};
    spec.root.readonly = true;
    auto res = runInRootfs(
        spec, f.ctx,
        [&](Report& r) {
            r.add("null", statSummary("/dev/null"));
            r.add("nullMount", mountSummary("/dev/null"));
            r.add("fuse", statSummary("/dev/fuse"));
            r.add("sys", mountSummary("/sys"));
            r.add("sysWrite", writeResult("/sys/kernel/x", "x"));
            r.add("data", optionsOf(mountSummary("/data")));
            r.add("dataRead", readResult("/data/file"));
            r.add("writeNull", writeResult("/dev/null", "x"));
            r.add("keys", readResult("/proc/keys"));
            r.add("firmware", readResult("/sys/firmware/nothing"));
            r.add("shmmni", readResult("/proc/sys/kernel/shmmni"));
            r.add("sysWriteProc", writeResult("/proc/sys/kernel/shmmni", "5"));
            r.add("rootWrite", writeResult("/newfile", "x"));
        },
        opts);
    ASSERT_EQ(res.exitCode, 0) << res.error;
    EXPECT_EQ(res.get("null").substr(0, 6), "c 1:3 ");
    EXPECT_NE(res.get("nullMount"), "none");  // a bind of the host node, not a mknod
    EXPECT_EQ(res.get("fuse").substr(0, 8), "c 10:229") << res.get("fuse");
    EXPECT_EQ(res.get("sys").substr(0, 6), "sysfs ");
    EXPECT_TRUE(hasOption(optionsOf(res.get("sys")), "ro")) << res.get("sys");
    EXPECT_EQ(res.get("sysWrite"), "err EROFS");
    for (auto o : {"ro", "nosuid", "nodev", "noexec"})
        EXPECT_TRUE(hasOption(res.get("data"), o)) << o << " in " << res.get("data");
    EXPECT_EQ(res.get("dataRead"), "ok:content");
    EXPECT_EQ(res.get("writeNull"), "ok");
    EXPECT_EQ(res.get("keys"), "ok:");
    EXPECT_EQ(res.get("firmware"), "err ENOENT");  // an empty tmpfs over /sys/firmware
    EXPECT_EQ(res.get("shmmni"), "ok:1234 ");
    EXPECT_EQ(res.get("sysWriteProc"), "err EROFS");
    EXPECT_EQ(res.get("rootWrite"), "err EROFS");
}

TEST(RootfsOptions, BadInputIsNamed) {
    BERTH_REQUIRE_ROOT();
    Fixture f;
    oci::Spec spec = dockerLikeSpec();
    spec.mounts.push_back(makeMount("/data", "bind", "/nope-berth-missing", {"rbind"}));
    auto res = runInRootfs(spec, f.ctx, [](Report&) {});
    EXPECT_EQ(res.exitCode, 1);
    EXPECT_NE(res.error.find("mounts[6] /data: bind source /nope-berth-missing: ENOENT"),
              std::string::npos)
        << res.error;
    // Nothing was created in the rootfs: the plan failed before the first mount.
    EXPECT_FALSE(pathExists(f.dir / "rootfs/data"));

    spec = dockerLikeSpec();
    spec.linux->rootfsPropagation = "sideways";
    res = runInRootfs(spec, f.ctx, [](Report&) {});
    EXPECT_NE(res.error.find("linux.rootfsPropagation: unknown propagation \"sideways\""),
              std::string::npos)
        << res.error;

    spec = dockerLikeSpec();
    spec.linux->devices = {{"z", "/dev/bad", 1, 1, std::nullopt, std::nullopt, std::nullopt}};
    res = runInRootfs(spec, f.ctx, [](Report&) {});
    EXPECT_NE(res.error.find("linux.devices[0] /dev/bad: type \"z\""), std::string::npos)
        << res.error;

    spec = dockerLikeSpec();
    spec.mounts.push_back(makeMount("/t", "tmpfs", "tmpfs", {"size=lots"}));
    res = runInRootfs(spec, f.ctx, [](Report&) {});
    EXPECT_NE(res.error.find("mounts[6] /t: mount tmpfs on /t type tmpfs"), std::string::npos)
        << res.error;
    EXPECT_NE(res.error.find("EINVAL"), std::string::npos) << res.error;

    spec = dockerLikeSpec();
    spec.mounts.push_back(makeMount("/x", "nosuchfs", "none", {}));
    res = runInRootfs(spec, f.ctx, [](Report&) {});
    EXPECT_NE(res.error.find("mounts[6] /x"), std::string::npos) << res.error;
    EXPECT_NE(res.error.find("ENODEV"), std::string::npos) << res.error;
}

TEST(RootfsOptions, IdmappedBindShowsMappedOwners) {
    BERTH_REQUIRE_ROOT();
    Fixture f;
    mkdirAll(f.dir / "idsrc/sub");
    writeFile(f.dir / "idsrc/root-owned", "r");
    writeFile(f.dir / "idsrc/user-owned", "u");
    ASSERT_EQ(::chown((f.dir / "idsrc/user-owned").c_str(), 1000, 1000), 0);
    oci::Spec spec = dockerLikeSpec();
    oci::Mount m = makeMount("/ids", "bind", f.dir / "idsrc", {"rbind", "idmap"});
    m.uidMappings = {{0, 5000, 2000}};
    m.gidMappings = {{0, 6000, 2000}};
    spec.mounts.push_back(m);
    auto res = runInRootfs(spec, f.ctx, [](Report& r) {
        r.add("root", statSummary("/ids/root-owned"));
        r.add("user", statSummary("/ids/user-owned"));
        r.add("create", writeResult("/ids/new", "n"));
    });
    ASSERT_EQ(res.exitCode, 0) << res.error;
    EXPECT_EQ(res.get("root"), "f 0:0 0644 5000:6000");
    EXPECT_EQ(res.get("user"), "f 0:0 0644 6000:7000");
    // Root in the container is not in the mapping's range: it cannot create files there
    // (EOVERFLOW), which shows the mapping is enforced, not just displayed.
    EXPECT_EQ(res.get("create"), "err EOVERFLOW");
    struct stat st {};
    ASSERT_EQ(::stat((f.dir / "idsrc/root-owned").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 0u);  // nothing was chowned on disk
}
