#include "runtime/container/container_init.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "common/error.hpp"
#include "runtime/container/console.hpp"
#include "runtime/container/namespaces.hpp"
#include "runtime/container/process_setup.hpp"
#include "runtime/container/sync_socket.hpp"
#include "runtime/hooks/hook_runner.hpp"
#include "runtime/linux/rootfs.hpp"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

namespace berth::runtime {
namespace {

struct CloneArgs {  // struct clone_args (linux/sched.h), version 2
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls,
        set_tid, set_tid_size, cgroup;
};

std::string expect(int fd, SyncMsg want) {
    SyncMessage m = syncRecv(fd);
    if (m.eof) ::_exit(1);  // the runtime died or gave up: nothing to report to
    if (m.type == SyncMsg::Error) ::_exit(1);
    if (m.type != want) throw Error("init: unexpected message from the runtime");
    return std::move(m.payload);
}

// Loads the filter; with SCMP_ACT_NOTIFY the listener fd goes to the runtime, which hands it
// to linux.seccomp.listenerPath.
void loadFilter(const CompiledSeccomp& filter, int sync) {
    int r = loadSeccomp(filter);
    if (r < 0) throw Error("linux.seccomp: load the filter", -r);
    if (r > 0) {
        syncSend(sync, SyncMsg::Seccomp);
        sendFd(sync, r, "seccomp");
        ::close(r);
    }
}

// Signals the runtime may send a `created` container: the init is pid 1 of its namespace
// and would ignore them with default dispositions. execve resets these handlers.
void exitOnSignal(int sig) { ::_exit(128 + sig); }

void becomeNamespaceRoot(const LaunchPlan& plan) {
    // In a new user namespace our host ids may be unmapped: become its root (runc does).
    if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) throw SysError("prctl PR_SET_KEEPCAPS");
    if (::setresgid(0, 0, 0) < 0) throw SysError("user namespace: setresgid 0 (is 0 mapped in linux.gidMappings?)");
    if (::setresuid(0, 0, 0) < 0) throw SysError("user namespace: setresuid 0 (is 0 mapped in linux.uidMappings?)");
    (void)plan;
}

// Stage 1 of the two-stage start: join, unshare, and clone the init. Returns in the init.
void stageOne(const LaunchPlan& plan, int sync) {
    joinNamespaces(plan.joins);
    if (plan.newUser) {
        if (::unshare(CLONE_NEWUSER) < 0) throw SysError("unshare user namespace");
        syncSend(sync, SyncMsg::Maps);
        expect(sync, SyncMsg::MapsDone);
        becomeNamespaceRoot(plan);
    }
    int rest = plan.newFlags & ~CLONE_NEWUSER;
    if (rest && ::unshare(rest) < 0) throw SysError("unshare namespaces");
    if (plan.newTime) writeTimeOffsets(plan.spec.linux->timeOffsets);
    pid_t init = cloneProcess(CLONE_PARENT);
    if (init < 0) throw SysError("clone the container init");
    if (init > 0) {
        syncSend(sync, SyncMsg::InitPid, std::to_string(init));
        ::_exit(0);
    }
}

[[noreturn]] void execContainerProcess(const LaunchPlan& plan, const std::string& exe, int sync,
                                       bool foreground) {
    std::vector<char*> argv, envp;
    for (auto& a : plan.args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (auto& e : plan.env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    sigset_t all;
    sigemptyset(&all);
    ::sigprocmask(SIG_SETMASK, &all, nullptr);
    ::execve(exe.c_str(), argv.data(), envp.data());
    std::string msg = "exec " + exe + ": " + std::strerror(errno);
    if (foreground) {
        syncSend(sync, SyncMsg::Error, msg);
    } else {
        std::string line = "berth-runtime: " + msg + "\n";
        (void)!::write(2, line.data(), line.size());
    }
    ::_exit(127);
}

void runInit(const LaunchPlan& plan, const InitFds& fds) {
    const oci::Process& proc = *plan.spec.process;
    if (plan.twoStage) stageOne(plan, fds.sync);
    std::string hookState = fds.awaitGo ? expect(fds.sync, SyncMsg::Go) : std::string();
    for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2}) ::signal(sig, exitOnSignal);
    if (plan.newUser && !plan.twoStage) becomeNamespaceRoot(plan);
    if (plan.newCgroup && ::unshare(CLONE_NEWCGROUP) < 0) throw SysError("unshare cgroup namespace");
    if (::setsid() < 0) throw SysError("setsid");
    if (plan.newUts) {
        if (!plan.spec.hostname.empty() &&
            ::sethostname(plan.spec.hostname.data(), plan.spec.hostname.size()) < 0)
            throw SysError("hostname " + plan.spec.hostname);
        if (!plan.spec.domainname.empty() &&
            ::setdomainname(plan.spec.domainname.data(), plan.spec.domainname.size()) < 0)
            throw SysError("domainname " + plan.spec.domainname);
    }
    applyRlimits(plan);
    applyOomScoreAdj(plan);
    if (!plan.options.noNewKeyring) joinNewSessionKeyring(plan.options.id);

    RootfsContext ctx;
    ctx.rootfsPath = plan.rootfs;
    ctx.noPivot = plan.options.noPivot;
    ctx.inNewUserNamespace = plan.newUser ||
                             (plan.spec.linux && plan.spec.linux->hasNamespace(oci::NamespaceType::User));
    ctx.bundlePath = plan.options.bundle;
    ctx.cgroupV1 = fds.cgroupV1;
    prepareRootfs(plan.spec, ctx);

    UniqueFd slave;
    if (plan.terminal) {
        slave = setupConsole(plan.rootfs, fds.console, proc,
                             plan.spec.linux && plan.spec.linux->hasNamespace(oci::NamespaceType::Mount));
        ::close(fds.console);
    }
    if (plan.runtimeHooks) {
        // prestart/createRuntime run in the runtime now: the namespaces and mounts exist, the
        // root is not pivoted yet (runtime.md#lifecycle step 6).
        syncSend(fds.sync, SyncMsg::Hooks);
        expect(fds.sync, SyncMsg::HooksDone);
    }
    // createContainer: in the container's namespaces, before pivot_root (runtime.md step 7).
    runHooks(plan.spec.hooks, HookStage::CreateContainer, hookState);
    rootfs::OldRootDetach oldRoot = enterRootfs(plan.spec, ctx);
    if (slave) {
        attachConsole(slave.get());
        slave.reset();
    }
    // CVE-2024-21626: no host fd may survive to be a cwd or be inherited; the cwd is then
    // checked to be inside the container root.
    closeLeakedFds({fds.sync, fds.fifo}, plan.options.preserveFds);
    enterCwd(plan);
    // The old root is gone before a seccomp filter (TSYNC would reach the helper thread) or a
    // credential change (setresuid/capset would not), and before anything runs in the container.
    oldRoot.finish();
    // seccomp (runc's order): with no_new_privs as close to execve as possible; without it
    // while CAP_SYS_ADMIN is still held, i.e. before the capabilities are dropped. A notify
    // filter is loaded before Ready so the runtime can still pass its listener on.
    const CompiledSeccomp* filter = plan.seccomp ? &*plan.seccomp : nullptr;
    bool loadLate = filter && plan.noNewPrivileges && !filter->notify;
    // `run`: the runtime waits for the exec and still hears of any failure from here on, so
    // Ready goes now and its Start comes back while the filter is compiled and the
    // capabilities are dropped (a notify filter's listener must reach the runtime first).
    bool earlyReady = plan.options.foreground && !(filter && filter->notify);
    if (earlyReady) syncSend(fds.sync, SyncMsg::Ready);
    std::string exe;
    try {
        if (filter && !plan.noNewPrivileges) loadFilter(*filter, fds.sync);
        applyUserAndCapabilities(plan);
        if (filter && plan.noNewPrivileges && filter->notify) loadFilter(*filter, fds.sync);
        exe = findExecutable(plan);
    } catch (...) {
        // The runtime answers an early Ready with Start at once. Take it before reporting the
        // failure: a SEQPACKET socket closed with a message unread resets the connection, and
        // the runtime would read ECONNRESET (taken as a successful exec) instead of our Error.
        if (earlyReady) expect(fds.sync, SyncMsg::Start);
        throw;
    }

    if (!earlyReady) syncSend(fds.sync, SyncMsg::Ready);
    if (plan.options.foreground) {
        expect(fds.sync, SyncMsg::Start);
    } else {
        ::close(fds.sync);
        // exec.fifo: `start` opens it for writing and writes one byte. Until then poll
        // blocks: a reader that has never seen a writer gets no POLLHUP.
        pollfd p{fds.fifo, POLLIN, 0};
        while (::poll(&p, 1, -1) < 0)
            if (errno != EINTR) ::_exit(1);
        char c;
        (void)!::read(fds.fifo, &c, 1);
        ::close(fds.fifo);
    }
    try {
        // startContainer: in the container, after start, before the process (step 9 of start).
        runHooks(plan.spec.hooks, HookStage::StartContainer, hookState);
        if (loadLate) loadFilter(*filter, fds.sync);
    } catch (const std::exception& e) {
        if (plan.options.foreground) throw;
        std::string line = std::string("berth-runtime: ") + e.what() + "\n";
        (void)!::write(2, line.data(), line.size());
        ::_exit(1);
    }
    execContainerProcess(plan, exe, fds.sync, plan.options.foreground);
}

}  // namespace

pid_t cloneProcess(unsigned long long flags, int cgroupFd) {
    CloneArgs args{};
    args.flags = flags;
    if (cgroupFd >= 0) {
        args.flags |= CLONE_INTO_CGROUP;
        args.cgroup = uint64_t(cgroupFd);
    }
    // With CLONE_PARENT the child's exit signal is the caller's own (clone3 refuses one).
    args.exit_signal = (flags & CLONE_PARENT) ? 0 : SIGCHLD;
    return pid_t(::syscall(SYS_clone3, &args, sizeof args));
}

void containerInit(const LaunchPlan& plan, const InitFds& fds) {
    try {
        runInit(plan, fds);
    } catch (const std::exception& e) {
        syncSend(fds.sync, SyncMsg::Error, e.what());
    } catch (...) {
        syncSend(fds.sync, SyncMsg::Error, "container init: unknown error");
    }
    ::_exit(1);
}

}  // namespace berth::runtime
