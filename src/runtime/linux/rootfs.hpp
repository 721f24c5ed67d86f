// The container's filesystem view: everything from the rootfs bind up to pivot_root, the
// spec's mounts, devices, masked and read-only paths, sysctls, and the read-only root.
// Called in the container's init process. Implementation: runtime/linux/rootfs/ (the plan
// builders are plain code, PlanExecutor performs them).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "oci/runtime_spec.hpp"
#include "runtime/linux/rootfs/cgroup_hierarchies.hpp"
#include "runtime/linux/rootfs/old_root_detach.hpp"

namespace berth::runtime {

struct RootfsContext {
    std::string rootfsPath;           // absolute, already checked to exist
    bool noPivot = false;             // --no-pivot: MS_MOVE + chroot instead of pivot_root
    bool inNewUserNamespace = false;  // devices must be bind-mounted: mknod is not allowed
    std::string bundlePath;   // relative bind-mount sources are resolved against it ("" → cwd)
    std::string consolePath;  // process.terminal: pty slave bound onto /dev/console ("" → none)
    // The host's cgroup v1 hierarchies with the container's own dir in each (processDir), as
    // the launcher made them, for a `cgroup` mount: the init may not be in them yet when it
    // mounts (the launcher joins it while the rootfs is built), so /proc/self/cgroup cannot
    // tell, and the init need not read mountinfo again. Unset: the init probes the host.
    std::optional<std::vector<rootfs::CgroupHierarchy>> cgroupV1;
};

// Runs in the child, already inside its new mount namespace (and user namespace if any),
// after the uid/gid maps are written. On return of enterRootfs the process's root and cwd are
// the container's root; mounts, devices, /dev symlinks, maskedPaths, readonlyPaths, sysctl and
// root.readonly have been applied. Throws berth::Error naming the mount/path on failure
// ("mounts[3] /data: bind source /nope: ENOENT ...").
//
// Split in two so hooks (createContainer, issue 3) can run between them, as the spec orders:
//   prepareRootfs:  validates linux.sysctl and every mount first (nothing is mounted if the
//                   config is bad), then: "/" rslave (or linux.rootfsPropagation), the rootfs's
//                   parent mount private, rootfs bind onto itself, mounts in config order,
//                   devices, /dev symlinks, /dev/console.
//   enterRootfs:    pivot_root (or move+chroot with noPivot), linux.rootfsPropagation on the
//                   new "/", sysctl, readonlyPaths, maskedPaths, readonly root.
// Without a new mount namespace in linux.namespaces nothing is mounted (it would change the
// host's mount table): prepareRootfs only validates and enterRootfs only chroots.
void prepareRootfs(const oci::Spec& spec, const RootfsContext& ctx);
// enterRootfs returns the old root's pending detach (pivot.hpp): finish() it before the
// process changes credentials; dropping it waits for it.
rootfs::OldRootDetach enterRootfs(const oci::Spec& spec, const RootfsContext& ctx);

}  // namespace berth::runtime
