#include "engine/monitor/rootfs_keeper.hpp"

#include <sys/mount.h>

#include "common/error.hpp"
#include "common/mount_tree.hpp"
#include "engine/monitor/monitor_internal.hpp"

namespace berth::monitor {

void RootfsKeeper::keepAfterCreate() {
    if (!isMountRoot(rootfs_)) return;  // detached already, or a plain directory
    UniqueFd tree = cloneMount(rootfs_);
    if (!tree) {
        diag("keep the rootfs " + rootfs_ + ": open_tree: " + errnoName(errno));
        return;
    }
    // Lazy: a `cp` that is still in the tree keeps its view.
    if (::umount2(rootfs_.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) < 0) {
        diag("detach the host mount of " + rootfs_ + ": " + errnoName(errno));
        return;  // still mounted on the host: the restart uses that
    }
    tree_ = std::move(tree);
}

void RootfsKeeper::keepFromContainer(pid_t pid) {
    if (tree_ || isMountRoot(rootfs_)) return;  // kept, or still on the host
    try {
        tree_ = cloneNamespaceRoot(pid);
    } catch (const Error& e) {
        diag(std::string("keep the rootfs of ") + rootfs_ + ": " + e.what());
    }
    if (!tree_) diag("keep the rootfs " + rootfs_ + ": the container's mount namespace is gone");
}

bool RootfsKeeper::putBack() {
    if (!tree_) return true;  // never detached: the host has it
    UniqueFd tree = std::move(tree_);
    if (isMountRoot(rootfs_)) return true;  // mounted again meanwhile: never stack a second
    try {
        attachMount(tree.get(), rootfs_);
        return true;
    } catch (const Error& e) {
        diag(e.what());
        return false;
    }
}

}  // namespace berth::monitor
