// Plan builders: the spec's rootfs, mounts, devices and /dev symlinks as Steps (rootfs_plan.hpp).
// Pure functions of the spec, the context and a HostProbe, so unit tests check every flag.
#pragma once

#include <map>
#include <string>

#include "oci/runtime_spec.hpp"
#include "runtime/linux/rootfs/host_probe.hpp"
#include "runtime/linux/rootfs/rootfs_plan.hpp"

namespace berth::runtime::rootfs {

struct PlanContext {
    std::string rootfsPath;  // host path of the rootfs (absolute, symlinks resolved)
    std::string bundlePath;  // relative bind sources are relative to it ("" → process cwd)
    bool inNewUserNamespace = false;
    bool newCgroupNamespace = false;
    std::string consolePath;  // pty slave to bind on /dev/console ("" → none)
    // linux.uidMappings/gidMappings: what "idmap" without mappings of its own uses.
    std::vector<oci::IdMapping> containerUidMappings;
    std::vector<oci::IdMapping> containerGidMappings;
};

// Host-side steps before any mount: make "/" recursively slave (or linux.rootfsPropagation),
// make the mount holding the rootfs private if it is shared (pivot_root refuses a shared parent,
// and a shared source would make the self-bind a peer that propagates our mounts to the host),
// bind the rootfs onto itself recursively so it is a mount point (pivot_root needs one).
Plan planRootfsBind(const oci::Spec& spec, const PlanContext& ctx);

// One entry of config.json mounts[]; `index` names it in errors ("mounts[3] /data: ...").
Plan planMount(size_t index, const oci::Mount& mount, const PlanContext& ctx, HostProbe& probe);

// All mounts in config order (config.md: "MUST mount in the listed order").
Plan planMounts(const oci::Spec& spec, const PlanContext& ctx, HostProbe& probe);

// /dev is populated by us unless the config bind-mounts a /dev from the host (runc's rule).
bool needsDevSetup(const oci::Spec& spec);

// Default devices (config-linux.md "Default Devices") merged with linux.devices (which win on
// the same path), /dev/ptmx → pts/ptmx, /dev/fd and the stdio links, /dev/console.
// In a new user namespace mknod is not allowed: devices are bind mounts of the host's nodes.
Plan planDevices(const oci::Spec& spec, const PlanContext& ctx);

}  // namespace berth::runtime::rootfs
