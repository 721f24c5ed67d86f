// A running container's own rootfs mount, reached from the host.
//
// Engine::start detaches the host's mount of a container's overlay once the runtime has pivoted
// into it (the container's mount namespace holds the overlay from then on), so the host's mount
// table does not grow with the number of running containers. What needs the bare rootfs of a
// running container (export) clones it from the container's mount namespace: never a second
// overlay over the same upper/work dirs, which overlayfs does not support while the first lives.
#pragma once

#include <sys/types.h>

#include <string>

#include "common/fd.hpp"

namespace berth::engine::fs {

// A detached clone (open_tree OPEN_TREE_CLONE, not recursive: without the container's volumes,
// tmpfs, /proc ...) of the mount at "/" in the mount namespace of pid. Returns an O_PATH-like
// directory fd of its root; an invalid fd if pid is gone or has no such namespace.
UniqueFd cloneContainerRoot(pid_t pid);

// Mounts that clone at path (the bundle's rootfs), so the monitor can re-create the container
// from it after an exit: `update --restart` of a running container whose host mount start had
// detached. The same overlay superblock, never a second overlay. Returns false if pid is gone.
bool attachContainerRoot(pid_t pid, const std::string& path);

}  // namespace berth::engine::fs
