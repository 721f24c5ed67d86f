// A container's file system for the fs verbs (cp, export), running or not.
//
// Docker mounts a stopped container's rootfs for the duration of a cp/export and unmounts it
// after; so does this: the overlay is mounted at containers/<id>/rootfs on demand and unmounted
// (lazily) when done, unless the container started meanwhile. A running container's view is
// /proc/<pid>/root: lookups beneath it cross the container's own mounts (volumes, tmpfs), as
// docker cp does. A running container's bare rootfs (export) is cloned from its own mount
// namespace (common/mount_tree.hpp): the host does not mount it while it runs.
// Every lookup beneath rootFd() must go through safe_path (RESOLVE_IN_ROOT).
#pragma once

#include <string>

#include "common/fd.hpp"
#include "engine/engine.hpp"

namespace berth::engine::fs {

class RootfsAccess {
  public:
    enum class View {
        Container,  // what the container's processes see (cp)
        Rootfs,     // the overlay rootfs only, without the container's mounts (export)
    };
    RootfsAccess(Engine& engine, const ContainerRecord& rec, View view);
    ~RootfsAccess();
    RootfsAccess(const RootfsAccess&) = delete;
    RootfsAccess& operator=(const RootfsAccess&) = delete;

    // O_PATH|O_DIRECTORY fd of the container's "/".
    int rootFd() const { return root_.get(); }
    bool running() const { return running_; }

  private:
    Engine& engine_;
    ContainerRecord rec_;
    UniqueFd root_;
    bool mountedHere_ = false;
    bool running_ = false;
};

// Whether path is a mount point (its device differs from its parent's).
bool isMountPoint(const std::string& path);

}  // namespace berth::engine::fs
