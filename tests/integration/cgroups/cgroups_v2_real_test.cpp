// Real kernel, cgroup v2: this hybrid host's cgroup2 mount (/sys/fs/cgroup/unified) has only
// hugetlb, but placement, clone3(CLONE_INTO_CGROUP), freeze, kill, the eBPF device filter and
// hugetlb limits are all real there.
#include <gtest/gtest.h>
#include <linux/sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroups_test_util.hpp"
#include "runtime/cgroups/device_rules.hpp"
#include "runtime/cgroups/v2/cgroup_v2_manager.hpp"
#include "support/spec_builders.hpp"
#include "support/test_support.hpp"

using namespace berth;
using namespace berth::runtime::cgroups;
using namespace berth::test;

namespace {

std::string unifiedMount() {
    if (realCgroupFs().isCgroup2("/sys/fs/cgroup")) return "/sys/fs/cgroup";
    if (realCgroupFs().isCgroup2("/sys/fs/cgroup/unified")) return "/sys/fs/cgroup/unified";
    return "";
}

#define REQUIRE_CGROUP2()                                                    \
    do {                                                                     \
        BERTH_REQUIRE_ROOT();                                                \
        if (unifiedMount().empty()) GTEST_SKIP() << "no cgroup2 mount here"; \
    } while (0)

CgroupGuard makeV2(const std::string& what) {
    std::string mp = unifiedMount();
    CgroupGuard g(
        std::make_unique<CgroupV2Manager>(realCgroupFs(), mp, mp + uniqueCgroupPath(what)));
    g->create();
    return g;
}

std::string dirOf(CgroupGuard& g) {
    return g->toJson()["dir"];
}

}  // namespace

TEST(CgroupsV2Real, CloneIntoCgroupPlacesTheChildAtBirth) {
    REQUIRE_CGROUP2();
    auto g = makeV2("clone3");
    UniqueFd dir = g->cloneIntoFd();
    ASSERT_TRUE(dir.valid());
    clone_args args{};
    args.flags = CLONE_INTO_CGROUP;
    args.exit_signal = SIGCHLD;
    args.cgroup = uint64_t(dir.get());
    long pid = ::syscall(SYS_clone3, &args, sizeof args);
    ASSERT_GE(pid, 0) << strerror(errno);
    if (pid == 0) {
        ::pause();
        _exit(0);
    }
    Children kids;
    kids.adopt(pid_t(pid));
    std::string mp = unifiedMount();
    EXPECT_EQ(procCgroup(pid_t(pid), ""), dirOf(g).substr(mp.size()));
    EXPECT_EQ(g->pids(), std::vector<pid_t>{pid_t(pid)});
}

TEST(CgroupsV2Real, FreezeStopsAndThawContinues) {
    REQUIRE_CGROUP2();
    auto g = makeV2("freeze");
    Children kids;
    kids.startIn(*g.m, "while :; do :; done");
    auto usage = [&] { return parseFlatKeyed(readFile(dirOf(g) + "/cpu.stat"))["usage_usec"]; };
    sleepMs(100);
    g->freeze();
    EXPECT_EQ(g->freezerState(), FreezerState::Frozen);
    EXPECT_NE(readFile(dirOf(g) + "/cgroup.events").find("frozen 1"), std::string::npos);
    uint64_t a = usage();
    sleepMs(300);
    EXPECT_LT(usage() - a, 5000u) << "a frozen task used cpu";
    g->thaw();
    EXPECT_EQ(g->freezerState(), FreezerState::Thawed);
    uint64_t b = usage();
    sleepMs(300);
    EXPECT_GT(usage() - b, 50000u) << "the thawed task did not run";
}

TEST(CgroupsV2Real, KillAllUsesCgroupKill) {
    REQUIRE_CGROUP2();
    auto g = makeV2("kill");
    Children kids;
    pid_t a = kids.startIn(*g.m, "sleep 30 & sleep 30 & wait");
    pid_t b = kids.startIn(*g.m, "sleep 30");
    sleepMs(200);
    EXPECT_GE(g->pids().size(), 4u);
    g->killAll(SIGKILL);
    EXPECT_NE(kids.wait(a, 3000), -1);
    EXPECT_NE(kids.wait(b, 3000), -1);
    for (int i = 0; i < 100 && !g->pids().empty(); ++i) sleepMs(10);
    EXPECT_TRUE(g->pids().empty());
    g->destroy();
    EXPECT_FALSE(pathExists(dirOf(g)));
}

TEST(CgroupsV2Real, SignalOtherThanKillReachesEveryProcess) {
    REQUIRE_CGROUP2();
    auto g = makeV2("term");
    Children kids;
    pid_t a = kids.startIn(*g.m, "sleep 30");
    pid_t b = kids.startIn(*g.m, "sleep 30");
    g->killAll(SIGTERM);
    int sa = kids.wait(a, 3000), sb = kids.wait(b, 3000);
    EXPECT_TRUE(WIFSIGNALED(sa) && WTERMSIG(sa) == SIGTERM) << sa;
    EXPECT_TRUE(WIFSIGNALED(sb) && WTERMSIG(sb) == SIGTERM) << sb;
    EXPECT_EQ(g->freezerState(), FreezerState::Thawed);
}

TEST(CgroupsV2Real, HugetlbLimitsAreSet) {
    REQUIRE_CGROUP2();
    auto g = makeV2("hugetlb");
    auto* v2 = dynamic_cast<CgroupV2Manager*>(g.m.get());
    if (!v2->availableControllers().count("hugetlb")) GTEST_SKIP() << "no hugetlb in cgroup2";
    // 1GB pages only where the CPU and kernel offer them (some VMs boot with 2MB pages only).
    bool has1GB = ::access("/sys/kernel/mm/hugepages/hugepages-1048576kB", F_OK) == 0;
    std::string oneGB = has1GB ? R"(, {"pageSize": "1GB", "limit": 0})" : "";
    g->apply(resourcesFrom(R"({"hugepageLimits": [{"pageSize": "2MB", "limit": 6291456})" + oneGB +
                           R"(], "unified": {"hugetlb.2MB.rsvd.max": "4194304"}})"));
    EXPECT_EQ(readTrim(dirOf(g) + "/hugetlb.2MB.max"), "6291456");
    if (has1GB) {
        EXPECT_EQ(readTrim(dirOf(g) + "/hugetlb.1GB.max"), "0");
        EXPECT_EQ(readTrim(dirOf(g) + "/hugetlb.1GB.rsvd.max"), "0");
    }
    EXPECT_EQ(readTrim(dirOf(g) + "/hugetlb.2MB.rsvd.max"), "4194304");  // unified wrote last
    auto s = g->stats();
    ASSERT_TRUE(s.hugetlb.count("2MB"));
    EXPECT_EQ(s.hugetlb["2MB"].max, 6291456u);
    // Update a live limit.
    g->apply(resourcesFrom(R"({"hugepageLimits": [{"pageSize": "2MB", "limit": 2097152}]})"), true);
    EXPECT_EQ(readTrim(dirOf(g) + "/hugetlb.2MB.max"), "2097152");
    // A controller this hierarchy doesn't have: a clear error, nothing written.
    try {
        g->apply(resourcesFrom(R"({"unified": {"memory.high": "1000000"}})"));
        ADD_FAILURE() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("controller \"memory\" is not available"),
                  std::string::npos)
            << e.what();
    }
}

TEST(CgroupsV2Real, EbpfDeviceFilterDeniesAndUpdateReplacesIt) {
    REQUIRE_CGROUP2();
    auto g = makeV2("bpfdev");
    // Deny everything but /dev/null and reading /dev/zero: /dev/full (1:7) is refused.
    auto r = resourcesFrom(R"({"devices": [{"allow": false, "access": "rwm"},
        {"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rwm"},
        {"allow": true, "type": "c", "major": 1, "minor": 5, "access": "r"}]})");
    g->apply(r);
    Children kids;
    pid_t ok = kids.startIn(*g.m, "head -c1 /dev/zero >/dev/null");
    pid_t denied = kids.startIn(*g.m, "head -c1 /dev/full >/dev/null 2>&1");
    pid_t noWrite = kids.startIn(*g.m, "echo x >/dev/zero 2>/dev/null");
    int s1 = kids.wait(ok, 5000), s2 = kids.wait(denied, 5000), s3 = kids.wait(noWrite, 5000);
    EXPECT_TRUE(WIFEXITED(s1) && WEXITSTATUS(s1) == 0) << s1;
    EXPECT_TRUE(WIFEXITED(s2) && WEXITSTATUS(s2) != 0) << s2;
    EXPECT_TRUE(WIFEXITED(s3) && WEXITSTATUS(s3) != 0) << s3;

    // Update replaces the program (a second one would still deny): now allow /dev/full reads.
    r.devices.push_back(oci::DeviceRule{true, 'c', 1, 7, "r"});
    g->apply(r, true);
    pid_t now = kids.startIn(*g.m, "head -c1 /dev/full >/dev/null");
    int s4 = kids.wait(now, 5000);
    EXPECT_TRUE(WIFEXITED(s4) && WEXITSTATUS(s4) == 0) << s4;
}
