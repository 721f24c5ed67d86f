// The container's init between clone and execve (runc's nsexec + standard_init, without the
// re-exec): namespaces, rootfs, console, process attributes, then it waits for `start`
// (exec.fifo) or `run` (sync socket) and execs the container process. It reports every
// failure to the runtime over the sync socket and exits; it never returns.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runtime/container/launch_plan.hpp"
#include "runtime/linux/rootfs/cgroup_hierarchies.hpp"

namespace berth::runtime {

struct InitFds {
    int sync = -1;     // child end of the SyncPair
    int fifo = -1;     // exec.fifo opened for reading (create); -1 with foreground
    int console = -1;  // connected --console-socket (process.terminal); -1 otherwise
    std::optional<std::vector<rootfs::CgroupHierarchy>> cgroupV1;  // RootfsContext::cgroupV1
    // Wait for Go before the rootfs: the runtime writes id mappings or joins the cgroup first,
    // or createContainer/startContainer hooks need the state (with the init's host pid).
    bool awaitGo = true;
};

[[noreturn]] void containerInit(const LaunchPlan& plan, const InitFds& fds);

// clone3(2) with `flags` and exit signal SIGCHLD: like fork(), returns 0 in the child.
// cgroupFd >= 0: CLONE_INTO_CGROUP, the child starts in that cgroup2 directory.
pid_t cloneProcess(unsigned long long flags, int cgroupFd = -1);

}  // namespace berth::runtime
