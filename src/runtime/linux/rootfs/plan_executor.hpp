// Performs a rootfs Plan with the real syscalls. The only decisions here are the ones that need
// the live filesystem: creating targets, resolving them inside the root, verifying them.
#pragma once

#include <string>

#include "common/fd.hpp"
#include "runtime/linux/rootfs/rootfs_plan.hpp"

namespace berth::runtime::rootfs {

class PlanExecutor {
  public:
    // rootFd: the directory Scope::Root targets are resolved in (after the rootfs bind: the
    // bind mount, not the directory under it). May be -1 for a host-only plan.
    explicit PlanExecutor(int rootFd) : rootFd_(rootFd) {}

    void run(const Plan& plan);
    void runStep(const Step& step);

  private:
    void mount(const Step& step);
    void remount(const Step& step);
    void propagation(const Step& step);
    void setAttr(const Step& step);
    void makeParentMountPrivate(const Step& step);
    void mkdir(const Step& step);
    void mknod(const Step& step);
    void symlink(const Step& step);

    UniqueFd openTarget(const Step& step);  // O_PATH on the top-most mount at the target
    UniqueFd createTarget(const Step& step);

    int rootFd_;
};

// Filesystem helpers the rootfs code shares.
uint64_t mountIdOf(int fd);  // statx STATX_MNT_ID
long fsTypeOfFd(int fd);     // fstatfs f_type
// mount_setattr(2) on fd; throws SysError (ENOSYS on kernels before 5.12).
void setMountAttr(int fd, bool recursive, uint64_t attrSet, uint64_t attrClr,
                  uint64_t propagation = 0);

}  // namespace berth::runtime::rootfs
