// The mount table parser every module reads /proc/self/mountinfo through.
#include "common/mountinfo.hpp"

#include <gtest/gtest.h>

using namespace berth;

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
}  // namespace

TEST(MountInfo, ParsesFieldsAndEscapes) {
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
    EXPECT_EQ(m[6].root, "/sub");
    EXPECT_EQ(m[7].mountPoint, "/tmp/with space");
    EXPECT_FALSE(m[7].isShared());  // master:3 is a slave, not shared
    EXPECT_EQ(m[7].optionalFields, "master:3");
    EXPECT_EQ(m[8].optionalFields, "");
}

TEST(MountInfo, SkipsMalformedLines) {
    auto m = parseMountInfo("garbage\n\n1 0 0:1 / /x rw\n41 22 0:51 / /data rw - ext4 /dev/sdb rw");
    ASSERT_EQ(m.size(), 1u);  // a last line without '\n' counts
    EXPECT_EQ(m[0].mountPoint, "/data");
}

TEST(MountInfo, UnescapesOctalOnly) {
    EXPECT_EQ(unescapeMountInfoField("/mnt/a\\040b"), "/mnt/a b");
    EXPECT_EQ(unescapeMountInfoField("a\\011b\\012c\\134d"), "a\tb\nc\\d");
    EXPECT_EQ(unescapeMountInfoField("/plain"), "/plain");
    EXPECT_EQ(unescapeMountInfoField("not\\089octal"), "not\\089octal");
    EXPECT_EQ(unescapeMountInfoField("cut\\04"), "cut\\04");  // too short to be an escape
}

TEST(MountInfo, FindsHoldingMount) {
    auto m = parseMountInfo(kMountInfo);
    EXPECT_EQ(findMountHolding(m, "/data/x/y")->id, 41);
    EXPECT_EQ(findMountHolding(m, "/data")->id, 41);
    EXPECT_EQ(findMountHolding(m, "/database")->id, 22);  // prefix of a name is not a parent
    EXPECT_EQ(findMountHolding(m, "/sys/fs/cgroup/cpu")->id, 26);
    EXPECT_EQ(findMountHolding(m, "/tmp/with space/z")->id, 40);
    EXPECT_EQ(findMountHolding({}, "/x"), nullptr);
}
