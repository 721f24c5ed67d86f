// /proc/<pid>/cgroup, and where a membership's cgroup is on the host through a mount.
#include "common/proc_cgroup.hpp"

#include <gtest/gtest.h>

using namespace berth;

namespace {

MountInfoEntry cgroupMount(std::string fstype, std::string root, std::string point,
                           std::string superOptions) {
    MountInfoEntry m;
    m.fstype = std::move(fstype);
    m.root = std::move(root);
    m.mountPoint = std::move(point);
    m.superOptions = std::move(superOptions);
    return m;
}

CgroupMembership member(std::vector<std::string> controllers, std::string path) {
    return CgroupMembership{1, std::move(controllers), std::move(path)};
}

}  // namespace

TEST(ProcCgroup, ParsesLines) {
    auto g = parseProcCgroup(
        "12:memory:/sub/box\n"
        "4:cpu,cpuacct:/user.slice\n"
        "1:name=systemd:/user.slice/session-1.scope\n"
        "bogus\n"
        "0::/odd:name\n");
    ASSERT_EQ(g.size(), 4u);
    EXPECT_EQ(g[0].hierarchyId, 12);
    EXPECT_EQ(g[1].hierarchyId, 4);
    EXPECT_EQ(g[1].controllers, (std::vector<std::string>{"cpu", "cpuacct"}));
    EXPECT_EQ(g[1].path, "/user.slice");
    EXPECT_EQ(g[2].controllers, std::vector<std::string>{"name=systemd"});
    EXPECT_TRUE(g[3].controllers.empty());
    EXPECT_EQ(g[3].path, "/odd:name");  // the path keeps its own ':'
}

TEST(ProcCgroup, MatchesTheMountOfAHierarchy) {
    auto v2 = cgroupMount("cgroup2", "/", "/sys/fs/cgroup/unified", "rw,nsdelegate");
    auto cpu = cgroupMount("cgroup", "/", "/sys/fs/cgroup/cpu,cpuacct", "rw,cpu,cpuacct");
    auto systemd = cgroupMount("cgroup", "/", "/sys/fs/cgroup/systemd", "rw,xattr,name=systemd");
    EXPECT_TRUE(mountsHierarchyOf(v2, member({}, "/x")));
    EXPECT_FALSE(mountsHierarchyOf(cpu, member({}, "/x")));
    EXPECT_TRUE(mountsHierarchyOf(cpu, member({"cpu", "cpuacct"}, "/x")));
    EXPECT_TRUE(mountsHierarchyOf(cpu, member({"cpu"}, "/x")));
    EXPECT_FALSE(mountsHierarchyOf(cpu, member({"cpu", "memory"}, "/x")));
    EXPECT_FALSE(mountsHierarchyOf(v2, member({"cpu"}, "/x")));
    EXPECT_TRUE(mountsHierarchyOf(systemd, member({"name=systemd"}, "/x")));
    auto tmpfs = cgroupMount("tmpfs", "/", "/sys/fs/cgroup", "cpu");
    EXPECT_FALSE(mountsHierarchyOf(tmpfs, member({"cpu"}, "/x")));
}

TEST(ProcCgroup, DirectoryThroughAMountOfASubtree) {
    auto whole = cgroupMount("cgroup", "/", "/sys/fs/cgroup/memory", "rw,memory");
    EXPECT_EQ(cgroupDirThrough(whole, member({"memory"}, "/berth/c1")),
              "/sys/fs/cgroup/memory/berth/c1");
    EXPECT_EQ(cgroupDirThrough(whole, member({"memory"}, "/")), "/sys/fs/cgroup/memory");
    // The mount shows the hierarchy from /sub: the path is relative to that.
    auto sub = cgroupMount("cgroup", "/sub", "/sys/fs/cgroup/memory", "rw,memory");
    EXPECT_EQ(cgroupDirThrough(sub, member({"memory"}, "/sub/box")), "/sys/fs/cgroup/memory/box");
    EXPECT_EQ(cgroupDirThrough(sub, member({"memory"}, "/sub")), "/sys/fs/cgroup/memory");
    // A name that only starts like the root is not below it.
    EXPECT_EQ(cgroupDirThrough(sub, member({"memory"}, "/subway/x")),
              "/sys/fs/cgroup/memory/subway/x");
}
