// exec's pure decisions: the process built from flags, and which cgroup.procs files to join.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "runtime/exec/cgroup_join.hpp"
#include "runtime/exec/exec_process.hpp"

using namespace berth;
using namespace berth::runtime;

TEST(ExecProcess, FlagsOverrideTheConfigProcess) {
    oci::Process base;
    base.args = {"sleep", "100"};
    base.env = {"PATH=/bin"};
    base.cwd = "/";
    base.terminal = true;
    base.user.uid = 5;
    base.capabilities = oci::Capabilities{};
    base.capabilities->bounding = {"CAP_KILL"};
    ExecOptions o;
    o.args = {"sh", "-c", "id"};
    o.env = {"A=1"};
    o.cwd = "/tmp";
    o.user = "1000:1001";
    o.additionalGids = {10, 11};
    o.caps = {"CAP_NET_ADMIN", "SYS_PTRACE", "CAP_KILL"};
    o.noNewPrivs = true;
    auto p = execProcessFromFlags(base, o);
    EXPECT_EQ(p.args, o.args);
    EXPECT_EQ(p.env, (std::vector<std::string>{"PATH=/bin", "A=1"}));
    EXPECT_EQ(p.cwd, "/tmp");
    EXPECT_EQ(p.user.uid, 1000u);
    EXPECT_EQ(p.user.gid, 1001u);
    EXPECT_EQ(p.user.additionalGids, (std::vector<uint32_t>{10, 11}));
    EXPECT_FALSE(p.terminal) << "no -t: no terminal, whatever config.json says (runc)";
    EXPECT_TRUE(p.noNewPrivileges);
    EXPECT_EQ(p.capabilities->bounding,
              (std::vector<std::string>{"CAP_KILL", "CAP_NET_ADMIN", "CAP_SYS_PTRACE"}));
    EXPECT_EQ(p.capabilities->permitted,
              (std::vector<std::string>{"CAP_NET_ADMIN", "CAP_SYS_PTRACE", "CAP_KILL"}));
    EXPECT_TRUE(p.capabilities->inheritable.empty()) << "CVE-2022-29162";
    EXPECT_TRUE(p.capabilities->ambient.empty());
}

TEST(ExecProcess, BadFlagsAreClearErrors) {
    oci::Process base;
    base.cwd = "/";
    ExecOptions o;
    EXPECT_THROW(execProcessFromFlags(base, o), Error);  // no command
    o.args = {"true"};
    o.user = "root";
    EXPECT_THROW(execProcessFromFlags(base, o), Error);
    o.user = "1:2:3";
    EXPECT_THROW(execProcessFromFlags(base, o), Error);
    o.user = "";
    o.env = {"NOEQUALS"};
    EXPECT_THROW(execProcessFromFlags(base, o), Error);
    o.env = {};
    o.cwd = "relative";
    EXPECT_THROW(execProcessFromFlags(base, o), Error);
}

TEST(CgroupJoin, HybridV1AndUnified) {
    std::string procCgroup =
        "12:pids:/berth/c1\n"
        "11:cpu,cpuacct:/berth/c1\n"
        "10:memory:/berth/c1\n"
        "1:name=systemd:/user.slice\n"
        "0::/berth/c1\n";
    std::string mountinfo =
        "30 25 0:26 / /sys/fs/cgroup rw,nosuid - tmpfs tmpfs ro,mode=755\n"
        "31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n"
        "32 30 0:28 / /sys/fs/cgroup/systemd rw - cgroup cgroup rw,xattr,name=systemd\n"
        "35 30 0:31 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
        "36 30 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
        "37 30 0:33 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n"
        "40 30 0:40 / /mnt/with\\040space rw - ext4 /dev/sda1 rw\n";
    auto files = cgroupProcsFilesFor(procCgroup, mountinfo);
    EXPECT_EQ(files, (std::vector<std::string>{
                         "/sys/fs/cgroup/pids/berth/c1/cgroup.procs",
                         "/sys/fs/cgroup/cpu,cpuacct/berth/c1/cgroup.procs",
                         "/sys/fs/cgroup/memory/berth/c1/cgroup.procs",
                         "/sys/fs/cgroup/systemd/user.slice/cgroup.procs",
                         "/sys/fs/cgroup/unified/berth/c1/cgroup.procs",
                     }));
}

TEST(CgroupJoin, PureV2AndUnmountedHierarchies) {
    auto files = cgroupProcsFilesFor("0::/system.slice/x.scope\n5:rdma:/\n",
                                     "25 1 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
    EXPECT_EQ(files, std::vector<std::string>{"/sys/fs/cgroup/system.slice/x.scope/cgroup.procs"});
}
