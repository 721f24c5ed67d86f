#include "runtime/linux/rootfs/cgroup_hierarchies.hpp"

#include "common/strings.hpp"

namespace berth::runtime::rootfs {

std::vector<CgroupHierarchy> cgroupV1Hierarchies(const std::vector<MountInfoEntry>& mounts,
                                                 const std::vector<CgroupMembership>& groups) {
    // In mount order (as runc mounts them, so a container's /proc/mounts reads the same).
    std::vector<CgroupHierarchy> out;
    for (auto& m : mounts) {
        if (m.fstype != "cgroup") continue;
        for (auto& g : groups) {
            if (g.controllers.empty()) continue;  // the v2 line "0::/path"
            bool seen = false;
            for (auto& h : out) seen = seen || h.subsystems == join(g.controllers, ",");
            if (seen) continue;  // a hierarchy mounted twice: its first mount
            if (!mountsHierarchyOf(m, g)) continue;
            CgroupHierarchy h;
            h.hostMountPoint = m.mountPoint;
            h.subsystems = join(g.controllers, ",");
            h.controllers = g.controllers;
            h.processDir = cgroupDirThrough(m, g);
            out.push_back(std::move(h));
            break;
        }
    }
    return out;
}

}  // namespace berth::runtime::rootfs
