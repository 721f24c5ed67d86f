#include "runtime/linux/rootfs/old_root_detach.hpp"

#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <memory>

#include "common/error.hpp"

namespace berth::runtime::rootfs {

struct DetachJob {
    alignas(64) char stack[16384];  // the helper's; it needs a few hundred bytes
    volatile pid_t tid = 0;         // futex word: the kernel clears it when the helper exits
    long result = 0;                // umount2's: 0 or -errno
};

namespace {

#if defined(__x86_64__) || defined(__aarch64__)
// umount2(path, flags) without libc: the helper runs on the init's TLS, so it must not even
// set errno (the init may be reading its own at that moment).
long rawUmount2(const char* path, long flags) {
#if defined(__x86_64__)
    long ret;
    asm volatile("syscall"
                 : "=a"(ret)
                 : "a"(long(SYS_umount2)), "D"(path), "S"(flags)
                 : "rcx", "r11", "memory");
    return ret;
#else
    register long x8 asm("x8") = SYS_umount2;
    register long x0 asm("x0") = long(path);
    register long x1 asm("x1") = flags;
    asm volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1) : "memory");
    return x0;
#endif
}

int helperMain(void* arg) {
    auto* job = static_cast<DetachJob*>(arg);
    job->result = rawUmount2(".", MNT_DETACH);  // cwd: the old root, in the helper's own fs
    return 0;
}
#endif

void waitForHelper(DetachJob& job) {
    for (;;) {
        pid_t tid = job.tid;
        if (tid == 0) return;
        ::syscall(SYS_futex, &job.tid, FUTEX_WAIT, tid, nullptr, nullptr, 0);
    }
}

}  // namespace

OldRootDetach OldRootDetach::start() {
    OldRootDetach detach;
#if defined(__x86_64__) || defined(__aarch64__)
    {
        auto job = std::make_unique<DetachJob>();
        // The helper starts with every signal blocked: a signal for the init is the init's.
        sigset_t all, saved;
        sigfillset(&all);
        ::sigprocmask(SIG_SETMASK, &all, &saved);
        // No CLONE_FS: the helper keeps the old root as its cwd while the init moves on.
        int flags = CLONE_VM | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | CLONE_FILES |
                    CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
        pid_t* tid = const_cast<pid_t*>(&job->tid);
        int r = ::clone(helperMain, job->stack + sizeof job->stack, flags, job.get(), tid,
                        nullptr, tid);
        ::sigprocmask(SIG_SETMASK, &saved, nullptr);
        if (r > 0) {
            detach.job_ = job.release();
            return detach;
        }
        // No thread (e.g. a seccomp policy of the caller refusing clone flags): in line.
    }
#endif
    if (::umount2(".", MNT_DETACH) < 0) throw SysError("detach the old root");
    return detach;
}

OldRootDetach::OldRootDetach(OldRootDetach&& other) noexcept : job_(other.job_) {
    other.job_ = nullptr;
}

OldRootDetach& OldRootDetach::operator=(OldRootDetach&& other) noexcept {
    if (this != &other) {
        if (job_) waitForHelper(*job_);
        delete job_;
        job_ = other.job_;
        other.job_ = nullptr;
    }
    return *this;
}

void OldRootDetach::finish() {
    if (!job_) return;
    waitForHelper(*job_);
    long result = job_->result;
    delete job_;
    job_ = nullptr;
    if (result < 0) throw SysError("detach the old root", int(-result));
}

OldRootDetach::~OldRootDetach() {
    if (!job_) return;
    waitForHelper(*job_);
    delete job_;
}

}  // namespace berth::runtime::rootfs
