// Issue 3: seccomp rules with argument conditions, and bad seccomp/device input, through the
// runtime binary against the real kernel.
#include <sys/stat.h>

#include "common/file_io.hpp"
#include "runtime_harness.hpp"

using namespace berth;
using namespace berth::test;
using nlohmann::json;

namespace {

void installProbe(const RuntimeBundle& b) {
    writeFile(b.rootfs() + "/probe", readFile(binPath("berth-syscall-probe")));
    ::chmod((b.rootfs() + "/probe").c_str(), 0755);
}

}  // namespace

TEST(RuntimeSeccompArgs, RuleWithArgumentConditionMatchesOnlyThoseCalls) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    installProbe(b);
    json c = shellConfig("/probe mkdir700 mkdir755 getpid");
    // mkdirat(dirfd, path, mode): EPERM only when mode == 0700.
    c["linux"]["seccomp"] = {
        {"defaultAction", "SCMP_ACT_ALLOW"},
        {"architectures", {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86"}},
        {"syscalls",
         {{{"names", {"mkdirat"}},
           {"action", "SCMP_ACT_ERRNO"},
           {"errnoRet", 1},
           {"args", {{{"index", 2}, {"value", 0700}, {"op", "SCMP_CMP_EQ"}}}}}}}};
    auto r = b.run(c);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.out, "mkdir700 EPERM\nmkdir755 ok\ngetpid ok\n");
    EXPECT_FALSE(pathExists(b.rootfs() + "/tmp/m700"));
    EXPECT_TRUE(pathExists(b.rootfs() + "/tmp/m755"));
}

TEST(RuntimeSeccompArgs, UnknownArchitectureIsAnErrorAndLeavesNothing) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    json c = shellConfig("true");
    c["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_ALLOW"},
                             {"architectures", {"SCMP_ARCH_NOPE"}}};
    b.write(c);
    auto r = b.rtDetached({"create", "--bundle", b.bundle(), b.id});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.err.find("SCMP_ARCH_NOPE"), std::string::npos) << r.err;
    EXPECT_FALSE(pathExists(b.root() + "/" + b.id));
}

TEST(RuntimeSeccompArgs, NonexistentThrottleDeviceIsAnErrorAndLeavesNoCgroup) {
    REQUIRE_BERTH_RUNTIME();
    if (!pathExists("/sys/fs/cgroup/blkio/blkio.throttle.read_bps_device") &&
        !pathExists("/sys/fs/cgroup/unified/io.max"))
        GTEST_SKIP() << "no blkio/io controller here";
    RuntimeBundle b;
    json c = shellConfig("true");
    c["linux"]["cgroupsPath"] = "/berth-test-baddev/" + b.id;
    // 259:250 is a block major with no such minor on this machine.
    c["linux"]["resources"] = {
        {"blockIO",
         {{"throttleReadBpsDevice", {{{"major", 259}, {"minor", 250}, {"rate", 1048576}}}}}}};
    b.write(c);
    auto r = b.rtDetached({"create", "--bundle", b.bundle(), b.id});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.err.find("259:250"), std::string::npos) << r.err;
    EXPECT_FALSE(pathExists("/sys/fs/cgroup/blkio/berth-test-baddev/" + b.id));
    EXPECT_FALSE(pathExists("/sys/fs/cgroup/memory/berth-test-baddev/" + b.id));
    EXPECT_FALSE(pathExists(b.root() + "/" + b.id));
    for (const char* ctl : {"blkio", "memory", "pids", "cpu,cpuacct", "devices", "freezer",
                            "cpuset", "net_cls,net_prio", "perf_event", "hugetlb", "unified"})
        ::rmdir((std::string("/sys/fs/cgroup/") + ctl + "/berth-test-baddev").c_str());
}
