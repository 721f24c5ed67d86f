#include "runtime/container/container_launcher.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/log.hpp"
#include "common/strings.hpp"
#include "runtime/container/console.hpp"
#include "runtime/container/container_init.hpp"
#include "runtime/container/namespaces.hpp"
#include "runtime/container/sync_socket.hpp"
#include "runtime/hooks/hook_runner.hpp"
#include "runtime/hooks/saved_hooks.hpp"

namespace berth::runtime {
namespace {

// Kills and reaps cloned processes unless dismissed: a failed create leaves none behind.
struct ChildGuard {
    std::vector<pid_t> pids;
    ~ChildGuard() {
        for (pid_t p : pids) {
            ::kill(p, SIGKILL);
            ::waitpid(p, nullptr, 0);
        }
    }
    void dismiss() { pids.clear(); }
};

// Removes the cgroup of a failed create (after ChildGuard killed its processes).
struct CgroupGuard {
    std::unique_ptr<cgroups::CgroupManager> manager;
    ~CgroupGuard() {
        if (!manager) return;
        try {
            manager->destroy();
        } catch (const std::exception& e) {
            logWarn(std::string("remove the cgroup of a failed create: ") + e.what());
        }
    }
    void dismiss() { manager.reset(); }
};

// A pure cgroup v2 host (cgroup2 mounted on /sys/fs/cgroup).
bool unifiedOnlyHost() {
    struct statfs st;
    return ::statfs("/sys/fs/cgroup", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC;
}

bool hasLaterHooks(const oci::Hooks& h) { return !h.poststart.empty() || !h.poststop.empty(); }

// The v1 hierarchies with the container's dir in each (see CgroupManager::toJson), in the
// host's mount order; unset on a pure v2 host (the init then mounts cgroup2).
std::optional<std::vector<rootfs::CgroupHierarchy>> cgroupV1Of(const cgroups::CgroupManager& m) {
    auto j = m.toJson();
    if (j.value("version", 0) != 1 || !j.contains("hierarchies")) return std::nullopt;
    std::vector<rootfs::CgroupHierarchy> out;
    for (auto& h : j["hierarchies"]) {
        rootfs::CgroupHierarchy c;
        c.hostMountPoint = h.value("mountPoint", "");
        c.controllers = h.value("controllers", std::vector<std::string>{});
        c.subsystems = join(c.controllers, ",");
        c.processDir = h.value("dir", "");
        out.push_back(std::move(c));
    }
    return out;
}

SyncMessage recvFromInit(int fd) {
    SyncMessage m = syncRecv(fd);
    if (m.eof) throw Error("container init exited during setup");
    if (m.type == SyncMsg::Error) throw Error(m.payload);
    return m;
}

}  // namespace

CreateResult createContainer(const StateStore& store, LaunchPlan& plan) {
    const auto& opts = plan.options;
    ContainerState state;
    state.ociVersion = plan.spec.ociVersion;
    state.id = opts.id;
    state.bundle = opts.bundle;
    state.rootfs = plan.rootfs;
    state.annotations = plan.spec.annotations;
    state.newPidNamespace = plan.newPid;
    state.created = rfc3339Now();

    openNamespaceJoins(plan);
    UniqueFd console;
    if (plan.terminal) {
        if (!opts.consoleSocket.empty()) console = connectConsoleSocket(opts.consoleSocket);
        else console = UniqueFd(::fcntl(opts.consoleSocketFd, F_DUPFD_CLOEXEC, 3));
        if (!console) throw SysError("console socket");
    }
    UniqueFd fifo;
    if (!opts.foreground) {
        std::string path = store.fifoPath(opts.id);
        if (::mkfifo(path.c_str(), 0622) < 0) throw SysError("mkfifo " + path);
        fifo = UniqueFd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
        if (!fifo) throw SysError("open " + path);
    }
    SyncPair sync = SyncPair::make();
    // The cgroup exists with its limits before the init does; on v2 (or a hybrid host's
    // unified hierarchy) the init is cloned straight into it (clone3 CLONE_INTO_CGROUP), so
    // no user code ever runs outside it.
    CgroupGuard cgroup;
    // On a v1 or hybrid host there is no CLONE_INTO_CGROUP for most controllers, and every
    // cgroup.procs write waits for an RCU grace period: without a cgroup namespace to unshare
    // (its root must be the container's cgroup), the init joins the cgroup while it builds its
    // rootfs, and is in it before it reports Ready: no user code runs outside it. The cgroup
    // itself exists before: the init's `cgroup` mount binds its dirs.
    bool overlapJoin = plan.cgroup && !plan.newCgroup && !unifiedOnlyHost();
    if (plan.cgroup) {
        cgroup.manager = cgroups::setupContainerCgroup(*plan.cgroup);
        logDebug("create " + opts.id + ": cgroup set up");
    }
    InitFds initFds{sync.child.get(), fifo.get(), console.get(), {}};
    // Nothing for the runtime to do between clone and the rootfs (the common case): the init
    // starts at once instead of sleeping until a Go comes back from us.
    const oci::Hooks& hooks = plan.spec.hooks;
    initFds.awaitGo = plan.newUser || plan.twoStage || (plan.cgroup && !overlapJoin) ||
                      !hooks.createContainer.empty() || !hooks.startContainer.empty();
    if (cgroup.manager) initFds.cgroupV1 = cgroupV1Of(*cgroup.manager);
    UniqueFd into;
    if (cgroup.manager && !plan.twoStage) into = cgroup.manager->cloneIntoFd();
    unsigned long long flags = plan.twoStage ? 0 : (unsigned long long)plan.newFlags;
    ChildGuard guard;  // declared after the cgroup: processes die before it is removed
    pid_t child = cloneProcess(flags, into ? into.get() : -1);
    bool clonedInto = into && child >= 0;
    if (child < 0 && into) child = cloneProcess(flags);  // e.g. EBUSY: join by cgroup.procs
    if (child < 0) throw SysError("clone the container init (namespaces " + std::to_string(flags) + ")");
    if (child == 0) {
        sync.parent.reset();
        containerInit(plan, initFds);
    }
    guard.pids.push_back(child);
    logDebug("create " + opts.id + ": init cloned, pid " + std::to_string(child));
    into.reset();
    sync.child.reset();
    fifo.reset();
    console.reset();
    int fd = sync.parent.get();

    pid_t init = child;
    if (plan.twoStage) {
        for (;;) {
            SyncMessage m = recvFromInit(fd);
            if (m.type == SyncMsg::Maps) {
                writeIdMappings(child, plan.spec.linux->uidMappings, plan.spec.linux->gidMappings);
                syncSend(fd, SyncMsg::MapsDone);
            } else if (m.type == SyncMsg::InitPid) {
                init = pid_t(std::stol(m.payload));
                guard.pids.push_back(init);
                break;
            } else {
                throw Error("container init: unexpected message");
            }
        }
        int st;
        ::waitpid(child, &st, 0);
        guard.pids.erase(guard.pids.begin());
    } else if (plan.newUser) {
        writeIdMappings(child, plan.spec.linux->uidMappings, plan.spec.linux->gidMappings);
    }
    state.pid = init;
    auto joinCgroup = [&] {
        withContext("cgroup", [&] { cgroup.manager->addProcess(init, clonedInto); });
        cgroups::saveContainerCgroup(store.dir(opts.id), *cgroup.manager);
        logDebug("create " + opts.id + ": init in its cgroup");
    };
    if (cgroup.manager && !overlapJoin) joinCgroup();
    std::string creating = hookState(state, "creating").dump();
    if (initFds.awaitGo) syncSend(fd, SyncMsg::Go, creating);
    // Read while the init works (it cannot be reaped before we wait for it): the start time
    // pins the pid against reuse in state.json.
    state.pidStartTime = processStartTime(init);
    if (overlapJoin) joinCgroup();
    for (;;) {
        SyncMessage m = recvFromInit(fd);
        if (m.type == SyncMsg::Ready) {
            logDebug("create " + opts.id + ": init ready");
            // `run`: the process starts now, while the state files below are written (the
            // init has nothing left to wait for; awaitForegroundStart() collects the outcome).
            if (opts.foreground) syncSend(fd, SyncMsg::Start);
            break;
        }
        if (m.type == SyncMsg::Hooks) {
            runHooks(plan.spec.hooks, HookStage::Prestart, creating);
            runHooks(plan.spec.hooks, HookStage::CreateRuntime, creating);
            syncSend(fd, SyncMsg::HooksDone);
            continue;
        }
        if (m.type == SyncMsg::Seccomp) {
            UniqueFd listener = recvFd(fd);
            const auto& sc = *plan.seccomp;
            sendSeccompListenerFd(sc.listenerPath, listener.get(), hookState(state, "creating"),
                                  init, sc.listenerMetadata);
            continue;
        }
        throw Error("container init: unexpected message");
    }
    if (hasLaterHooks(plan.spec.hooks)) saveLaterHooks(store.dir(opts.id), plan.spec.hooks);
    // exec reads the config from here, not from a bundle that may have changed since.
    writeFile(store.dir(opts.id) + "/config.json",
              plan.configText.empty() ? plan.spec.raw.dump() : plan.configText);
    store.save(state);
    if (!opts.pidFile.empty()) writeFileReplace(opts.pidFile, std::to_string(init), 0644);
    guard.dismiss();
    cgroup.dismiss();
    CreateResult r;
    r.terminal = plan.terminal;
    r.state = std::move(state);
    if (opts.foreground) r.sync = std::move(sync.parent);
    return r;
}

void startCreated(const StateStore& store, ContainerState& state) {
    ContainerStatus st = store.status(state);
    if (st != ContainerStatus::Created)
        throw Error("cannot start container " + state.id + ": it is " + statusName(st) +
                    ", not created");
    std::string path = store.fifoPath(state.id);
    UniqueFd fifo(::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC));
    if (!fifo) {
        if (errno == ENXIO) throw Error("cannot start container " + state.id + ": its init is gone");
        throw SysError("open " + path);
    }
    char c = '0';
    if (::write(fifo.get(), &c, 1) != 1) throw SysError("write " + path);
    fifo.reset();
    ::unlink(path.c_str());
    state.started = true;
    store.save(state);
}

void awaitForegroundStart(int sync) {
    SyncMessage m = syncRecv(sync);
    if (m.eof) return;  // the sync socket is close-on-exec: EOF means the exec happened
    if (m.type == SyncMsg::Error) throw Error(m.payload);
}

static const int kForwarded[] = {SIGHUP,  SIGINT,  SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2,
                                 SIGPIPE, SIGALRM, SIGCONT, SIGWINCH, SIGCHLD, SIGTSTP, SIGTTIN, SIGTTOU, SIGURG, SIGVTALRM, SIGPROF, SIGIO, SIGPWR, SIGSYS, SIGXCPU, SIGXFSZ};

void blockForwardedSignals() {
    sigset_t set;
    sigemptyset(&set);
    for (int s : kForwarded) sigaddset(&set, s);
    ::sigprocmask(SIG_BLOCK, &set, nullptr);
}

namespace {

// Copies what is readable on `from` to `to`; false at EOF or error (the pty's EIO once every
// slave is closed).
bool pump(int from, int to) {
    char buf[16384];
    ssize_t n = ::read(from, buf, sizeof buf);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
    if (n <= 0) return false;
    for (ssize_t off = 0; off < n;) {
        ssize_t w = ::write(to, buf + off, size_t(n - off));
        if (w < 0) {
            if (errno == EINTR || errno == EAGAIN) continue;
            return false;
        }
        off += w;
    }
    return true;
}

void copyWindowSize(int master) {
    winsize ws;
    if (::ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0) ::ioctl(master, TIOCSWINSZ, &ws);
}

}  // namespace

int waitForwardingSignals(pid_t pid, int master) {
    sigset_t set;
    sigemptyset(&set);
    for (int s : kForwarded) sigaddset(&set, s);
    UniqueFd sfd(::signalfd(-1, &set, SFD_CLOEXEC));
    if (!sfd) throw SysError("signalfd");
    termios saved{};
    bool raw = false;
    if (master >= 0) {
        ::fcntl(master, F_SETFL, ::fcntl(master, F_GETFL) | O_NONBLOCK);
        if (::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &saved) == 0) {
            termios t = saved;
            ::cfmakeraw(&t);
            raw = ::tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
        }
        copyWindowSize(master);
    }
    bool stdinOpen = master >= 0, masterOpen = master >= 0;
    int code = -1;
    while (code < 0) {
        int status;
        pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            if (WIFEXITED(status)) code = WEXITSTATUS(status);
            else if (WIFSIGNALED(status)) code = 128 + WTERMSIG(status);
            continue;
        }
        if (r < 0 && errno != EINTR) throw SysError("wait for the container");
        pollfd p[3] = {{sfd.get(), POLLIN, 0},
                       {stdinOpen ? STDIN_FILENO : -1, POLLIN, 0},
                       {masterOpen ? master : -1, POLLIN, 0}};
        if (::poll(p, 3, -1) < 0) continue;
        if (p[1].revents) stdinOpen = pump(STDIN_FILENO, master);
        if (p[2].revents) masterOpen = pump(master, STDOUT_FILENO);
        if (!(p[0].revents & POLLIN)) continue;
        signalfd_siginfo si;
        ssize_t n = ::read(sfd.get(), &si, sizeof si);
        if (n != sizeof si) continue;
        if (si.ssi_signo == SIGCHLD) continue;
        if (si.ssi_signo == SIGWINCH && master >= 0) {
            copyWindowSize(master);
            continue;
        }
        ::kill(pid, int(si.ssi_signo));
    }
    // What the container wrote just before exiting is still in the pty.
    while (masterOpen && pump(master, STDOUT_FILENO)) {
        pollfd p{master, POLLIN, 0};
        if (::poll(&p, 1, 0) <= 0) break;
    }
    if (raw) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    return code;
}

void signalInit(const ContainerState& state, int sig) {
    int pidfd = int(::syscall(SYS_pidfd_open, state.pid, 0));
    if (pidfd < 0) throw SysError("container " + state.id + " is not running");
    UniqueFd guard(pidfd);
    // The pidfd pins the process: checking the start time after opening it rules out reuse.
    if (!processAlive(state.pid, state.pidStartTime))
        throw Error("container " + state.id + " is not running", ESRCH);
    if (::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0) < 0)
        throw SysError("signal " + std::to_string(sig) + " to container " + state.id);
}

void killAndWait(const ContainerState& state, int timeoutMs) {
    int pidfd = int(::syscall(SYS_pidfd_open, state.pid, 0));
    if (pidfd < 0) return;  // already gone
    UniqueFd guard(pidfd);
    if (!processAlive(state.pid, state.pidStartTime)) return;
    ::syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, nullptr, 0);
    pollfd p{pidfd, POLLIN, 0};
    ::poll(&p, 1, timeoutMs);
    // Our own child (run) stays a zombie until reaped; the caller reaps it.
}

}  // namespace berth::runtime
