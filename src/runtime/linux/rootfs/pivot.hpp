// Switching the process's root to the prepared rootfs.
#pragma once

#include "runtime/linux/rootfs/old_root_detach.hpp"

namespace berth::runtime::rootfs {

// pivot_root(".", ".") with cwd at the new root, then the old root (stacked on top of it) is
// made rslave — so the detach below cannot propagate to the host — and lazily unmounted
// (runc's pivotRoot), by a helper thread: finish() the result before the process's
// credentials change (old_root_detach.hpp). The process ends with root and cwd at the new "/";
// the old root stacked on it is out of reach of every lookup from there while it goes.
[[nodiscard]] OldRootDetach pivotRoot(int newRootFd);

// --no-pivot: move the rootfs mount onto "/" and chroot into it (runc msMoveRoot). Weaker: the
// old root stays reachable to a process that can escape the chroot.
void moveRoot(int newRootFd);

// No mount namespace of our own: only chroot (nothing may be mounted on the host).
void chrootInto(int newRootFd);

}  // namespace berth::runtime::rootfs
