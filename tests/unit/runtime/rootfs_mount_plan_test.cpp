#include <gtest/gtest.h>
#include <linux/magic.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <map>

#include "common/error.hpp"
#include "runtime/linux/rootfs/mount_plan.hpp"
#include "support/spec_builders.hpp"
#include "support/failures.hpp"

using namespace berth;
using namespace berth::runtime::rootfs;
using berth::test::makeMount;

namespace {

// Host facts as a test sets them; nothing touches the real filesystem.
class FakeProbe : public HostProbe {
  public:
    std::map<std::string, FileKind> kinds;
    std::map<std::string, unsigned long> flags;
    std::map<std::string, long> fsTypes;
    bool unified = false;
    std::vector<CgroupHierarchy> v1;
    std::string v2Path = "/";

    FileKind kindOf(const std::string& p, int* err) override {
        auto it = kinds.find(p);
        if (it == kinds.end()) {
            *err = ENOENT;
            return FileKind::Missing;
        }
        return it->second;
    }
    unsigned long mountFlagsOf(const std::string& p) override {
        return flags.count(p) ? flags[p] : 0;
    }
    long fsTypeOf(const std::string& p) override { return fsTypes.count(p) ? fsTypes[p] : 0; }
    bool cgroup2Unified() override { return unified; }
    std::vector<CgroupHierarchy> cgroupV1() override { return v1; }
    std::string cgroup2Path() override { return v2Path; }
};

PlanContext ctx() {
    PlanContext c;
    c.rootfsPath = "/b/rootfs";
    c.bundlePath = "/b";
    return c;
}

std::string errorOf(const oci::Mount& m, FakeProbe& probe, size_t index = 0) {
    return test::errorOf([&] { planMount(index, m, ctx(), probe); });
}

}  // namespace

TEST(RootfsPlan, RootfsBindDefaultsToRslave) {
    oci::Spec spec;
    Plan p = planRootfsBind(spec, ctx());
    // rslave: nothing in the namespace is shared afterwards, so the rootfs's parent mount
    // needs no look-up in mountinfo.
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0].kind, StepKind::Propagation);
    EXPECT_EQ(p[0].scope, Scope::Host);
    EXPECT_EQ(p[0].target, "/");
    EXPECT_EQ(p[0].flags, static_cast<unsigned long>(MS_SLAVE | MS_REC));
    EXPECT_EQ(p[1].kind, StepKind::Mount);
    EXPECT_EQ(p[1].source, "/b/rootfs");
    EXPECT_EQ(p[1].target, "/b/rootfs");
    EXPECT_EQ(p[1].flags, static_cast<unsigned long>(MS_BIND | MS_REC));
}

TEST(RootfsPlan, SharedRootfsPropagationMakesTheParentMountPrivate) {
    oci::Spec spec;
    spec.linux.emplace();
    for (const char* prop : {"rshared", "shared", "slave", "private", "runbindable"}) {
        spec.linux->rootfsPropagation = prop;
        Plan p = planRootfsBind(spec, ctx());
        ASSERT_EQ(p.size(), 3u) << prop;
        EXPECT_EQ(p[1].kind, StepKind::MakeParentMountPrivate) << prop;
        EXPECT_EQ(p[1].target, "/b/rootfs");
    }
    spec.linux->rootfsPropagation = "rprivate";
    EXPECT_EQ(planRootfsBind(spec, ctx()).size(), 2u);
}

TEST(RootfsPlan, RootfsPropagationFromConfig) {
    oci::Spec spec;
    spec.linux.emplace();
    spec.linux->rootfsPropagation = "private";
    EXPECT_EQ(planRootfsBind(spec, ctx())[0].flags, static_cast<unsigned long>(MS_PRIVATE));
    spec.linux->rootfsPropagation = "rshared";
    EXPECT_EQ(planRootfsBind(spec, ctx())[0].flags, static_cast<unsigned long>(MS_SHARED | MS_REC));
    spec.linux->rootfsPropagation = "bogus";
    try {
        planRootfsBind(spec, ctx());
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("linux.rootfsPropagation"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("bogus"), std::string::npos);
    }
}

TEST(RootfsPlan, ReadOnlyBindRemountsKeepingLockedFlags) {
    FakeProbe probe;
    probe.kinds["/host/data"] = FileKind::Directory;
    probe.flags["/host/data"] = MS_NOSUID | MS_NODEV | MS_RELATIME;
    Plan p = planMount(2, makeMount("/data", "bind", "/host/data", {"rbind", "ro", "noexec"}),
                       ctx(), probe);
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0].kind, StepKind::Mount);
    EXPECT_EQ(p[0].scope, Scope::Root);
    EXPECT_TRUE(p[0].sourceIsHostPath);
    EXPECT_EQ(p[0].source, "/host/data");
    EXPECT_EQ(p[0].target, "/data");
    EXPECT_EQ(p[0].flags, static_cast<unsigned long>(MS_BIND | MS_REC));
    EXPECT_EQ(p[0].create, CreateTarget::Dir);
    EXPECT_EQ(p[0].what, "mounts[2] /data");
    EXPECT_EQ(p[1].kind, StepKind::Remount);
    EXPECT_EQ(p[1].target, "/data");
    EXPECT_EQ(p[1].flags, static_cast<unsigned long>(MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOEXEC |
                                                     MS_NOSUID | MS_NODEV | MS_RELATIME));
}

TEST(RootfsPlan, PlainBindNeedsNoRemount) {
    FakeProbe probe;
    probe.kinds["/etc/hosts"] = FileKind::Other;
    probe.flags["/etc/hosts"] = MS_NOSUID;
    Plan p = planMount(0, makeMount("/etc/hosts", "none", "/etc/hosts", {"bind"}), ctx(), probe);
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0].flags, static_cast<unsigned long>(MS_BIND));
    EXPECT_EQ(p[0].create, CreateTarget::File);  // a file source gets a file target
}

TEST(RootfsPlan, RelativeBindSourceIsInTheBundle) {
    FakeProbe probe;
    probe.kinds["/b/vol"] = FileKind::Directory;
    Plan p = planMount(0, makeMount("vol", "", "vol", {"bind"}), ctx(), probe);
    EXPECT_EQ(p[0].source, "/b/vol");
    EXPECT_EQ(p[0].target, "/vol");  // a relative destination is taken from "/"
}

TEST(RootfsPlan, MissingBindSourceNamesMountAndPath) {
    FakeProbe probe;
    std::string err = errorOf(makeMount("/data", "bind", "/nope", {"bind"}), probe, 3);
    EXPECT_NE(err.find("mounts[3] /data: bind source /nope: ENOENT"), std::string::npos) << err;
}

TEST(RootfsPlan, BadOptionsAndTypes) {
    FakeProbe probe;
    probe.kinds["/x"] = FileKind::Directory;
    EXPECT_NE(errorOf(makeMount("/d", "", "x", {"nosuid"}), probe).find("type is empty"),
              std::string::npos);
    EXPECT_NE(errorOf(makeMount("/d", "bind", "/x", {"rbind", "idmap"}), probe).find("idmapped"),
              std::string::npos);
    EXPECT_NE(errorOf(makeMount("", "tmpfs", "tmpfs", {}), probe).find("destination is empty"),
              std::string::npos);
}

TEST(RootfsPlan, FilesystemMountsCarryFlagsAndData) {
    FakeProbe probe;
    Plan p = planMount(
        1,
        makeMount("/dev/pts", "devpts", "devpts",
                  {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}),
        ctx(), probe);
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0].fstype, "devpts");
    EXPECT_EQ(p[0].source, "devpts");
    EXPECT_EQ(p[0].flags, static_cast<unsigned long>(MS_NOSUID | MS_NOEXEC));
    EXPECT_EQ(p[0].data, "newinstance,ptmxmode=0666,mode=0620,gid=5");
    EXPECT_EQ(p[0].create, CreateTarget::Dir);
    EXPECT_FALSE(p[0].sourceIsHostPath);
    EXPECT_TRUE(p[0].fallbackBindSource.empty());

    Plan t =
        planMount(0, makeMount("/run", "tmpfs", "", {"nosuid", "size=1m", "mode=1777", "rslave"}),
                  ctx(), probe);
    ASSERT_EQ(t.size(), 2u);
    EXPECT_EQ(t[0].source, "tmpfs");  // an empty source is named after the type
    EXPECT_EQ(t[0].data, "size=1m,mode=1777");
    EXPECT_EQ(t[1].kind, StepKind::Propagation);
    EXPECT_EQ(t[1].flags, static_cast<unsigned long>(MS_SLAVE | MS_REC));

    Plan x = planMount(0, makeMount("/mnt/fuse", "fuse.sshfs", "me@host:/", {"ro", "allow_other"}),
                       ctx(), probe);
    EXPECT_EQ(x[0].fstype, "fuse.sshfs");
    EXPECT_EQ(x[0].flags, static_cast<unsigned long>(MS_RDONLY));
    EXPECT_EQ(x[0].data, "allow_other");
}

TEST(RootfsPlan, SysfsAndMqueueFallBackToBinds) {
    FakeProbe probe;
    Plan s = planMount(0, makeMount("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
                       ctx(), probe);
    EXPECT_EQ(s[0].fallbackBindSource, "/sys");
    EXPECT_EQ(s[0].flags, static_cast<unsigned long>(MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY));
    Plan q = planMount(0, makeMount("/dev/mqueue", "mqueue", "mqueue", {}), ctx(), probe);
    EXPECT_EQ(q[0].fallbackBindSource, "/dev/mqueue");
}

TEST(RootfsPlan, RecursiveReadOnlyUsesMountSetattr) {
    FakeProbe probe;
    probe.kinds["/srv"] = FileKind::Directory;
    Plan p =
        planMount(0, makeMount("/srv", "bind", "/srv", {"rbind", "rro", "rprivate"}), ctx(), probe);
    ASSERT_EQ(p.size(), 3u);
    EXPECT_EQ(p[1].kind, StepKind::SetAttr);
    EXPECT_TRUE(p[1].recursive);
    EXPECT_EQ(p[1].attrSet, static_cast<uint64_t>(MOUNT_ATTR_RDONLY));
    EXPECT_EQ(p[2].kind, StepKind::Propagation);
    EXPECT_EQ(p[2].flags, static_cast<unsigned long>(MS_PRIVATE | MS_REC));
}

TEST(RootfsPlan, ProcDestinationsAreChecked) {
    FakeProbe probe;
    probe.kinds["/var/lib/lxcfs/proc/cpuinfo"] = FileKind::Other;
    probe.kinds["/tmp/x"] = FileKind::Other;
    probe.kinds["/tmp/d"] = FileKind::Directory;
    EXPECT_EQ(errorOf(makeMount("/proc", "proc", "proc", {}), probe), "");
    EXPECT_EQ(
        errorOf(makeMount("/proc/cpuinfo", "bind", "/var/lib/lxcfs/proc/cpuinfo", {"bind"}), probe),
        "");
    std::string e1 =
        errorOf(makeMount("/proc/sys/kernel/core_pattern", "bind", "/tmp/x", {"bind"}), probe);
    EXPECT_NE(e1.find("under /proc is not allowed"), std::string::npos) << e1;
    std::string e2 = errorOf(makeMount("/proc", "bind", "/tmp/d", {"rbind"}), probe);
    EXPECT_NE(e2.find("/proc can only be a proc mount"), std::string::npos) << e2;
    // Binding a procfs path (e.g. the host's /proc/sys subtree) is allowed.
    probe.kinds["/proc/sys"] = FileKind::Directory;
    probe.fsTypes["/proc/sys"] = PROC_SUPER_MAGIC;
    EXPECT_EQ(errorOf(makeMount("/proc/sys", "bind", "/proc/sys", {"rbind"}), probe), "");
    // Lexical tricks are cleaned first.
    EXPECT_NE(errorOf(makeMount("/x/../proc/kcore", "bind", "/tmp/x", {"bind"}), probe), "");
}

TEST(RootfsPlan, CgroupV1BindsTheContainersHierarchies) {
    FakeProbe probe;
    probe.v1 = {
        {"/sys/fs/cgroup/cpu,cpuacct",
         "cpu,cpuacct",
         "/sys/fs/cgroup/cpu,cpuacct/c1",
         {"cpu", "cpuacct"}},
        {"/sys/fs/cgroup/systemd", "name=systemd", "/sys/fs/cgroup/systemd/c1", {"name=systemd"}}};
    probe.flags["/sys/fs/cgroup/cpu,cpuacct/c1"] = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RELATIME;
    Plan p = planMount(4,
                       makeMount("/sys/fs/cgroup", "cgroup", "cgroup",
                                 {"nosuid", "noexec", "nodev", "relatime", "ro"}),
                       ctx(), probe);
    ASSERT_EQ(p.size(), 6u);
    EXPECT_EQ(p[0].fstype, "tmpfs");
    EXPECT_EQ(p[0].target, "/sys/fs/cgroup");
    EXPECT_EQ(p[0].flags & MS_RDONLY, 0u);  // filled first, made read-only at the end
    EXPECT_EQ(p[1].kind, StepKind::Mount);
    EXPECT_EQ(p[1].source, "/sys/fs/cgroup/cpu,cpuacct/c1");
    EXPECT_EQ(p[1].target, "/sys/fs/cgroup/cpu,cpuacct");
    EXPECT_EQ(p[1].flags, static_cast<unsigned long>(MS_BIND | MS_REC));
    EXPECT_EQ(p[2].kind, StepKind::Symlink);
    EXPECT_EQ(p[2].target, "/sys/fs/cgroup/cpu");
    EXPECT_EQ(p[2].linkTarget, "cpu,cpuacct");
    EXPECT_EQ(p[3].target, "/sys/fs/cgroup/cpuacct");
    EXPECT_EQ(p[4].source, "/sys/fs/cgroup/systemd/c1");
    EXPECT_EQ(p[4].target, "/sys/fs/cgroup/systemd");
    // No remount per hierarchy: one recursive mount_setattr makes the tmpfs and every bind on
    // it read-only, nosuid, nodev, noexec.
    EXPECT_EQ(p.back().kind, StepKind::SetAttr);
    EXPECT_EQ(p.back().target, "/sys/fs/cgroup");
    EXPECT_TRUE(p.back().recursive);
    EXPECT_EQ(p.back().attrSet, static_cast<uint64_t>(MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
                                                      MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC));
    for (auto& s : p) EXPECT_EQ(s.what, "mounts[4] /sys/fs/cgroup");
}

TEST(RootfsPlan, CgroupV1ReadWriteKeepsNosuidNodevNoexec) {
    FakeProbe probe;
    probe.v1 = {{"/sys/fs/cgroup/memory", "memory", "/sys/fs/cgroup/memory/c1", {"memory"}}};
    Plan p = planMount(0, makeMount("/sys/fs/cgroup", "cgroup", "cgroup", {"rw"}), ctx(), probe);
    ASSERT_EQ(p.size(), 3u);
    EXPECT_EQ(p[2].kind, StepKind::SetAttr);
    EXPECT_EQ(p[2].attrSet, static_cast<uint64_t>(MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                                                  MOUNT_ATTR_NOEXEC));
}

TEST(RootfsPlan, CgroupV1WithCgroupNamespaceMountsFresh) {
    FakeProbe probe;
    probe.v1 = {{"/sys/fs/cgroup/memory", "memory", "/sys/fs/cgroup/memory/c1", {"memory"}}};
    PlanContext c = ctx();
    c.newCgroupNamespace = true;
    Plan p = planMount(0, makeMount("/sys/fs/cgroup", "cgroup", "cgroup", {"ro"}), c, probe);
    ASSERT_EQ(p.size(), 3u);
    EXPECT_EQ(p[1].fstype, "cgroup");
    EXPECT_EQ(p[1].data, "memory");
    EXPECT_TRUE(p[1].flags & MS_RDONLY);
    EXPECT_EQ(p[1].target, "/sys/fs/cgroup/memory");
}

TEST(RootfsPlan, CgroupV2MountsCgroup2) {
    FakeProbe probe;
    probe.unified = true;
    probe.v2Path = "/system.slice/c1";
    Plan p = planMount(0, makeMount("/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "ro"}), ctx(),
                       probe);
    ASSERT_EQ(p.size(), 1u);
    EXPECT_EQ(p[0].fstype, "cgroup2");
    EXPECT_EQ(p[0].flags, static_cast<unsigned long>(MS_NOSUID | MS_RDONLY));
    EXPECT_EQ(p[0].fallbackBindSource, "/sys/fs/cgroup/system.slice/c1");
}

TEST(RootfsPlan, MountsKeepConfigOrder) {
    FakeProbe probe;
    oci::Spec spec;
    spec.mounts = {makeMount("/proc", "proc", "proc", {}), makeMount("/dev", "tmpfs", "tmpfs", {}),
                   makeMount("/dev/pts", "devpts", "devpts", {})};
    Plan p = planMounts(spec, ctx(), probe);
    ASSERT_EQ(p.size(), 3u);
    EXPECT_EQ(p[0].target, "/proc");
    EXPECT_EQ(p[1].target, "/dev");
    EXPECT_EQ(p[2].target, "/dev/pts");
    EXPECT_EQ(p[2].what, "mounts[2] /dev/pts");
}

TEST(RootfsPlan, IdmappedBinds) {
    FakeProbe probe;
    probe.kinds["/vol"] = FileKind::Directory;
    oci::Mount m = makeMount("/v", "bind", "/vol", {"rbind", "ridmap", "ro"});
    m.uidMappings = {{0, 100000, 65536}};
    m.gidMappings = {{0, 200000, 1000}};
    Plan p = planMount(0, m, ctx(), probe);
    ASSERT_EQ(p.size(), 2u);
    EXPECT_EQ(p[0].uidMappings.size(), 1u);
    EXPECT_EQ(p[0].uidMappings[0].hostID, 100000u);
    EXPECT_EQ(p[0].gidMappings[0].size, 1000u);
    EXPECT_TRUE(p[0].idmapRecursive);
    EXPECT_EQ(p[0].flags, static_cast<unsigned long>(MS_BIND | MS_REC));
    EXPECT_EQ(p[1].kind, StepKind::Remount);  // ro still applies on top

    // A bare "idmap" takes the container's user namespace mappings.
    PlanContext c = ctx();
    c.containerUidMappings = {{0, 3000, 10}};
    c.containerGidMappings = {{0, 4000, 10}};
    Plan q = planMount(0, makeMount("/v", "bind", "/vol", {"bind", "idmap"}), c, probe);
    EXPECT_EQ(q[0].uidMappings[0].hostID, 3000u);
    EXPECT_EQ(q[0].gidMappings[0].hostID, 4000u);
    EXPECT_FALSE(q[0].idmapRecursive);

    oci::Mount half = makeMount("/v", "bind", "/vol", {"bind"});
    half.uidMappings = {{0, 1, 1}};
    EXPECT_NE(errorOf(half, probe).find("both uidMappings and gidMappings"), std::string::npos);
    oci::Mount notBind = makeMount("/v", "tmpfs", "tmpfs", {"idmap"});
    notBind.uidMappings = notBind.gidMappings = {{0, 1, 1}};
    EXPECT_NE(errorOf(notBind, probe).find("must be bind mounts"), std::string::npos);
    PlanContext userns = ctx();
    userns.inNewUserNamespace = true;
    try {
        planMount(0, m, userns, probe);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.errnum(), EOPNOTSUPP);
    }
}
