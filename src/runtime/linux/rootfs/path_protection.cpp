#include "runtime/linux/rootfs/path_protection.hpp"

#include <fcntl.h>
#include <linux/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/error.hpp"
#include "common/fd.hpp"
#include "common/safe_path.hpp"
#include "runtime/linux/rootfs/plan_executor.hpp"

namespace berth::runtime::rootfs {
namespace {

UniqueFd openTree(int fd, unsigned flags) {
    long r = ::syscall(SYS_open_tree, fd, "", flags | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
    if (r < 0) throw SysError("open_tree");
    return UniqueFd(static_cast<int>(r));
}

void moveMountOnto(int treeFd, int targetFd) {
    if (::syscall(SYS_move_mount, treeFd, "", targetFd, "",
                  MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        throw SysError("move_mount");
}

// /dev/null of the container, checked to be the real 1:3 character device: a symlink or a
// file planted there must not become the mask's source (runc CVE-2025-31133).
UniqueFd openDevNull(int rootFd) {
    UniqueFd fd = openInRoot(rootFd, "/dev/null", O_PATH | O_NOFOLLOW);
    struct stat st {};
    if (::fstat(fd.get(), &st) < 0) throw SysError("stat /dev/null");
    if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 3)
        throw Error("/dev/null is not the null device", EXDEV);
    return fd;
}

UniqueFd emptyReadOnlyTmpfs() {
    long fs = ::syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
    if (fs < 0) throw SysError("fsopen tmpfs");
    UniqueFd fsFd(static_cast<int>(fs));
    if (::syscall(SYS_fsconfig, fsFd.get(), FSCONFIG_SET_STRING, "mode", "0555", 0) < 0 ||
        ::syscall(SYS_fsconfig, fsFd.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0)
        throw SysError("configure tmpfs");
    long m =
        ::syscall(SYS_fsmount, fsFd.get(), FSMOUNT_CLOEXEC,
                  MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
    if (m < 0) throw SysError("fsmount tmpfs");
    return UniqueFd(static_cast<int>(m));
}

}  // namespace

MaskAction maskActionFor(mode_t fileType) {
    return S_ISDIR(fileType) ? MaskAction::ReadOnlyTmpfs : MaskAction::BindDevNull;
}

void maskPath(int rootFd, const std::string& path, UniqueFd& devNull) {
    withContext("linux.maskedPaths " + path, [&] {
        // O_NOFOLLOW: a masked path that is a symlink is covered itself, never its target.
        UniqueFd target = tryOpenInRoot(rootFd, path, O_PATH | O_NOFOLLOW);
        if (!target) {
            if (errno == ENOENT) return;
            throw SysError("open in root");
        }
        struct stat st {};
        if (::fstat(target.get(), &st) < 0) throw SysError("stat");
        if (maskActionFor(st.st_mode) == MaskAction::ReadOnlyTmpfs) {
            UniqueFd tmpfs = emptyReadOnlyTmpfs();
            moveMountOnto(tmpfs.get(), target.get());
        } else {
            if (!devNull) devNull = openDevNull(rootFd);
            UniqueFd tree = openTree(devNull.get(), OPEN_TREE_CLONE);
            moveMountOnto(tree.get(), target.get());
        }
    });
}

void readonlyPath(int rootFd, const std::string& path) {
    withContext("linux.readonlyPaths " + path, [&] {
        UniqueFd target = tryOpenInRoot(rootFd, path, O_PATH);
        if (!target) {
            if (errno == ENOENT) return;
            throw SysError("open in root");
        }
        // A detached recursive copy of the subtree, made read-only as a whole, then put on top
        // of the original: every submount (e.g. /proc/sys/fs/binfmt_misc) is read-only too.
        UniqueFd tree = openTree(target.get(), OPEN_TREE_CLONE | AT_RECURSIVE);
        setMountAttr(tree.get(), true, MOUNT_ATTR_RDONLY, 0);
        moveMountOnto(tree.get(), target.get());
    });
}

}  // namespace berth::runtime::rootfs
