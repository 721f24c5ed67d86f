// The overlay of a container with a restart policy, kept by its berth-monitor between runs.
//
// While a container runs, the host has no mount of its overlay: once the runtime has pivoted into
// it, the host's mount is detached (Engine::start; keepAfterCreate after each create here) and the
// overlay lives on in the container's mount namespace, so the host's mount table does not grow
// with the number of running containers. A restart re-creates the container from the bundle's
// rootfs after that namespace is gone, so the monitor keeps a detached clone of the overlay (the
// same superblock: never a second overlay over the same upper dir) and mounts it back on the
// bundle's rootfs when the container exits to be restarted. Between runs the host has the mount
// (cp, export, diff and the runtime's create find it there), as before a first start.
#pragma once

#include <sys/types.h>

#include <string>

#include "common/fd.hpp"

namespace berth::monitor {

class RootfsKeeper {
  public:
    explicit RootfsKeeper(std::string rootfs) : rootfs_(std::move(rootfs)) {}

    // After a create: a clone of the host's mount at the rootfs, whose mount is then detached.
    // Nothing when the rootfs is no mount (a bundle with a plain directory). Best effort: without
    // a clone the host keeps its mount, and a restart works from that.
    void keepAfterCreate();
    // The same from the running container's mount namespace (its host mount is gone already):
    // `update --restart` of a container started without a policy.
    void keepFromContainer(pid_t pid);
    // The container exited and will be re-created: the clone goes back on the rootfs. False when
    // that failed (then there is nothing to re-create it from; the reason went to diag).
    bool putBack();
    // No restart follows: the clone goes (and the overlay with it, unless a `cp` still holds it).
    void release() { tree_.reset(); }
    bool holding() const { return bool(tree_); }

  private:
    std::string rootfs_;
    UniqueFd tree_;  // the detached clone, while the container runs
};

}  // namespace berth::monitor
