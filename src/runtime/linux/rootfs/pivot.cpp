#include "runtime/linux/rootfs/pivot.hpp"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/error.hpp"
#include "common/fd.hpp"

namespace berth::runtime::rootfs {

OldRootDetach pivotRoot(int newRootFd) {
    UniqueFd oldRoot(::open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC));
    if (!oldRoot) throw SysError("open old root");
    if (::fchdir(newRootFd) < 0) throw SysError("chdir to rootfs");
    // new_root and put_old both ".": the old root ends up mounted on top of the new one.
    if (::syscall(SYS_pivot_root, ".", ".") < 0) throw SysError("pivot_root");
    if (::fchdir(oldRoot.get()) < 0) throw SysError("chdir to old root");
    if (::mount(nullptr, ".", nullptr, MS_SLAVE | MS_REC, nullptr) < 0)
        throw SysError("make old root rslave");
    OldRootDetach detach = OldRootDetach::start();
    if (::chdir("/") < 0) throw SysError("chdir /");
    return detach;
}

void moveRoot(int newRootFd) {
    if (::fchdir(newRootFd) < 0) throw SysError("chdir to rootfs");
    if (::mount(".", "/", nullptr, MS_MOVE, nullptr) < 0) throw SysError("move rootfs onto /");
    if (::chroot(".") < 0) throw SysError("chroot");
    if (::chdir("/") < 0) throw SysError("chdir /");
}

void chrootInto(int newRootFd) {
    if (::fchdir(newRootFd) < 0) throw SysError("chdir to rootfs");
    if (::chroot(".") < 0) throw SysError("chroot");
    if (::chdir("/") < 0) throw SysError("chdir /");
}

}  // namespace berth::runtime::rootfs
