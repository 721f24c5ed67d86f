// The lazy unmount of the old root after pivot_root, off the container's start path.
//
// umount2(MNT_DETACH) takes the old root's mounts out of the namespace at once (umount_tree,
// under namespace_sem), and then waits for an RCU grace period before it frees them
// (namespace_unlock: synchronize_rcu_expedited): 0.3 ms on an idle VM, 2–8 ms on a busy one,
// all of it on the init's critical path. Here a helper thread of the init makes the call, so
// the init goes on with the sysctls, read-only and masked paths while the helper waits; the
// init joins it (finish()) before it changes its credentials and long before it execs: the
// container process never runs while the helper exists, and the detach has completed by then.
//
// The helper is a bare clone(CLONE_VM|CLONE_THREAD) with its own fs_struct (no CLONE_FS): its
// cwd is the old root when it starts, whatever the init does with its own cwd. It runs one
// system call through inline assembly (it has no TLS of its own, so not even errno is
// touched) and exits. Elsewhere than x86-64 and arm64 the detach is done synchronously.
#pragma once

#include <sys/types.h>

namespace berth::runtime::rootfs {

struct DetachJob;

class OldRootDetach {
  public:
    OldRootDetach() = default;
    // Called with cwd at the old root (stacked on the new one after pivot_root(".", ".")):
    // detaches it, on a helper thread where possible. Throws if neither can start.
    static OldRootDetach start();
    OldRootDetach(OldRootDetach&& other) noexcept;
    OldRootDetach& operator=(OldRootDetach&& other) noexcept;
    OldRootDetach(const OldRootDetach&) = delete;
    OldRootDetach& operator=(const OldRootDetach&) = delete;
    // Waits for the helper; throws SysError("detach the old root") if the umount failed.
    void finish();
    // Waits too (an exception unwinding the init must not leave the helper running).
    ~OldRootDetach();

  private:
    DetachJob* job_ = nullptr;  // null: nothing left to wait for
};

}  // namespace berth::runtime::rootfs
