#pragma once
// /proc/<pid>/cgroup (cgroups(7)) parsed as a plain function over its text, and joined with the
// mount table: which mount shows a process's cgroup, and at which host directory.

#include <string>
#include <string_view>
#include <vector>

#include "common/mountinfo.hpp"

namespace berth {

// One line "hierarchy-id:controller-list:path".
struct CgroupMembership {
    int hierarchyId = 0;
    std::vector<std::string> controllers;  // "cpu","cpuacct" or "name=systemd"; empty for v2
    std::string path;                      // "/user.slice/x", relative to the hierarchy's root
};

// In the file's order. The path may itself contain ':'.
std::vector<CgroupMembership> parseProcCgroup(std::string_view text);

// Whether m mounts the hierarchy of g: the cgroup2 mount for the v2 line ("0::/path"), else a
// cgroup (v1) mount whose super options name every controller of g.
bool mountsHierarchyOf(const MountInfoEntry& m, const CgroupMembership& g);

// The host directory of g's cgroup through m, a mount of its hierarchy that may show only a
// sub-tree of it (m.root != "/": a bind, or a cgroup namespace): "/sys/fs/cgroup/memory/box".
std::string cgroupDirThrough(const MountInfoEntry& m, const CgroupMembership& g);

}  // namespace berth
