#pragma once
// Detached mount trees (open_tree OPEN_TREE_CLONE, move_mount): a mount kept alive by an fd
// alone, in no mount namespace, and put back on a path when it is needed there. The engine uses
// them to reach a running container's overlay, which the host no longer mounts; berth-monitor to
// keep the overlay of a container with a restart policy between its runs (rootfs_keeper.hpp).

#include <sys/types.h>

#include <string>

#include "common/fd.hpp"

namespace berth {

// True when path is the root of a mount (statx STATX_ATTR_MOUNT_ROOT; a bind of a directory of
// the same filesystem counts too). Does not follow a final symlink.
bool isMountRoot(const std::string& path);

// A detached clone of the mount at path (not recursive: without the mounts beneath it); an
// invalid fd with errno set on failure. Only mounts of the caller's own mount namespace can be
// cloned so (another one's, through /proc/PID/root, give EINVAL): see cloneNamespaceRoot.
UniqueFd cloneMount(const std::string& path);

// A detached clone of the mount at "/" in the mount namespace of pid (a child joins it, clones
// there and hands the fd back); invalid if pid is gone or has no such namespace. Throws SysError
// when the helper cannot be forked.
UniqueFd cloneNamespaceRoot(pid_t pid);

// Mounts the detached tree on path (move_mount). Throws SysError naming path.
void attachMount(int treeFd, const std::string& path);

}  // namespace berth
