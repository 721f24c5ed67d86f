// The cgroup v1 hierarchies a process belongs to, from the mount table and /proc/<pid>/cgroup,
// as the container's cgroup mount needs them; plain functions so the decision is unit-testable.
#pragma once

#include <string>
#include <vector>

#include "common/mountinfo.hpp"
#include "common/proc_cgroup.hpp"

namespace berth::runtime::rootfs {

// A cgroup v1 hierarchy the process belongs to, as the container's cgroup mount needs it.
struct CgroupHierarchy {
    std::string hostMountPoint;  // "/sys/fs/cgroup/cpu,cpuacct"
    std::string subsystems;      // mount data for a fresh cgroup mount: "cpu,cpuacct"
    std::string processDir;      // host dir of the process's cgroup: hostMountPoint + relative
    std::vector<std::string> controllers;
};

// Joins the mount table with the process's memberships: one entry per v1 hierarchy that is
// mounted (the first mount of it), in mount order.
std::vector<CgroupHierarchy> cgroupV1Hierarchies(const std::vector<MountInfoEntry>& mounts,
                                                 const std::vector<CgroupMembership>& groups);

}  // namespace berth::runtime::rootfs
