// --runtime runc|crun|PATH and --privileged, through the `berth` binary on a private root.
// (The busybox fixture links only a few applets: the scripts call the rest through `busybox`.)
#include <gtest/gtest.h>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file_io.hpp"
#include "harness/berth_env.hpp"
#include "harness/docker_peer.hpp"

using berth::test::BerthEnv;
using berth::test::splitLines;

namespace {

bool onPath(const std::string& name) {
    for (auto dir : {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"})
        if (::access((std::string(dir) + "/" + name).c_str(), X_OK) == 0) return true;
    return false;
}

// Char/block devices under /dev, skipping what moby's HostDevices skips.
size_t hostDeviceCount(const std::string& dir = "/dev") {
    size_t n = 0;
    DIR* d = opendir(dir.c_str());
    if (!d) return 0;
    while (auto* e = readdir(d)) {
        std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        struct stat st {};
        std::string p = dir + "/" + name;
        if (lstat(p.c_str(), &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) {
            if (name != "pts" && name != "shm" && name != "fd" && name != "mqueue") n += hostDeviceCount(p);
        } else if ((S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) && p != "/dev/console") {
            ++n;
        }
    }
    closedir(d);
    return n;
}

TEST(LiveRuntime, RuncRunsAndServesTheLiveVerbs) {
    BERTH_REQUIRE_ROOT();
    if (!onPath("runc")) GTEST_SKIP() << "runc is not installed";
    BerthEnv env;
    EXPECT_EQ(env.ok({"run", "--rm", "--runtime", "runc", "busybox", "echo", "hi"}), "hi");
    std::string id = env.ok({"run", "-d", "--name", "rc", "--runtime", "runc", "busybox", "sleep", "1000"});
    EXPECT_EQ(env.inspect("rc")["HostConfig"]["Runtime"], "runc");
    env.ok({"pause", "rc"});
    EXPECT_EQ(env.inspect("rc")["State"]["Status"], "paused");
    env.ok({"unpause", "rc"});
    EXPECT_EQ(splitLines(env.ok({"top", "rc"})).size(), 2u);
    env.ok({"update", "--pids-limit", "20", "rc"});
    std::string v1 = "/sys/fs/cgroup/pids/berth/" + id + "/pids.max";
    std::string file = berth::pathExists(v1) ? v1 : "/sys/fs/cgroup/berth/" + id + "/pids.max";
    EXPECT_EQ(berth::readFile(file), "20\n");
    EXPECT_EQ(env.ok({"stats", "--no-stream", "--format", "{{.PIDs}}", "rc"}), "1");
    env.ok({"restart", "-t", "0", "rc"});
    EXPECT_EQ(env.inspect("rc")["State"]["Status"], "running");
    // a path works too
    EXPECT_EQ(env.ok({"run", "--rm", "--runtime", "/usr/sbin/runc", "busybox", "echo", "hi"}), "hi");
}

TEST(LiveRuntime, CrunWorksOrSaysWhy) {
    BERTH_REQUIRE_ROOT();
    if (!onPath("crun")) GTEST_SKIP() << "crun is not installed";
    BerthEnv env;
    auto r = env.run({"run", "--rm", "--runtime", "crun", "busybox", "echo", "hi"});
    if (r.exitCode == 0) {
        EXPECT_EQ(r.out, "hi\n");
    } else {
        // crun 1.8 on a hybrid (v1 + cgroup2) host: its own words reach the user.
        EXPECT_EQ(r.exitCode, 125);
        EXPECT_NE(r.err.find("crun create"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("cgroups in hybrid mode not supported"), std::string::npos) << r.err;
    }
}

TEST(LiveRuntime, UnknownRuntimeIsRefusedAndCreatesNothing) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    auto r = env.run({"run", "--runtime", "nosuch", "busybox", "true"});
    EXPECT_EQ(r.exitCode, 125);
    // current docker's text (20.10 said "Unknown runtime specified nosuch")
    EXPECT_EQ(r.err, "berth: Error response from daemon: unknown or invalid runtime name: nosuch.\n"
                     "See 'berth run --help'.\n");
    EXPECT_EQ(env.ok({"ps", "-aq"}), "");
}

TEST(LivePrivileged, HostDevicesAllCapsNoSeccompNoMasksRwSys) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    auto out = splitLines(env.ok({"run", "--rm", "--privileged", "busybox", "sh", "-c",
                                  "for a in find grep wc cut; do eval \"$a() { busybox $a \\\"\\$@\\\"; }\"; done;"
                                  " find /dev -type c -o -type b | grep -v -e ^/dev/pts/ -e ^/dev/console | wc -l;"
                                  " grep CapEff /proc/self/status | cut -f2;"
                                  " grep Seccomp: /proc/self/status | cut -f2;"
                                  " grep ' /sys ' /proc/mounts | cut -d' ' -f4 | cut -d, -f1;"
                                  " grep -c -e ' /proc/timer_list ' -e ' /proc/keys ' /proc/mounts; true"}));
    ASSERT_EQ(out.size(), 5u);
    EXPECT_GE(std::stoul(out[0]), hostDeviceCount() - 1) << "host devices";
    std::string status = berth::readFile("/proc/self/status");
    auto bnd = status.substr(status.find("CapBnd:") + 8, 16);
    EXPECT_EQ(out[1], bnd);  // everything our bounding set holds
    EXPECT_EQ(out[2], "0");
    EXPECT_EQ(out[3], "rw");
    EXPECT_EQ(out[4], "0");  // no masked paths
    // the default for comparison: a few devices, Docker's caps, the filter, ro /sys, masks
    auto def = splitLines(env.ok({"run", "--rm", "busybox", "sh", "-c",
                                  "for a in find grep wc cut; do eval \"$a() { busybox $a \\\"\\$@\\\"; }\"; done;"
                                  " find /dev -type c -o -type b | grep -v ^/dev/pts/ | wc -l;"
                                  " grep Seccomp: /proc/self/status | cut -f2;"
                                  " grep ' /sys ' /proc/mounts | cut -d' ' -f4 | cut -d, -f1"}));
    ASSERT_EQ(def.size(), 3u);
    EXPECT_LT(std::stoul(def[0]), 12u);
    EXPECT_EQ(def[1], "2");
    EXPECT_EQ(def[2], "ro");
}

}  // namespace
