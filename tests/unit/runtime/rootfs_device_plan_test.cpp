#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <map>

#include "common/error.hpp"
#include "runtime/linux/rootfs/mount_plan.hpp"
#include "support/spec_builders.hpp"

using namespace berth;
using namespace berth::runtime::rootfs;
using berth::test::makeMount;

namespace {

PlanContext ctx() {
    PlanContext c;
    c.rootfsPath = "/b/rootfs";
    c.bundlePath = "/b";
    return c;
}

}  // namespace

TEST(RootfsDevices, DefaultDevicesWithNumbersAndModes) {
    oci::Spec spec;
    Plan p = planDevices(spec, ctx());
    std::map<std::string, Step> nodes;
    for (auto& s : p)
        if (s.kind == StepKind::Mknod) nodes[s.target] = s;
    ASSERT_EQ(nodes.size(), 6u);
    struct Want {
        const char* path;
        unsigned major, minor;
    };
    for (auto w : {Want{"/dev/null", 1, 3}, Want{"/dev/zero", 1, 5}, Want{"/dev/full", 1, 7},
                   Want{"/dev/random", 1, 8}, Want{"/dev/urandom", 1, 9}, Want{"/dev/tty", 5, 0}}) {
        ASSERT_TRUE(nodes.count(w.path)) << w.path;
        EXPECT_EQ(nodes[w.path].mode, static_cast<mode_t>(S_IFCHR | 0666)) << w.path;
        EXPECT_EQ(major(nodes[w.path].device), w.major) << w.path;
        EXPECT_EQ(minor(nodes[w.path].device), w.minor) << w.path;
    }
    std::map<std::string, std::string> links;
    for (auto& s : p)
        if (s.kind == StepKind::Symlink) links[s.target] = s.linkTarget;
    EXPECT_EQ(links["/dev/ptmx"], "pts/ptmx");
    EXPECT_EQ(links["/dev/fd"], "/proc/self/fd");
    EXPECT_EQ(links["/dev/stdin"], "/proc/self/fd/0");
    EXPECT_EQ(links["/dev/stdout"], "/proc/self/fd/1");
    EXPECT_EQ(links["/dev/stderr"], "/proc/self/fd/2");
}

TEST(RootfsDevices, ConfiguredDevicesOverrideAndAdd) {
    oci::Spec spec;
    spec.linux.emplace();
    spec.linux->devices = {{"c", "/dev/null", 1, 3, 0600, 5, 6},
                           {"b", "/dev/loop9", 7, 9, std::nullopt, std::nullopt, std::nullopt},
                           {"p", "/dev/myfifo", 0, 0, 0640, std::nullopt, std::nullopt}};
    Plan p = planDevices(spec, ctx());
    int nulls = 0;
    for (auto& s : p) {
        if (s.target == "/dev/null") {
            ++nulls;
            EXPECT_EQ(s.mode, static_cast<mode_t>(S_IFCHR | 0600));
            EXPECT_EQ(s.uid, 5u);
            EXPECT_EQ(s.gid, 6u);
        }
        if (s.target == "/dev/loop9") {
            EXPECT_EQ(s.mode, static_cast<mode_t>(S_IFBLK | 0666));
            EXPECT_EQ(s.device, makedev(7, 9));
            EXPECT_EQ(s.what, "linux.devices[1] /dev/loop9");
        }
        if (s.target == "/dev/myfifo") {
            EXPECT_EQ(s.mode, static_cast<mode_t>(S_IFIFO | 0640));
        }
    }
    EXPECT_EQ(nulls, 1);
}

TEST(RootfsDevices, UserNamespaceBindsHostNodes) {
    oci::Spec spec;
    PlanContext c = ctx();
    c.inNewUserNamespace = true;
    c.consolePath = "/dev/pts/7";
    Plan p = planDevices(spec, c);
    int binds = 0;
    for (auto& s : p) {
        EXPECT_NE(s.kind, StepKind::Mknod);
        if (s.kind == StepKind::Mount) {
            ++binds;
            EXPECT_EQ(s.flags, static_cast<unsigned long>(MS_BIND));
            EXPECT_EQ(s.create, CreateTarget::File);
            EXPECT_TRUE(s.sourceIsHostPath);
        }
        if (s.target == "/dev/console") {
            EXPECT_EQ(s.source, "/dev/pts/7");
        }
    }
    EXPECT_EQ(binds, 7);  // six default devices and the console
}

TEST(RootfsDevices, BadDeviceTypeIsNamed) {
    oci::Spec spec;
    spec.linux.emplace();
    spec.linux->devices = {{"x", "/dev/weird", 1, 1, std::nullopt, std::nullopt, std::nullopt}};
    try {
        planDevices(spec, ctx());
        FAIL();
    } catch (const Error& e) {
        std::string w = e.what();
        EXPECT_NE(w.find("linux.devices[0] /dev/weird"), std::string::npos) << w;
        EXPECT_NE(w.find("\"x\""), std::string::npos) << w;
    }
    spec.linux->devices = {{"c", "dev/rel", 1, 1, std::nullopt, std::nullopt, std::nullopt}};
    EXPECT_THROW(planDevices(spec, ctx()), Error);
}

TEST(RootfsDevices, DevSetupSkippedWhenDevIsBound) {
    oci::Spec spec;
    EXPECT_TRUE(needsDevSetup(spec));
    spec.mounts = {makeMount("/dev", "tmpfs", "tmpfs", {"mode=755"})};
    EXPECT_TRUE(needsDevSetup(spec));
    spec.mounts = {makeMount("/dev/", "none", "/dev", {"rbind"})};
    EXPECT_FALSE(needsDevSetup(spec));
}
