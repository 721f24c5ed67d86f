#include "runtime/container/self_clone.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/error.hpp"
#include "common/fd.hpp"

extern char** environ;

namespace berth::runtime {
namespace {
constexpr int kSeals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
}

bool runningFromSealedCopy() {
    UniqueFd self(::open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
    if (!self) return false;
    int seals = ::fcntl(self.get(), F_GET_SEALS);
    return seals >= 0 && (seals & kSeals) == kSeals;
}

void ensureSealedSelf(char** argv) {
    UniqueFd self(::open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
    if (!self) throw SysError("open /proc/self/exe");
    int seals = ::fcntl(self.get(), F_GET_SEALS);
    if (seals >= 0 && (seals & kSeals) == kSeals) return;
    struct stat st;
    if (::fstat(self.get(), &st) < 0) throw SysError("stat /proc/self/exe");
    UniqueFd mem(::memfd_create("berth-runtime", MFD_CLOEXEC | MFD_ALLOW_SEALING));
    if (!mem) throw SysError("memfd_create for the sealed runtime copy");
    off_t off = 0;
    while (off < st.st_size) {
        ssize_t n = ::sendfile(mem.get(), self.get(), &off, size_t(st.st_size - off));
        if (n < 0) {
            if (errno == EINTR) continue;
            throw SysError("copy the runtime into a memfd");
        }
        if (n == 0) break;
    }
    if (::fcntl(mem.get(), F_ADD_SEALS, kSeals) < 0) throw SysError("seal the runtime memfd");
    self.reset();
    ::syscall(SYS_execveat, mem.get(), "", argv, environ, AT_EMPTY_PATH);
    throw SysError("re-execute the sealed runtime copy");
}

}  // namespace berth::runtime
