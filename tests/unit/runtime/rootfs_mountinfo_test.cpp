#include <gtest/gtest.h>

#include "runtime/linux/rootfs/mountinfo.hpp"

using namespace berth::runtime::rootfs;

namespace {
const char* kMountInfo =
    "22 1 0:21 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
    "25 22 0:23 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n"
    "26 25 0:24 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:8 - tmpfs tmpfs ro,mode=755\n"
    "27 26 0:25 / /sys/fs/cgroup/unified rw,nosuid shared:9 - cgroup2 cgroup2 rw\n"
    "28 26 0:26 / /sys/fs/cgroup/systemd rw,nosuid shared:10 - cgroup cgroup "
    "rw,xattr,name=systemd\n"
    "29 26 0:27 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:11 - cgroup cgroup "
    "rw,cpu,cpuacct\n"
    "30 26 0:28 /sub /sys/fs/cgroup/memory rw,nosuid shared:12 - cgroup cgroup rw,memory\n"
    "40 22 0:50 / /tmp/with\\040space rw master:3 - tmpfs tmpfs rw\n"
    "41 22 0:51 / /data rw - ext4 /dev/sdb rw\n";

const char* kProcCgroup =
    "12:memory:/sub/box\n"
    "4:cpu,cpuacct:/user.slice\n"
    "1:name=systemd:/user.slice/session-1.scope\n"
    "0::/user.slice/session-1.scope\n";
}  // namespace

TEST(RootfsMountInfo, ParsesFieldsAndEscapes) {
    auto m = parseMountInfo(kMountInfo);
    ASSERT_EQ(m.size(), 9u);
    EXPECT_EQ(m[0].id, 22);
    EXPECT_EQ(m[0].parentId, 1);
    EXPECT_EQ(m[0].mountPoint, "/");
    EXPECT_EQ(m[0].fstype, "ext4");
    EXPECT_EQ(m[0].source, "/dev/sda1");
    EXPECT_TRUE(m[0].isShared());
    EXPECT_EQ(m[2].options, "ro,nosuid,nodev,noexec");
    EXPECT_EQ(m[2].superOptions, "ro,mode=755");
    EXPECT_EQ(m[7].mountPoint, "/tmp/with space");
    EXPECT_FALSE(m[7].isShared());  // master:3 is a slave, not shared
    EXPECT_EQ(m[7].optionalFields, "master:3");
    EXPECT_EQ(m[8].optionalFields, "");
}

TEST(RootfsMountInfo, FindsHoldingMount) {
    auto m = parseMountInfo(kMountInfo);
    EXPECT_EQ(findMountHolding(m, "/data/x/y")->id, 41);
    EXPECT_EQ(findMountHolding(m, "/data")->id, 41);
    EXPECT_EQ(findMountHolding(m, "/database")->id, 22);  // prefix of a name is not a parent
    EXPECT_EQ(findMountHolding(m, "/sys/fs/cgroup/cpu")->id, 26);
    EXPECT_EQ(findMountHolding(m, "/tmp/with space/z")->id, 40);
}

TEST(RootfsMountInfo, ParsesProcCgroup) {
    auto g = parseProcCgroup(kProcCgroup);
    ASSERT_EQ(g.size(), 4u);
    EXPECT_EQ(g[1].hierarchyId, 4);
    EXPECT_EQ(g[1].controllers, (std::vector<std::string>{"cpu", "cpuacct"}));
    EXPECT_EQ(g[1].path, "/user.slice");
    EXPECT_TRUE(g[3].controllers.empty());
    EXPECT_EQ(g[3].path, "/user.slice/session-1.scope");
}

TEST(RootfsMountInfo, JoinsCgroupV1Hierarchies) {
    auto h = cgroupV1Hierarchies(parseMountInfo(kMountInfo), parseProcCgroup(kProcCgroup));
    ASSERT_EQ(h.size(), 3u);  // the v2 line and the cgroup2 mount are not v1 hierarchies
    // In mount order (runc's; a container's /proc/mounts then lists them as Docker's do).
    EXPECT_EQ(h[0].subsystems, "name=systemd");
    EXPECT_EQ(h[0].processDir, "/sys/fs/cgroup/systemd/user.slice/session-1.scope");
    EXPECT_EQ(h[1].hostMountPoint, "/sys/fs/cgroup/cpu,cpuacct");
    EXPECT_EQ(h[1].subsystems, "cpu,cpuacct");
    EXPECT_EQ(h[1].processDir, "/sys/fs/cgroup/cpu,cpuacct/user.slice");
    EXPECT_EQ(h[2].hostMountPoint, "/sys/fs/cgroup/memory");
    // The memory mount shows the hierarchy from /sub: the process dir is relative to it.
    EXPECT_EQ(h[2].processDir, "/sys/fs/cgroup/memory/box");
}
