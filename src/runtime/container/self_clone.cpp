#include "runtime/container/self_clone.hpp"

#include <fcntl.h>
#include <linux/mount.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "common/error.hpp"
#include "common/fd.hpp"

extern char** environ;

namespace berth::runtime {
namespace {

constexpr int kSeals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
// Set across our own re-exec through the read-only mount; removed from the environment at once
// so it reaches neither hooks nor containers. It only tells "our private read-only mount" from
// a host mount that happens to be read-only now (an admin could remount that one read-write
// while a container holds the binary open). Forging it can only skip a protection the caller
// could equally skip by running another binary.
constexpr const char* kReadOnlyMarker = "_BERTH_RUNTIME_RO_EXE";

bool isSealed(int fd) {
    int seals = ::fcntl(fd, F_GET_SEALS);
    return seals >= 0 && (seals & kSeals) == kSeals;
}

bool onReadOnlyMount(int fd) {
    struct statvfs sv;
    return ::fstatvfs(fd, &sv) == 0 && (sv.f_flag & ST_RDONLY);
}

// The binary through a private, detached, read-only bind mount of itself; -1 (errno set) when
// the kernel or our privileges don't allow it.
int openReadOnlyClone() {
    int tree = int(::syscall(SYS_open_tree, AT_FDCWD, "/proc/self/exe",
                             OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
    if (tree < 0) return -1;
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
    if (::syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0) {
        int err = errno;
        ::close(tree);
        errno = err;
        return -1;
    }
    return tree;
}

UniqueFd sealedCopy(int self) {
    struct stat st;
    if (::fstat(self, &st) < 0) throw SysError("stat /proc/self/exe");
    UniqueFd mem(::memfd_create("berth-runtime", MFD_CLOEXEC | MFD_ALLOW_SEALING));
    if (!mem) throw SysError("memfd_create for the sealed runtime copy");
    off_t off = 0;
    while (off < st.st_size) {
        ssize_t n = ::sendfile(mem.get(), self, &off, size_t(st.st_size - off));
        if (n < 0) {
            if (errno == EINTR) continue;
            throw SysError("copy the runtime into a memfd");
        }
        if (n == 0) break;
    }
    if (::fcntl(mem.get(), F_ADD_SEALS, kSeals) < 0) throw SysError("seal the runtime memfd");
    return mem;
}

}  // namespace

void ensureProtectedSelf(char** argv) {
    bool marked = ::getenv(kReadOnlyMarker) != nullptr;
    if (marked) ::unsetenv(kReadOnlyMarker);
    UniqueFd self(::open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
    if (!self) throw SysError("open /proc/self/exe");
    if (isSealed(self.get()) || (marked && onReadOnlyMount(self.get()))) return;

    UniqueFd tree(openReadOnlyClone());
    if (tree) {
        self.reset();
        ::setenv(kReadOnlyMarker, "1", 1);
        ::syscall(SYS_execveat, tree.get(), "", argv, environ, AT_EMPTY_PATH);
        int err = errno;
        ::unsetenv(kReadOnlyMarker);
        throw SysError("re-execute the runtime from its read-only mount", err);
    }
    UniqueFd mem = sealedCopy(self.get());
    self.reset();
    ::syscall(SYS_execveat, mem.get(), "", argv, environ, AT_EMPTY_PATH);
    throw SysError("re-execute the sealed runtime copy");
}

}  // namespace berth::runtime
