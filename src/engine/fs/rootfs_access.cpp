#include "engine/fs/rootfs_access.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "common/error.hpp"
#include "common/log.hpp"
#include "common/mount_tree.hpp"

namespace berth::engine::fs {

bool isMountPoint(const std::string& path) {
    struct stat a {}, b {};
    if (::lstat(path.c_str(), &a) != 0 || !S_ISDIR(a.st_mode)) return false;
    if (::stat((path + "/..").c_str(), &b) != 0) return false;
    return a.st_dev != b.st_dev;
}

RootfsAccess::RootfsAccess(Engine& engine, const ContainerRecord& rec, View view)
    : engine_(engine), rec_(rec) {
    ContainerState st = engine.state(rec);
    running_ = st.running || st.paused;
    if (view == View::Container && running_ && st.pid > 0) {
        std::string proc = "/proc/" + std::to_string(st.pid) + "/root";
        root_.reset(::open(proc.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        // The container may have exited meanwhile: fall back to its rootfs.
        if (root_) return;
    }
    std::string rootfs = engine.containers().dir(rec.id) + "/rootfs";
    if (view == View::Rootfs && running_ && st.pid > 0 && !isMountPoint(rootfs)) {
        // The host has no mount of a running container's overlay (Engine::start detached it):
        // its own, from its mount namespace. A second overlay over the same upper and work dirs
        // is not an option while the container's lives.
        root_ = cloneNamespaceRoot(st.pid);
        if (root_) return;
    }
    if (!isMountPoint(rootfs)) {
        engine.ensureRootfsMounted(rec);
        mountedHere_ = true;
    }
    root_.reset(::open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!root_) throw SysError("open the rootfs of container " + rec.id);
}

RootfsAccess::~RootfsAccess() {
    if (!mountedHere_) return;
    root_.reset();
    try {
        // Started meanwhile: its monitor unmounts it at the exit.
        ContainerState st = engine_.state(rec_);
        if (st.running || st.paused || st.restarting) return;
    } catch (const std::exception&) {
        return;  // removed meanwhile: rm unmounted it
    }
    std::string rootfs = engine_.containers().dir(rec_.id) + "/rootfs";
    if (::umount2(rootfs.c_str(), MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
        logWarn("unmount " + rootfs + ": " + errnoName(errno));
}

}  // namespace berth::engine::fs
