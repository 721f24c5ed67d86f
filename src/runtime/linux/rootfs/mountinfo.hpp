// /proc/<pid>/mountinfo and /proc/<pid>/cgroup parsing (proc(5)), as plain functions over text so
// the decisions built on them are unit-testable.
#pragma once

#include <string>
#include <vector>

namespace berth::runtime::rootfs {

struct MountInfoEntry {
    int id = 0;
    int parentId = 0;
    std::string root;            // path of the mount's root inside its filesystem
    std::string mountPoint;      // unescaped
    std::string options;         // per-mount options: "rw,nosuid,relatime"
    std::string optionalFields;  // "shared:1 master:2"
    std::string fstype;
    std::string source;
    std::string superOptions;

    bool isShared() const;
};

std::vector<MountInfoEntry> parseMountInfo(const std::string& text);

// The entry whose mount point is the longest prefix of path (the mount that holds path).
// Returns nullptr when none matches (never for an absolute path on a sane table).
const MountInfoEntry* findMountHolding(const std::vector<MountInfoEntry>& mounts,
                                       const std::string& path);

struct CgroupMembership {
    int hierarchyId = 0;
    std::vector<std::string> controllers;  // "cpu","cpuacct" or "name=systemd"; empty for v2
    std::string path;                      // "/user.slice/x"
};

std::vector<CgroupMembership> parseProcCgroup(const std::string& text);

// A cgroup v1 hierarchy the process belongs to, as the container's cgroup mount needs it.
struct CgroupHierarchy {
    std::string hostMountPoint;  // "/sys/fs/cgroup/cpu,cpuacct"
    std::string subsystems;      // mount data for a fresh cgroup mount: "cpu,cpuacct"
    std::string processDir;      // host dir of the process's cgroup: hostMountPoint + relative
    std::vector<std::string> controllers;
};

// Joins the mount table with the process's memberships: one entry per v1 hierarchy that is
// mounted (the first mount of it), in /proc/self/cgroup order.
std::vector<CgroupHierarchy> cgroupV1Hierarchies(const std::vector<MountInfoEntry>& mounts,
                                                 const std::vector<CgroupMembership>& groups);

}  // namespace berth::runtime::rootfs
