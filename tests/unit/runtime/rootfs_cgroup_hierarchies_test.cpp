// The cgroup v1 hierarchies the container's cgroup mount shows.
#include <gtest/gtest.h>

#include "runtime/linux/rootfs/cgroup_hierarchies.hpp"

using namespace berth;
using namespace berth::runtime::rootfs;

namespace {
// A hybrid host's cgroup mounts; the cpu hierarchy is mounted a second time elsewhere.
const char* kMountInfo =
    "26 25 0:24 / /sys/fs/cgroup ro,nosuid - tmpfs tmpfs ro,mode=755\n"
    "27 26 0:25 / /sys/fs/cgroup/unified rw,nosuid - cgroup2 cgroup2 rw\n"
    "28 26 0:26 / /sys/fs/cgroup/systemd rw,nosuid - cgroup cgroup rw,xattr,name=systemd\n"
    "29 26 0:27 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid - cgroup cgroup rw,cpu,cpuacct\n"
    "30 26 0:28 /sub /sys/fs/cgroup/memory rw,nosuid - cgroup cgroup rw,memory\n"
    "31 22 0:27 / /mnt/cpu-again rw - cgroup cgroup rw,cpu,cpuacct\n";

const char* kProcCgroup =
    "12:memory:/sub/box\n"
    "4:cpu,cpuacct:/user.slice\n"
    "1:name=systemd:/user.slice/session-1.scope\n"
    "0::/user.slice/session-1.scope\n";
}  // namespace

TEST(RootfsCgroupHierarchies, JoinsMountsAndMemberships) {
    auto h = cgroupV1Hierarchies(parseMountInfo(kMountInfo), parseProcCgroup(kProcCgroup));
    ASSERT_EQ(h.size(), 3u);  // the v2 line and the cgroup2 mount are not v1 hierarchies
    // In mount order (runc's; a container's /proc/mounts then lists them as Docker's do).
    EXPECT_EQ(h[0].subsystems, "name=systemd");
    EXPECT_EQ(h[0].processDir, "/sys/fs/cgroup/systemd/user.slice/session-1.scope");
    EXPECT_EQ(h[1].hostMountPoint, "/sys/fs/cgroup/cpu,cpuacct");  // its first mount
    EXPECT_EQ(h[1].subsystems, "cpu,cpuacct");
    EXPECT_EQ(h[1].processDir, "/sys/fs/cgroup/cpu,cpuacct/user.slice");
    EXPECT_EQ(h[2].hostMountPoint, "/sys/fs/cgroup/memory");
    // The memory mount shows the hierarchy from /sub: the process dir is relative to it.
    EXPECT_EQ(h[2].processDir, "/sys/fs/cgroup/memory/box");
}
