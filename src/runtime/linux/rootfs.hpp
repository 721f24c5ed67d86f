// The container's filesystem view: everything from the rootfs bind up to pivot_root, the
// spec's mounts, devices, masked and read-only paths, sysctls, and the read-only root.
// Called in the container's init process (see runtime/README.md for the whole sequence).
#pragma once

#include <string>

#include "oci/runtime_spec.hpp"

namespace berth::runtime {

struct RootfsContext {
    std::string rootfsPath;          // absolute, already checked to exist
    bool noPivot = false;            // --no-pivot: MS_MOVE + chroot instead of pivot_root
    bool inNewUserNamespace = false;  // devices must be bind-mounted: mknod is not allowed
};

// Runs in the child, already inside its new mount namespace (and user namespace if any),
// after the uid/gid maps are written. On return the process's root and cwd are the container's
// root; mounts, devices, /dev symlinks, maskedPaths, readonlyPaths, sysctl and root.readonly
// have been applied. Throws berth::Error naming the mount/path on failure.
//
// Split in two so hooks (createContainer, issue 3) can run between them, as the spec orders:
//   prepareRootfs:  propagation, rootfs bind, mounts in config order, devices, /dev symlinks
//   enterRootfs:    pivot_root (or move+chroot), masked/readonly paths, sysctl, readonly root
void prepareRootfs(const oci::Spec& spec, const RootfsContext& ctx);
void enterRootfs(const oci::Spec& spec, const RootfsContext& ctx);

}  // namespace berth::runtime
