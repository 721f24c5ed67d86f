#include "common/mount_tree.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/error.hpp"
#include "common/fd_passing.hpp"

namespace berth {

bool isMountRoot(const std::string& path) {
    struct statx st {};
    if (::statx(AT_FDCWD, path.c_str(), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &st) != 0)
        return false;
    return (st.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
           (st.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

UniqueFd cloneMount(const std::string& path) {
    return UniqueFd(static_cast<int>(
        ::syscall(SYS_open_tree, AT_FDCWD, path.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)));
}

UniqueFd cloneNamespaceRoot(pid_t pid) {
    UniqueFd ns(::open(("/proc/" + std::to_string(pid) + "/ns/mnt").c_str(), O_RDONLY | O_CLOEXEC));
    if (!ns) return UniqueFd();
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0) throw SysError("socketpair");
    UniqueFd mine(sv[0]), theirs(sv[1]);
    pid_t child = ::fork();
    if (child < 0) throw SysError("fork to reach the root mount of process " + std::to_string(pid));
    if (child == 0) {
        // setns(CLONE_NEWNS) sets our root and cwd to the namespace's "/" (the container's root).
        if (::setns(ns.get(), CLONE_NEWNS) < 0) ::_exit(1);
        UniqueFd tree = cloneMount("/");
        if (!tree) ::_exit(2);
        (void)sendFdOver(theirs.get(), tree.get(), std::string_view("", 1));
        ::_exit(0);
    }
    theirs.reset();
    char byte;
    ReceivedFd got = receiveFdOver(mine.get(), &byte, 1);
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (got.bytes <= 0) return UniqueFd();
    return std::move(got.fd);  // the detached mount lives while this fd does
}

void attachMount(int treeFd, const std::string& path) {
    if (::move_mount(treeFd, "", AT_FDCWD, path.c_str(), MOVE_MOUNT_F_EMPTY_PATH) < 0)
        throw SysError("mount a detached tree on " + path);
}

}  // namespace berth
