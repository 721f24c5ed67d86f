// `run` flags, each observed from inside the container the same way in berth and in Docker (the
// peer runs runc with the cgroupfs driver): what the process sees of its env, user, caps,
// seccomp, limits, cgroup files, devices, mounts and network must be the same.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "harness/berth_env.hpp"
#include "harness/docker_peer.hpp"

using berth::test::asBerthText;
using berth::test::BerthEnv;
using berth::test::splitLines;

namespace {

struct FlagCase {
    std::vector<std::string> args;  // after `run --rm`
    bool sortLines = false;         // the kernel lists in insertion order (device rules)
};

std::string sortedLines(const std::string& s) {
    auto l = splitLines(s);
    std::sort(l.begin(), l.end());
    std::string out;
    for (auto& x : l) out += x + "\n";
    return out;
}

const char* kStatus = "grep -E '^(Cap|NoNewPrivs|Seccomp)' /proc/self/status";
// Without the masked paths and the /sys/fs/cgroup tmpfs: berth masks with nosuid,nodev,noexec
// tmpfs mounts and keeps the cgroup tmpfs read-only, and masks /proc/interrupts as newer Docker
// does (docs/engine-differences.md).
const char* kMounts =
    "ls /dev; cut -d' ' -f2- /proc/mounts | grep -v -E "
    "'^/ |^/proc/(acpi|interrupts|keys|timer_list|scsi|asound|kcore|latency_stats|sched_debug) "
    "|^/sys/(firmware|devices/virtual/powercap) |^/sys/fs/cgroup tmpfs'";

const std::vector<FlagCase> kCases = {
    {{"-e", "FOO=bar", "-e", "EMPTY=", "busybox", "sh", "-c", "echo \"$FOO|$EMPTY|$PATH|$HOME\""}},
    {{"-w", "/tmp", "-u", "1000:1000", "busybox", "sh", "-c", "pwd; id"}},
    {{"-u", "nobody", "busybox", "id"}},
    {{"--entrypoint", "echo", "busybox", "hi"}},
    {{"--hostname", "myhost", "busybox", "hostname"}},
    {{"--read-only", "busybox", "touch", "/x"}},
    {{"--read-only", "busybox", "sh", "-c", "touch /tmp/x /dev/shm/x && echo ok"}},
    {{"busybox", "sh", "-c", kStatus}},
    {{"--cap-add", "SYS_ADMIN", "--cap-drop", "CHOWN", "busybox", "sh", "-c", kStatus}},
    {{"--cap-drop", "ALL", "busybox", "sh", "-c", kStatus}},
    // --privileged: docker 20.10 fails on a host whose bounding set lacks a capability (this VM);
    // live_runtime_privileged_test covers berth's.
    {{"--security-opt", "no-new-privileges", "busybox", "sh", "-c", kStatus}},
    {{"--security-opt", "seccomp=unconfined", "busybox", "sh", "-c", kStatus}},
    {{"busybox", "cat", "/proc/self/limits"}},
    {{"--ulimit", "nofile=100:200", "busybox", "sh", "-c", "ulimit -n; ulimit -Hn"}},
    {{"--memory", "64m", "busybox", "cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}},
    {{"--memory", "64m", "--memory-swap", "128m", "busybox", "cat",
      "/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes"}},
    {{"--cpus", "0.5", "busybox", "cat", "/sys/fs/cgroup/cpu/cpu.cfs_quota_us",
      "/sys/fs/cgroup/cpu/cpu.cfs_period_us"}},
    {{"--cpu-shares", "512", "busybox", "cat", "/sys/fs/cgroup/cpu/cpu.shares"}},
    {{"--cpuset-cpus", "0", "busybox", "cat", "/sys/fs/cgroup/cpuset/cpuset.cpus"}},
    {{"--pids-limit", "33", "busybox", "cat", "/sys/fs/cgroup/pids/pids.max"}},
    {{"--shm-size", "10m", "busybox", "sh", "-c", "grep shm /proc/mounts"}},
    {{"--device", "/dev/fuse", "busybox", "ls", "-l", "/dev/fuse"}},
    {{"--device", "/dev/fuse:/dev/myfuse:r", "busybox", "sh", "-c",
      "ls -l /dev/myfuse; cat /sys/fs/cgroup/devices/devices.list"},
     true},
    {{"busybox", "cat", "/sys/fs/cgroup/devices/devices.list"}, true},
    {{"busybox", "sh", "-c", kMounts}},
    {{"--network", "none", "busybox", "cat", "/proc/net/dev"}},
    {{"--network", "host", "busybox", "sh", "-c", "wc -l < /proc/net/dev; hostname"}},
    {{"--init", "busybox", "sh", "-c", "[ \"$(cat /proc/1/comm)\" != sh ] && echo init is pid 1"}},
    {{"-t", "busybox", "sh", "-c", "tty; stty size"}},
    {{"busybox", "sh", "-c", "grep -v '^#' /etc/hosts /etc/resolv.conf"}},
    {{"--stop-signal", "SIGUSR1", "busybox", "sh", "-c", "exit 7"}},
};

TEST(RunFlagsVsDocker, TheContainerSeesWhatDockersSees) {
    BERTH_REQUIRE_ROOT();
    BERTH_REQUIRE_DOCKER_PEER(docker);
    BerthEnv env;
    // --env-file: the same file for both.
    std::string envFile = env.path("env.list");
    std::ofstream(envFile) << "A=1\n# a comment\nB=two words\n";
    auto cases = kCases;
    cases.push_back({{"--env-file", envFile, "busybox", "sh", "-c", "echo \"$A|$B\""}});
    for (const auto& c : cases) {
        std::vector<std::string> args = {"run", "--rm"};
        args.insert(args.end(), c.args.begin(), c.args.end());
        std::string shown;
        for (auto& a : c.args) shown += " " + a;
        auto theirs = docker->run(args);
        auto mine = env.run(args);
        EXPECT_EQ(mine.exitCode, theirs.exitCode) << shown << "\n" << mine.err;
        std::string want = asBerthText(theirs.out), got = mine.out;
        if (c.sortLines) want = sortedLines(want), got = sortedLines(got);
        EXPECT_EQ(got, want) << shown;
    }
    EXPECT_EQ(env.ok({"ps", "-aq"}), "") << "--rm left a container";
}

}  // namespace
