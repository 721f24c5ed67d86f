#include "runtime/container/container_launcher.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/log.hpp"
#include "runtime/container/console.hpp"
#include "runtime/container/container_init.hpp"
#include "runtime/container/namespaces.hpp"
#include "runtime/container/sync_socket.hpp"
#include "runtime/hooks/hook_runner.hpp"

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

SyncMessage recvFromInit(int fd) {
    SyncMessage m = syncRecv(fd);
    if (m.eof) throw Error("container init exited during setup");
    if (m.type == SyncMsg::Error) throw Error(m.payload);
    return m;
}

nlohmann::json hookState(const ContainerState& s, const char* status) {
    nlohmann::json j{{"ociVersion", s.ociVersion}, {"id", s.id},   {"status", status},
                     {"pid", s.pid},               {"bundle", s.bundle}};
    if (!s.annotations.empty()) j["annotations"] = s.annotations;
    return j;
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
    if (plan.terminal && !opts.consoleSocket.empty()) console = connectConsoleSocket(opts.consoleSocket);
    UniqueFd fifo;
    if (!opts.foreground) {
        std::string path = store.fifoPath(opts.id);
        if (::mkfifo(path.c_str(), 0622) < 0) throw SysError("mkfifo " + path);
        fifo = UniqueFd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
        if (!fifo) throw SysError("open " + path);
    }
    SyncPair sync = SyncPair::make();
    // Hook point (issue 3): the cgroup is planned and set up here, before the clone
    // (clone3 CLONE_INTO_CGROUP on v2), so no user code runs outside it.
    unsigned long long flags = plan.twoStage ? 0 : (unsigned long long)plan.newFlags;
    ChildGuard guard;
    pid_t child = cloneProcess(flags);
    if (child < 0) throw SysError("clone the container init (namespaces " + std::to_string(flags) + ")");
    if (child == 0) {
        sync.parent.reset();
        containerInit(plan, InitFds{sync.child.get(), fifo.get(), console.get()});
    }
    guard.pids.push_back(child);
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
    state.pidStartTime = processStartTime(init);
    // Hook point (issue 3): on v1 (or without CLONE_INTO_CGROUP) the init joins its cgroup here.
    syncSend(fd, SyncMsg::Go);
    for (;;) {
        SyncMessage m = recvFromInit(fd);
        if (m.type == SyncMsg::Ready) break;
        if (m.type == SyncMsg::Hooks) {
            std::string st = hookState(state, "creating").dump();
            runHooks(plan.spec.hooks, HookStage::Prestart, st);
            runHooks(plan.spec.hooks, HookStage::CreateRuntime, st);
            syncSend(fd, SyncMsg::HooksDone);
            continue;
        }
        throw Error("container init: unexpected message");
    }
    store.save(state);
    if (!opts.pidFile.empty()) writeFileAtomic(opts.pidFile, std::to_string(init), 0644);
    guard.dismiss();
    CreateResult r;
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

void startForeground(int sync) {
    syncSend(sync, SyncMsg::Start);
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

int waitForwardingSignals(pid_t pid) {
    sigset_t set;
    sigemptyset(&set);
    for (int s : kForwarded) sigaddset(&set, s);
    UniqueFd sfd(::signalfd(-1, &set, SFD_CLOEXEC));
    if (!sfd) throw SysError("signalfd");
    for (;;) {
        int status;
        pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) {
            if (WIFEXITED(status)) return WEXITSTATUS(status);
            if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
            continue;
        }
        if (r < 0 && errno != EINTR) throw SysError("wait for the container");
        signalfd_siginfo si;
        ssize_t n = ::read(sfd.get(), &si, sizeof si);
        if (n != sizeof si) continue;
        if (si.ssi_signo == SIGCHLD) continue;
        ::kill(pid, int(si.ssi_signo));
    }
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
