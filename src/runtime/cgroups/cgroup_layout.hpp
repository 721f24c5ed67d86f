// Which cgroup hierarchies the host has, where they are mounted, and where this process sits
// in each: parsed from /proc/self/mountinfo and /proc/self/cgroup (pure functions, so tests
// feed them a fake tree's text).
#pragma once

#include <map>
#include <string>
#include <vector>

namespace berth::runtime::cgroups {

struct V1Hierarchy {
    std::vector<std::string> controllers;  // "cpu", "cpuacct", or "name=systemd"
    std::string mountPoint;                // "/sys/fs/cgroup/cpu"
    std::string mountRoot;                 // the hierarchy path mounted there (usually "/")
    std::string ownPath;                   // this process's cgroup in it, from /proc/self/cgroup
};

struct CgroupLayout {
    std::vector<V1Hierarchy> v1;  // empty on a pure v2 host
    std::string unifiedMount;     // cgroup2 mount point, "" if none
    std::string unifiedMountRoot = "/";
    std::string unifiedOwnPath = "/";
    bool pureV2 = false;  // the cgroup2 mount is the only hierarchy (at /sys/fs/cgroup)
};

// mountinfo/selfCgroup: the text of /proc/self/mountinfo and /proc/self/cgroup.
// Only mounts under cgroupRoot count (a container's own /sys/fs/cgroup bind elsewhere is noise).
CgroupLayout parseCgroupLayout(const std::string& mountinfo, const std::string& selfCgroup,
                               const std::string& cgroupRoot = "/sys/fs/cgroup");

// Where the container's cgroup goes inside one hierarchy: absolute cgroupsPath → under the
// mount point; relative → under this process's own cgroup (as runc's cgroupfs driver does).
std::string resolveCgroupDir(const std::string& mountPoint, const std::string& mountRoot,
                             const std::string& ownPath, const std::string& cgroupsPath);

}  // namespace berth::runtime::cgroups
