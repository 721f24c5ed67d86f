#include "runtime/linux/rootfs/idmap_mount.hpp"

#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/error.hpp"
#include "common/file_io.hpp"

namespace berth::runtime::rootfs {

std::string idMapText(const std::vector<oci::IdMapping>& mappings) {
    std::string out;
    for (auto& m : mappings)
        out += std::to_string(m.containerID) + " " + std::to_string(m.hostID) + " " +
               std::to_string(m.size) + "\n";
    return out;
}

UniqueFd makeMappedUserNamespace(const std::vector<oci::IdMapping>& uids,
                                 const std::vector<oci::IdMapping>& gids) {
    Pipe ready = Pipe::make();
    Pipe done = Pipe::make();
    pid_t pid = ::fork();
    if (pid < 0) throw SysError("fork for the idmap user namespace");
    if (pid == 0) {
        ready.read.reset();
        done.write.reset();
        if (::unshare(CLONE_NEWUSER) < 0) _exit(1);
        // Our pid as the mounted /proc numbers it (it may belong to an outer pid namespace).
        char self[32] = {};
        if (::readlink("/proc/self", self, sizeof self - 1) <= 0) _exit(2);
        if (::write(ready.write.get(), self, sizeof self) != sizeof self) _exit(3);
        char c;
        (void)!::read(done.read.get(), &c, 1);  // until the parent has the namespace
        _exit(0);
    }
    ready.write.reset();
    done.read.reset();
    auto reap = [&] {
        done.write.reset();
        int status;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
    };
    try {
        char self[32] = {};
        if (::read(ready.read.get(), self, sizeof self) != sizeof self)
            throw Error("idmap helper failed to make a user namespace", ECHILD);
        std::string proc = std::string("/proc/") + self;
        withContext("uid_map", [&] { writeFile(proc + "/uid_map", idMapText(uids)); });
        withContext("gid_map", [&] { writeFile(proc + "/gid_map", idMapText(gids)); });
        UniqueFd ns(::open((proc + "/ns/user").c_str(), O_RDONLY | O_CLOEXEC));
        if (!ns) throw SysError("open " + proc + "/ns/user");
        reap();
        return ns;
    } catch (...) {
        ::kill(pid, SIGKILL);
        reap();
        throw;
    }
}

void idmappedBind(const std::string& source, int targetFd, bool recursiveTree, bool recursiveIdmap,
                  int usernsFd) {
    long tree = ::syscall(SYS_open_tree, AT_FDCWD, source.c_str(),
                          OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursiveTree ? AT_RECURSIVE : 0));
    if (tree < 0) throw SysError("open_tree " + source);
    UniqueFd treeFd(static_cast<int>(tree));
    struct mount_attr attr {};
    attr.attr_set = MOUNT_ATTR_IDMAP;
    attr.userns_fd = static_cast<uint64_t>(usernsFd);
    if (::syscall(SYS_mount_setattr, treeFd.get(), "",
                  AT_EMPTY_PATH | (recursiveIdmap ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0)
        throw SysError("idmap " + source + " (does its filesystem support idmapped mounts?)");
    if (::syscall(SYS_move_mount, treeFd.get(), "", targetFd, "",
                  MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        throw SysError("move_mount " + source);
}

}  // namespace berth::runtime::rootfs
