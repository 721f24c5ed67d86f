#include "engine/fs/container_root.hpp"

#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "common/error.hpp"
#include "common/fd_passing.hpp"

namespace berth::engine::fs {

namespace {

int openTreeClone(const char* path) {
    return static_cast<int>(
        ::syscall(SYS_open_tree, AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC));
}

void sendOneFd(int sock, int fd) { (void)sendFdOver(sock, fd, std::string_view("", 1)); }

UniqueFd receiveOneFd(int sock) {
    char byte;
    ReceivedFd got = receiveFdOver(sock, &byte, 1);
    if (got.bytes <= 0) return UniqueFd();
    return std::move(got.fd);
}

}  // namespace

UniqueFd cloneContainerRoot(pid_t pid) {
    // open_tree(OPEN_TREE_CLONE) copies only mounts of the caller's own mount namespace
    // (/proc/<pid>/root gives EINVAL), so a child joins the container's namespace, clones its
    // "/" there and hands the detached copy back.
    UniqueFd ns(::open(("/proc/" + std::to_string(pid) + "/ns/mnt").c_str(), O_RDONLY | O_CLOEXEC));
    if (!ns) return UniqueFd();
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0) throw SysError("socketpair");
    UniqueFd mine(sv[0]), theirs(sv[1]);
    pid_t child = ::fork();
    if (child < 0) throw SysError("fork to reach the rootfs of container process " + std::to_string(pid));
    if (child == 0) {
        // setns(CLONE_NEWNS) sets our root and cwd to the namespace's "/" (the container's root).
        if (::setns(ns.get(), CLONE_NEWNS) < 0) ::_exit(1);
        int fd = openTreeClone("/");
        if (fd < 0) ::_exit(2);
        sendOneFd(theirs.get(), fd);
        ::_exit(0);
    }
    theirs.reset();
    UniqueFd tree = receiveOneFd(mine.get());
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    return tree;  // an O_PATH fd of the detached mount's root (it lives while the fd does)
}

bool attachContainerRoot(pid_t pid, const std::string& path) {
    UniqueFd tree = cloneContainerRoot(pid);
    if (!tree) return false;
    if (::move_mount(tree.get(), "", AT_FDCWD, path.c_str(), MOVE_MOUNT_F_EMPTY_PATH) < 0)
        throw SysError("mount the rootfs of container process " + std::to_string(pid) + " on " + path);
    return true;
}

}  // namespace berth::engine::fs
