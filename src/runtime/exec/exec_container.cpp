// execInContainer: see exec_container.hpp for the sequence.
#include "runtime/exec/exec_container.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/log.hpp"
#include "runtime/cgroups/container_cgroup.hpp"
#include "runtime/container/console.hpp"
#include "runtime/container/container_init.hpp"
#include "runtime/container/container_launcher.hpp"
#include "runtime/container/launch_plan.hpp"
#include "runtime/container/process_setup.hpp"
#include "runtime/container/sync_socket.hpp"
#include "runtime/exec/cgroup_join.hpp"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

namespace berth::runtime {
namespace {

// The namespaces of the init that differ from ours (setns to one's own user namespace fails).
int differingNamespaces(pid_t pid) {
    static const std::pair<const char*, int> kinds[] = {
        {"user", CLONE_NEWUSER}, {"mnt", CLONE_NEWNS},      {"net", CLONE_NEWNET},
        {"ipc", CLONE_NEWIPC},   {"uts", CLONE_NEWUTS},     {"cgroup", CLONE_NEWCGROUP},
        {"time", CLONE_NEWTIME}, {"pid", CLONE_NEWPID}};
    int flags = 0;
    for (auto& [name, flag] : kinds) {
        struct stat a, b;
        std::string theirs = "/proc/" + std::to_string(pid) + "/ns/" + name;
        std::string ours = std::string("/proc/self/ns/") + name;
        if (::stat(theirs.c_str(), &a) < 0) continue;  // kernel without that namespace type
        if (::stat(ours.c_str(), &b) < 0 || a.st_ino != b.st_ino || a.st_dev != b.st_dev)
            flags |= flag;
    }
    return flags;
}

struct ExecFds {
    int sync = -1;
    int console = -1;
    int pidfd = -1;
    int root = -1;  // the init's root, /proc/<pid>/root
};

[[noreturn]] void execChild(const LaunchPlan& plan, const ExecFds& fds, int nsFlags) {
    try {
        SyncMessage go = syncRecv(fds.sync);
        if (go.eof || go.type != SyncMsg::Go) ::_exit(1);
        int join = nsFlags & ~CLONE_NEWPID;  // the pid namespace was entered by the parent
        if (join && ::setns(fds.pidfd, join) < 0) throw SysError("exec: join the container's namespaces");
        if (nsFlags & CLONE_NEWUSER) {
            // setns to a user namespace leaves us unmapped until we pick ids in it.
            if (::setresgid(0, 0, 0) < 0 || ::setresuid(0, 0, 0) < 0)
                throw SysError("exec: become root in the container's user namespace");
        }
        // The init's root: pivot_root made it the mount namespace's root, --no-pivot chroot'ed.
        if (::fchdir(fds.root) < 0 || ::chroot(".") < 0) throw SysError("exec: enter the container root");
        if (::setsid() < 0) throw SysError("setsid");
        applyRlimits(plan);
        UniqueFd slave;
        if (plan.terminal) {
            slave = setupConsole("/", fds.console, *plan.spec.process, false);
            ::close(fds.console);
            attachConsole(slave.get());
            slave.reset();
        }
        ::close(fds.root);
        ::close(fds.pidfd);
        closeLeakedFds({fds.sync}, plan.options.preserveFds);
        enterCwd(plan);
        const CompiledSeccomp* filter = plan.seccomp ? &*plan.seccomp : nullptr;
        if (filter && !plan.noNewPrivileges && loadSeccomp(*filter) < 0)
            throw Error("linux.seccomp: load the filter");
        applyUserAndCapabilities(plan);
        std::string exe = findExecutable(plan);
        if (filter && plan.noNewPrivileges && loadSeccomp(*filter) < 0)
            throw Error("linux.seccomp: load the filter");
        std::vector<char*> argv, envp;
        for (auto& a : plan.args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        for (auto& e : plan.env) envp.push_back(const_cast<char*>(e.c_str()));
        envp.push_back(nullptr);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::execve(exe.c_str(), argv.data(), envp.data());
        throw SysError("exec " + exe);
    } catch (const std::exception& e) {
        syncSend(fds.sync, SyncMsg::Error, e.what());
    }
    ::_exit(127);
}

}  // namespace

int execInContainer(const StateStore& store, const ExecOptions& options) {
    ContainerState state = store.load(options.id);
    ContainerStatus status = store.status(state);
    if (status != ContainerStatus::Running && status != ContainerStatus::Created)
        throw Error("cannot exec in container " + options.id + ": it is " + statusName(status));
    std::string dir = store.dir(options.id);
    std::string configText = withContext("container " + options.id, [&] { return readFile(dir + "/config.json"); });
    oci::Spec spec = oci::parseSpec(configText);
    if (!options.processFile.empty()) {
        spec.process = parseProcessFile(options.processFile, spec.ociVersion);
    } else {
        if (!spec.process) throw Error("container " + options.id + " has no process in its config");
        spec.process = execProcessFromFlags(*spec.process, options);
    }
    LaunchOptions lo;
    lo.id = options.id;
    lo.stateRoot = store.root();
    lo.bundle = state.bundle;
    lo.consoleSocket = options.consoleSocket;
    lo.preserveFds = options.preserveFds;
    lo.foreground = !options.detach;
    // -t in the foreground without --console-socket: we receive the master and relay it.
    UniqueFd ours, theirs;
    if (spec.process->terminal && options.consoleSocket.empty()) {
        if (options.detach) throw Error("exec: -t with -d needs --console-socket");
        int pair[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) throw SysError("socketpair");
        ours = UniqueFd(pair[0]);
        theirs = UniqueFd(pair[1]);
        lo.consoleSocketFd = theirs.get();
    }
    LaunchPlan plan = planLaunch(std::move(spec), state.rootfs, std::move(lo));

    UniqueFd pidfd(int(::syscall(SYS_pidfd_open, state.pid, 0)));
    if (!pidfd) throw SysError("container " + options.id + " is not running");
    if (!processAlive(state.pid, state.pidStartTime))
        throw Error("container " + options.id + " is not running", ESRCH);
    UniqueFd root(::open(("/proc/" + std::to_string(state.pid) + "/root").c_str(),
                         O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) throw SysError("open the root of container " + options.id);
    UniqueFd console;
    if (plan.terminal) {
        console = !options.consoleSocket.empty()
                      ? connectConsoleSocket(options.consoleSocket)
                      : UniqueFd(::fcntl(theirs.get(), F_DUPFD_CLOEXEC, 3));
    }
    int nsFlags = differingNamespaces(state.pid);
    // Our children are born in the container's pid namespace; we stay where we are.
    if ((nsFlags & CLONE_NEWPID) && ::setns(pidfd.get(), CLONE_NEWPID) < 0)
        throw SysError("exec: join the container's pid namespace");
    if (!options.detach) blockForwardedSignals();
    SyncPair sync = SyncPair::make();
    pid_t child = cloneProcess(0);
    if (child < 0) throw SysError("fork the exec process");
    if (child == 0) {
        sync.parent.reset();
        ours.reset();
        execChild(plan, ExecFds{sync.child.get(), console.get(), pidfd.get(), root.get()}, nsFlags);
    }
    sync.child.reset();
    console.reset();
    theirs.reset();
    try {
        // Into the container's cgroups before any of its code runs.
        auto cg = cgroups::loadContainerCgroup(dir);
        if (cg) cg->addProcess(child);
        else joinCgroupsOf(state.pid, child);
        syncSend(sync.parent.get(), SyncMsg::Go);
        UniqueFd master;
        if (ours) master = recvFd(ours.get());
        SyncMessage m = syncRecv(sync.parent.get());
        if (!m.eof && m.type == SyncMsg::Error) throw Error(m.payload);
        if (!options.pidFile.empty()) writeFileReplace(options.pidFile, std::to_string(child));
        if (options.detach) return 0;
        return waitForwardingSignals(child, master.get());
    } catch (...) {
        ::kill(child, SIGKILL);
        ::waitpid(child, nullptr, 0);
        throw;
    }
}

}  // namespace berth::runtime
