#include <gtest/gtest.h>
#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include "common/error.hpp"
#include "runtime/linux/rootfs/mount_options.hpp"

using namespace berth::runtime::rootfs;

TEST(RootfsMountOptions, FlagsSetAndClearInOrder) {
    auto o = parseMountOptions({"nosuid", "nodev", "noexec", "ro"});
    EXPECT_EQ(o.flags, MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY);
    EXPECT_EQ(o.clearFlags, 0u);
    EXPECT_TRUE(o.data.empty());

    auto rw = parseMountOptions({"ro", "rw"});
    EXPECT_EQ(rw.flags & MS_RDONLY, 0u);
    EXPECT_EQ(rw.clearFlags, static_cast<unsigned long>(MS_RDONLY));

    auto back = parseMountOptions({"rw", "ro"});
    EXPECT_EQ(back.flags, static_cast<unsigned long>(MS_RDONLY));
    EXPECT_EQ(back.clearFlags & MS_RDONLY, 0u);

    auto cleared = parseMountOptions({"suid", "dev", "exec"});
    EXPECT_EQ(cleared.flags, 0u);
    EXPECT_EQ(cleared.clearFlags, static_cast<unsigned long>(MS_NOSUID | MS_NODEV | MS_NOEXEC));
}

TEST(RootfsMountOptions, BindAndRbind) {
    auto b = parseMountOptions({"bind", "ro"});
    EXPECT_TRUE(b.isBind());
    EXPECT_FALSE(b.isRecursive());
    EXPECT_EQ(b.bindRemountFlags(), static_cast<unsigned long>(MS_RDONLY));
    auto r = parseMountOptions({"rbind"});
    EXPECT_TRUE(r.isBind());
    EXPECT_TRUE(r.isRecursive());
    EXPECT_EQ(r.bindRemountFlags(), 0u);
    EXPECT_FALSE(parseMountOptions({"nosuid"}).isBind());
}

TEST(RootfsMountOptions, AtimeModesAreExclusive) {
    EXPECT_EQ(parseMountOptions({"noatime", "relatime"}).flags,
              static_cast<unsigned long>(MS_RELATIME));
    EXPECT_EQ(parseMountOptions({"relatime", "strictatime"}).flags,
              static_cast<unsigned long>(MS_STRICTATIME));
    // nodiratime is independent of the atime mode.
    EXPECT_EQ(parseMountOptions({"nodiratime", "noatime"}).flags,
              static_cast<unsigned long>(MS_NODIRATIME | MS_NOATIME));
    auto nr = parseMountOptions({"relatime", "norelatime"});
    EXPECT_EQ(nr.flags, 0u);
    EXPECT_EQ(nr.clearFlags, static_cast<unsigned long>(MS_RELATIME));
}

TEST(RootfsMountOptions, PropagationKeepsOrder) {
    auto o = parseMountOptions({"rbind", "rprivate", "shared", "slave", "runbindable"});
    ASSERT_EQ(o.propagation.size(), 4u);
    EXPECT_EQ(o.propagation[0], static_cast<unsigned long>(MS_PRIVATE | MS_REC));
    EXPECT_EQ(o.propagation[1], static_cast<unsigned long>(MS_SHARED));
    EXPECT_EQ(o.propagation[2], static_cast<unsigned long>(MS_SLAVE));
    EXPECT_EQ(o.propagation[3], static_cast<unsigned long>(MS_UNBINDABLE | MS_REC));
    // Propagation never leaks into the mount flags (mount(2) refuses them mixed).
    EXPECT_EQ(o.flags, static_cast<unsigned long>(MS_BIND | MS_REC));
}

TEST(RootfsMountOptions, RecursiveAttributes) {
    auto o = parseMountOptions({"rbind", "rro", "rnosuid", "rnoexec", "rdev"});
    EXPECT_EQ(o.recAttrSet, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
    EXPECT_EQ(o.recAttrClr, static_cast<uint64_t>(MOUNT_ATTR_NODEV));
    EXPECT_EQ(o.flags, static_cast<unsigned long>(MS_BIND | MS_REC));  // rro is not ro

    auto flip = parseMountOptions({"rro", "rrw"});
    EXPECT_EQ(flip.recAttrSet & MOUNT_ATTR_RDONLY, 0u);
    EXPECT_EQ(flip.recAttrClr & MOUNT_ATTR_RDONLY, static_cast<uint64_t>(MOUNT_ATTR_RDONLY));

    auto at = parseMountOptions({"rnoatime"});
    EXPECT_EQ(at.recAttrSet, static_cast<uint64_t>(MOUNT_ATTR_NOATIME));
    EXPECT_EQ(at.recAttrClr, static_cast<uint64_t>(MOUNT_ATTR__ATIME));
    auto at2 = parseMountOptions({"rnoatime", "rstrictatime"});
    EXPECT_EQ(at2.recAttrSet, static_cast<uint64_t>(MOUNT_ATTR_STRICTATIME));
}

TEST(RootfsMountOptions, UnknownOptionsBecomeData) {
    auto o = parseMountOptions({"nosuid", "size=65536k", "mode=755", "newinstance", "gid=5"});
    EXPECT_EQ(o.flags, static_cast<unsigned long>(MS_NOSUID));
    EXPECT_EQ(o.data, "size=65536k,mode=755,newinstance,gid=5");
    auto t = parseMountOptions({"tmpcopyup", "x=1"});
    EXPECT_EQ(t.data, "x=1");
    EXPECT_TRUE(parseMountOptions({"idmap"}).idmap);
    EXPECT_FALSE(parseMountOptions({"idmap"}).idmapRecursive);
    EXPECT_TRUE(parseMountOptions({"ridmap"}).idmapRecursive);
    EXPECT_TRUE(parseMountOptions({"ridmap"}).data.empty());
    EXPECT_THROW(parseMountOptions({"ro", ""}), berth::Error);
}

TEST(RootfsMountOptions, ParsePropagation) {
    EXPECT_EQ(parsePropagation(""), 0u);
    EXPECT_EQ(parsePropagation("private"), static_cast<unsigned long>(MS_PRIVATE));
    EXPECT_EQ(parsePropagation("rslave"), static_cast<unsigned long>(MS_SLAVE | MS_REC));
    EXPECT_EQ(parsePropagation("shared"), static_cast<unsigned long>(MS_SHARED));
    EXPECT_EQ(parsePropagation("unbindable"), static_cast<unsigned long>(MS_UNBINDABLE));
    try {
        parsePropagation("sideways");
        FAIL() << "no error";
    } catch (const berth::Error& e) {
        EXPECT_NE(std::string(e.what()).find("sideways"), std::string::npos) << e.what();
        EXPECT_EQ(e.errnum(), EINVAL);
    }
}

TEST(RootfsMountOptions, StatvfsFlagsAndLockedFlags) {
    unsigned long src = mountFlagsFromStatvfs(ST_NOSUID | ST_NODEV | ST_RDONLY | ST_RELATIME);
    EXPECT_EQ(src, static_cast<unsigned long>(MS_NOSUID | MS_NODEV | MS_RDONLY | MS_RELATIME));
    // Nothing asked: nosuid/nodev and the atime mode are kept, ro is not forced.
    EXPECT_EQ(lockedFlagsToKeep(src, parseMountOptions({"ro"})),
              static_cast<unsigned long>(MS_NOSUID | MS_NODEV | MS_RELATIME));
    // Explicitly cleared flags are not re-added; a chosen atime mode replaces the source's.
    EXPECT_EQ(lockedFlagsToKeep(src, parseMountOptions({"ro", "suid", "noatime"})),
              static_cast<unsigned long>(MS_NODEV));
}

// Every mount(8) flag name, each alone: the flag it sets or the flag it clears.
TEST(RootfsMountOptions, EveryFlagOption) {
    struct Case {
        const char* name;
        unsigned long set;
        unsigned long clear;
    };
    const Case cases[] = {
        {"acl", MS_POSIXACL, 0},
        {"noacl", 0, MS_POSIXACL},
        {"async", 0, MS_SYNCHRONOUS},
        {"sync", MS_SYNCHRONOUS, 0},
        {"atime", 0, MS_NOATIME},
        {"noatime", MS_NOATIME, 0},
        {"bind", MS_BIND, 0},
        {"rbind", MS_BIND | MS_REC, 0},
        {"defaults", 0, 0},
        {"dev", 0, MS_NODEV},
        {"nodev", MS_NODEV, 0},
        {"diratime", 0, MS_NODIRATIME},
        {"nodiratime", MS_NODIRATIME, 0},
        {"dirsync", MS_DIRSYNC, 0},
        {"exec", 0, MS_NOEXEC},
        {"noexec", MS_NOEXEC, 0},
        {"iversion", MS_I_VERSION, 0},
        {"noiversion", 0, MS_I_VERSION},
        {"lazytime", MS_LAZYTIME, 0},
        {"nolazytime", 0, MS_LAZYTIME},
        {"loud", 0, MS_SILENT},
        {"silent", MS_SILENT, 0},
        {"mand", MS_MANDLOCK, 0},
        {"nomand", 0, MS_MANDLOCK},
        {"relatime", MS_RELATIME, 0},
        {"norelatime", 0, MS_RELATIME},
        {"strictatime", MS_STRICTATIME, 0},
        {"nostrictatime", 0, MS_STRICTATIME},
        {"suid", 0, MS_NOSUID},
        {"nosuid", MS_NOSUID, 0},
        {"nosymfollow", MS_NOSYMFOLLOW, 0},
        {"remount", MS_REMOUNT, 0},
        {"ro", MS_RDONLY, 0},
        {"rw", 0, MS_RDONLY},
    };
    for (const auto& c : cases) {
        auto o = parseMountOptions({c.name});
        EXPECT_EQ(o.flags, c.set) << c.name;
        EXPECT_EQ(o.clearFlags, c.clear) << c.name;
        EXPECT_TRUE(o.data.empty()) << c.name;
        EXPECT_TRUE(o.propagation.empty()) << c.name;
    }
}
