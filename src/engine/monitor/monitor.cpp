#include "engine/monitor/monitor.hpp"

#include <signal.h>
#include <sys/mount.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "engine/monitor/event_file.hpp"
#include "engine/monitor/json_out.hpp"
#include "engine/monitor/monitor_internal.hpp"
#include "engine/monitor/process.hpp"
#include "engine/monitor/unix_socket.hpp"
#include "engine/monitor/volume_holds.hpp"
#include "runtime/cli/cli_args.hpp"
#include "runtime/cli/delete_stopped.hpp"

namespace berth::monitor {

// Docker's restart backoff (moby restartmanager): 100 ms, doubling, at most 1 min, back to 100 ms
// after a run of 10 s or more.
constexpr int64_t kBackoffStartNs = 100'000'000;
constexpr int64_t kBackoffMaxNs = 60'000'000'000;
constexpr int64_t kBackoffResetRunNs = 10'000'000'000;

// berth-runtime's own binary (by name, as spawnProtectedRuntime decides).
static bool isBerthRuntime(const std::string& runtime) {
    auto slash = runtime.rfind('/');
    return runtime.compare(slash == std::string::npos ? 0 : slash + 1, std::string::npos,
                           "berth-runtime") == 0;
}

uint64_t processStartTime(pid_t pid, char* state) {
    std::string stat;
    try {
        stat = readFile("/proc/" + std::to_string(pid) + "/stat");
    } catch (const Error&) {
        return 0;
    }
    // Field 3 is the state, 22 the start time; fields after the ")" that ends comm start at 3.
    auto close = stat.rfind(')');
    if (close == std::string::npos) return 0;
    const char* p = stat.c_str() + close + 1;
    for (int field = 3; field <= 22 && *p; ++field) {
        while (*p == ' ') ++p;
        if (field == 3 && state) *state = *p;
        if (field == 22) return strtoull(p, nullptr, 10);
        while (*p && *p != ' ') ++p;
    }
    return 0;
}

Monitor::Monitor(MonitorOptions options)
    : opts_(std::move(options)), rootfs_(opts_.bundle + "/rootfs") {}
Monitor::~Monitor() = default;

void Monitor::watch(int fd, uint64_t tag, uint32_t events) {
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = tag;
    if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) throw SysError("epoll_ctl add");
}

void Monitor::rewatch(int fd, uint64_t tag, uint32_t events) {
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = tag;
    epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, fd, &ev);
}

void Monitor::unwatch(int fd) {
    epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
}

void Monitor::armTimer(int fd, int64_t delayNs) {
    itimerspec spec{};
    if (delayNs > 0) {
        spec.it_value.tv_sec = delayNs / 1'000'000'000;
        spec.it_value.tv_nsec = delayNs % 1'000'000'000;
    }
    timerfd_settime(fd, 0, &spec, nullptr);  // 0 disarms
}

static UniqueFd makeTimer() {
    UniqueFd fd(timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
    if (!fd) throw SysError("timerfd_create");
    return fd;
}

void Monitor::setUp() {
    mkdirAll(opts_.stateDir, 0700);
    replaceFile(path("monitor.pid"),
                std::to_string(getpid()) + " " + std::to_string(processStartTime(getpid())) + "\n");
    // The container's init is reparented to us when `runtime create` exits.
    if (prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) throw SysError("prctl PR_SET_CHILD_SUBREAPER");

    sigset_t mask;
    sigemptyset(&mask);
    for (int sig : {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2})
        sigaddset(&mask, sig);
    sigprocmask(SIG_BLOCK, &mask, nullptr);
    signal(SIGPIPE, SIG_IGN);
    signalFd_.reset(signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));
    if (!signalFd_) throw SysError("signalfd");

    epoll_.reset(epoll_create1(EPOLL_CLOEXEC));
    if (!epoll_) throw SysError("epoll_create1");
    watch(signalFd_.get(), kTagSignal, EPOLLIN);
    restartTimer_ = makeTimer();
    stopTimer_ = makeTimer();
    watch(restartTimer_.get(), kTagRestartTimer, EPOLLIN);
    watch(stopTimer_.get(), kTagStopTimer, EPOLLIN);
    if (!opts_.health.command.empty()) {
        healthTimer_ = makeTimer();
        healthTimeout_ = makeTimer();
        watch(healthTimer_.get(), kTagHealthTimer, EPOLLIN);
        watch(healthTimeout_.get(), kTagHealthTimeout, EPOLLIN);
    }

    log_ = std::make_unique<JsonLogWriter>(opts_.logPath, opts_.logMaxSize, opts_.logMaxFiles);
    listen_ = listenUnix(path("monitor.sock"));
    watch(listen_.get(), kTagListen, EPOLLIN);
    setUpStdio();
    adoptAttachFd();
    // Before the create: from here on no other container's exit unmounts them.
    for (const auto& dir : opts_.heldVolumes) volumeHolds_.push_back(holdVolume(dir));
    try {
        launch(!opts_.noStart);
    } catch (...) {
        volumeHolds_.clear();  // before the report: the engine unmounts what nobody holds
        throw;
    }
}

void Monitor::adoptAttachFd() {
    if (opts_.attachFd < 0) return;
    auto c = std::make_unique<Client>();
    c->id = nextClientId_++;
    c->fd.reset(opts_.attachFd);
    opts_.attachFd = -1;
    setNonBlocking(c->fd.get());
    c->attached = true;
    c->wantStdout = c->wantStderr = true;
    // Without a stdin to feed (no -i, no tty) the client's input is ignored, as an attach
    // request refuses it.
    c->wantStdin = opts_.attachStdin && (opts_.terminal || opts_.openStdin);
    c->stdinOnce = c->wantStdin && opts_.attachStdinOnce;
    c->takesExit = opts_.attachTakesExit;
    c->events = EPOLLIN | EPOLLRDHUP;
    watch(c->fd.get(), kTagClient | (c->id << 8), c->events);
    attachedClient_ = c->id;
    clients_.push_back(std::move(c));
}

void Monitor::launch(bool start) {
    // `berth-runtime run -d`: one exec instead of create + start, and the init execs the process
    // as soon as it is ready instead of waiting on exec.fifo for a second runtime process. Other
    // runtimes get the plain OCI create + start. A pty whose size must be set before the
    // process starts needs the two steps (the master arrives only with create).
    bool atOnce = start && isBerthRuntime(opts_.runtime) &&
                  !(opts_.terminal && opts_.ttyRows > 0);
    createContainer(atOnce);
    // The runtime pivoted into the overlay: a restart policy keeps a clone of it (the host's
    // mount goes, as for every running container).
    if (opts_.restart.kind != RestartPolicy::Kind::No) rootfs_.keepAfterCreate();
    if (!start) return;
    if (atOnce) {
        markStarted();
        return;
    }
    if (opts_.terminal && opts_.ttyRows > 0 && ptyMaster_) {
        winsize ws{};
        ws.ws_row = static_cast<unsigned short>(opts_.ttyRows);
        ws.ws_col = static_cast<unsigned short>(opts_.ttyCols);
        if (ioctl(ptyMaster_.get(), TIOCSWINSZ, &ws) != 0) diag("TIOCSWINSZ: " + errnoName(errno));
    }
    try {
        startContainer();
    } catch (Error&) {
        if (containerPid_ > 0) kill(containerPid_, SIGKILL);
        deleteContainer();
        throw;
    }
}

void Monitor::createContainer(bool runAtOnce) {
    const char* verb = runAtOnce ? "run" : "create";
    std::string pidFile = path("container.pid");
    ::unlink(pidFile.c_str());
    std::vector<std::string> argv;
    UniqueFd console;
    Pipe capture = Pipe::make();
    ChildStdio stdio;
    if (opts_.terminal) {
        std::string consolePath = path("console.sock");
        console = listenUnix(consolePath);
        argv = runtimeCommand(opts_, {verb, "--bundle", opts_.bundle, "--pid-file", pidFile,
                                      "--console-socket", consolePath, opts_.id});
        stdio = {-1, capture.write.get(), capture.write.get()};
    } else {
        if (opts_.openStdin && !stdinWrite_) {
            Pipe in = Pipe::make();
            stdinRead_ = std::move(in.read);
            stdinWrite_ = std::move(in.write);
            setNonBlocking(stdinWrite_.get());
            closeStdinWhenFlushed_ = false;
        }
        argv = runtimeCommand(
            opts_, {verb, "--bundle", opts_.bundle, "--pid-file", pidFile, opts_.id});
        stdio = {stdinRead_.get(), stdoutWrite_.get(), stderrWrite_.get()};
    }
    if (runAtOnce) argv.insert(argv.end() - 1, "--detach");
    pid_t pid = spawnProtectedRuntime(argv, stdio);
    capture.write.reset();
    int status = 0;
    try {
        status = waitChild(pid, opts_.runtimeTimeoutNs, opts_.runtime + " " + verb + " " + opts_.id);
    } catch (Error&) {
        if (opts_.terminal) ::unlink(path("console.sock").c_str());
        deleteContainer();
        throw;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        // Without a tty the runtime's complaint went down the container's stderr pipe.
        std::string text =
            opts_.terminal ? drainFd(capture.read.get()) : drainFd(stderrRead_.get());
        if (!opts_.terminal) drainFd(stdoutRead_.get());
        if (opts_.terminal) ::unlink(path("console.sock").c_str());
        deleteContainer();
        throw Error(opts_.runtime + " " + verb + " " + opts_.id + ": " + describeWaitStatus(status) +
                    (text.empty() ? "" : ": " + trimRight(text)));
    }
    containerPid_ = static_cast<pid_t>(atoi(readFile(pidFile).c_str()));
    if (containerPid_ <= 0) throw Error("runtime wrote no pid to " + pidFile);
    if (opts_.terminal) {
        ::unlink(path("console.sock").c_str());
        UniqueFd conn = acceptWithTimeout(console.get(), 5000);
        if (!conn) {
            kill(containerPid_, SIGKILL);
            deleteContainer();
            throw Error(std::string("runtime ") + verb + " " + opts_.id +
                        ": no pty master arrived on the console socket (is process.terminal "
                        "true in config.json?)");
        }
        ptyMaster_ = receiveFd(conn.get());
        setNonBlocking(ptyMaster_.get());
        watch(ptyMaster_.get(), kTagPty, EPOLLIN);
    }
    status_ = Status::Created;
    if (!runAtOnce) writeState();  // else markStarted() writes it
}

void Monitor::startContainer() {
    auto r = runCaptured(runtimeCommand(opts_, {"start", opts_.id}), opts_.runtimeTimeoutNs);
    if (!WIFEXITED(r.status) || WEXITSTATUS(r.status) != 0)
        throw Error(opts_.runtime + " start " + opts_.id + ": " + describeWaitStatus(r.status) +
                    (r.output.empty() ? "" : ": " + trimRight(r.output)));
    markStarted();
}

void Monitor::markStarted() {
    startedAtNs_ = nowUnixNs();
    status_ = Status::Running;
    // Docker's "start", on each start and each restart, in the same file as the "die" that
    // follows it: a reader imports them in that order (the engine imports it when start returns).
    appendMonitorEvent(opts_.stateDir, "start", {});
    if (!opts_.health.command.empty()) {
        health_.reset();
        replaceFile(path("health.json"), health_.toJson());
        armHealthTimer(opts_.health.intervalNs);
    }
    writeState();
}

void Monitor::deleteContainer() {
    // berth-runtime's own delete, in this process: no exec on the exit path. Its state dir is
    // the runtime's --root; a container whose init still runs goes the exec way (--force).
    if (isBerthRuntime(opts_.runtime) && opts_.runtimeArgs.empty()) {
        try {
            std::string root =
                opts_.runtimeRoot.empty() ? runtime::cli::GlobalOptions{}.root : opts_.runtimeRoot;
            if (runtime::cli::deleteIfStopped(root, opts_.id) !=
                runtime::cli::DeleteOutcome::NotStopped)
                return;
        } catch (const std::exception& e) {
            diag(std::string("delete ") + opts_.id + ": " + e.what());
        }
    }
    try {
        runCaptured(runtimeCommand(opts_, {"delete", "--force", opts_.id}), opts_.runtimeTimeoutNs);
    } catch (const Error& e) {
        diag(e.what());  // best effort: the engine's system check finds what is left
    }
}

void Monitor::onSignal() {
    signalfd_siginfo info;
    bool child = false;
    while (::read(signalFd_.get(), &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
        // Terminating signals are ignored on purpose: the container must outlive a stray kill of
        // its monitor's session; stop it through the control socket.
        if (info.ssi_signo == SIGCHLD) child = true;
    }
    if (!child) return;
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid <= 0) break;
        if (pid == containerPid_)
            onContainerExit(status);
        else if (pid == healthPid_)
            onHealthExit(status);
        else if (ExecSession* s = findExecByPid(pid))
            onExecExit(*s, status);
        // Anything else: an orphan reparented to us (e.g. a runtime helper); reaped, done.
    }
}

bool Monitor::shouldRestart(int exitCode, int64_t ranNs) {
    if (opts_.restart.kind == RestartPolicy::Kind::No || manualStop_) return false;
    if (ranNs >= kBackoffResetRunNs) backoffNs_ = 0;
    backoffNs_ = backoffNs_ == 0 ? kBackoffStartNs : std::min(backoffNs_ * 2, kBackoffMaxNs);
    if (opts_.restart.kind == RestartPolicy::Kind::OnFailure) {
        int max = opts_.restart.maxRetries;
        return exitCode != 0 && (max == 0 || restartCount_ < max);
    }
    return true;  // always, unless-stopped
}

void Monitor::onContainerExit(int waitStatus) {
    drainOutput();
    log_->flushAll();
    if (ptyMaster_) {
        unwatch(ptyMaster_.get());
        ptyMaster_.reset();
    }
    finishedAtNs_ = nowUnixNs();
    exitCode_ = WIFEXITED(waitStatus) ? WEXITSTATUS(waitStatus) : 128 + WTERMSIG(waitStatus);
    exitSignal_ = WIFSIGNALED(waitStatus) ? WTERMSIG(waitStatus) : 0;
    containerPid_ = -1;
    oomKilled_ = oomKillCount() > 0;  // before delete removes the cgroup
    if (oomKilled_) appendMonitorEvent(opts_.stateDir, "oom", {});  // docker: oom, then die
    armTimer(stopTimer_.get(), 0);
    if (healthTimer_) {
        armTimer(healthTimer_.get(), 0);
    }
    bool restart = shouldRestart(exitCode_, finishedAtNs_ - startedAtNs_);
    // Docker's "die" event (the engine imports it into the journal): exitCode, execDuration (s).
    // Before the exit record: an engine that finds the record finds the die too.
    appendMonitorEvent(opts_.stateDir, "die",
                       {{"exitCode", std::to_string(exitCode_)},
                        {"execDuration", std::to_string((finishedAtNs_ - startedAtNs_) / 1'000'000'000)}});
    bool deleted = false;
    if (restart) {
        deleteContainer();  // the same id is created again
        deleted = true;
        if (!rootfs_.putBack()) {
            error_ = "the rootfs to restart the container from is gone: see monitor.log";
            restart = false;  // the final exit (finish())
        }
    }
    if (restart) {
        writeExitRecord(false);
        ++restartCount_;
        status_ = Status::Restarting;
        writeState();
        armTimer(restartTimer_.get(), backoffNs_);
        return;
    }
    // The runtime's state (cgroups in every v1 controller, its state dir: ms) goes after the
    // release in run(): nobody waits on it (system check deletes it if we die first). Deleted
    // already when the restart found no rootfs.
    deleteAfterRelease_ = !deleted;
    finish();
}

void Monitor::onRestartTimer() {
    uint64_t expirations;
    if (::read(restartTimer_.get(), &expirations, sizeof expirations) < 0) return;
    if (status_ != Status::Restarting) return;
    try {
        launch(true);
    } catch (const Error& e) {
        error_ = e.what();
        if (containerPid_ > 0) {
            kill(containerPid_, SIGKILL);
            manualStop_ = true;  // its exit ends the monitor
            return;
        }
        finish();
    }
}

void Monitor::requestStop(int sig, int timeoutSeconds) {
    manualStop_ = true;
    switch (status_) {
        case Status::Restarting:
            // The last exit becomes the final one: no restart follows.
            armTimer(restartTimer_.get(), 0);
            finish();
            return;
        case Status::Created:
            kill(containerPid_, SIGKILL);
            return;
        case Status::Running:
            kill(containerPid_, sig);
            // -t 0: SIGKILL at once (a delay of 0 would disarm the timer: no kill ever).
            armTimer(stopTimer_.get(),
                     std::max<int64_t>(1, static_cast<int64_t>(timeoutSeconds) * 1'000'000'000));
            return;
        case Status::Exited:
            return;
    }
}

long Monitor::oomKillCount() const {
    if (opts_.oomFile.empty()) return 0;
    std::string text;
    try {
        text = readFile(opts_.oomFile);
    } catch (const Error&) {
        return 0;
    }
    // "oom_kill N" in both v1 memory.oom_control (kernel >= 4.13) and v2 memory.events.
    auto pos = text.find("oom_kill ");
    if (pos == std::string::npos) return 0;
    return std::strtol(text.c_str() + pos + 9, nullptr, 10);
}

void Monitor::finish() {
    rootfs_.release();
    if (opts_.unmountRootfs) {
        // Before "exited" is published: a `start` that follows mounts it again, never races us.
        // Lazy: a `cp` that still holds the tree keeps it until done.
        std::string rootfs = opts_.bundle + "/rootfs";
        if (::umount2(rootfs.c_str(), MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
            diag("unmount " + rootfs + ": " + errnoName(errno));
    }
    status_ = Status::Exited;
    writeState();
    // After "exited": a `start` that comes first holds them anew, under the same lock.
    releaseVolumes(volumeHolds_, opts_.heldVolumes);
    // Last: the final exit record tells the engine that the monitor let go of the container's
    // directory and volumes (waitMonitorReleased); it only deletes the runtime's state and runs
    // the exit command after this.
    writeExitRecord(true);
    done_ = true;
}

const char* Monitor::statusName() const {
    switch (status_) {
        case Status::Created:
            return "created";
        case Status::Running:
            return "running";
        case Status::Restarting:
            return "restarting";
        case Status::Exited:
            break;
    }
    return "exited";
}

std::string Monitor::stateJson() const {
    JsonOut j;
    j.str("id", opts_.id)
        .str("status", statusName())
        .num("pid", containerPid_ > 0 ? containerPid_ : 0)
        .num("monitorPid", getpid())
        .num("exitCode", exitCode_)
        .str("startedAt", startedAtNs_ ? rfc3339Nano(startedAtNs_) : "0001-01-01T00:00:00Z")
        .str("finishedAt", finishedAtNs_ ? rfc3339Nano(finishedAtNs_) : "0001-01-01T00:00:00Z")
        .num("restartCount", restartCount_)
        .boolean("manualStop", manualStop_)
        .boolean("oomKilled", oomKilled_);
    if (!opts_.health.command.empty()) j.str("health", health_.statusName());
    if (!error_.empty()) j.str("error", error_);
    return j.done();
}

void Monitor::writeState() {
    try {
        replaceFile(path("state.json"), stateJson() + "\n");
    } catch (const Error& e) {
        diag(std::string("writing state.json: ") + e.what());
    }
}

void Monitor::writeExitRecord(bool final) {
    std::string record = JsonOut()
                             .str("id", opts_.id)
                             .num("exitCode", exitCode_)
                             .num("exitSignal", exitSignal_)
                             .str("startedAt", rfc3339Nano(startedAtNs_))
                             .str("finishedAt", rfc3339Nano(finishedAtNs_))
                             .num("restartCount", restartCount_)
                             .boolean("manualStop", manualStop_)
                             .boolean("final", final)
                             .done();
    try {
        // Atomic, not durable (no fsync: 2 per exit, 1-12 ms on a busy ext4): a crash of the
        // host that loses it also killed the container; checkMonitor then reports the monitor
        // lost (a torn or missing exit.json reads as "not final"), which is what happened.
        writeFileReplace(path("exit.json"), record + "\n");
    } catch (const Error& e) {
        diag(std::string("writing exit.json: ") + e.what());
    }
}

int Monitor::run() {
    epoll_event events[16];
    while (!done_) {
        int n = epoll_wait(epoll_.get(), events, 16, -1);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw SysError("epoll_wait");
        }
        for (int i = 0; i < n && !done_; ++i) {
            uint64_t tag = events[i].data.u64;
            uint32_t ev = events[i].events;
            switch (tag & 0xff) {
                case kTagSignal:
                    onSignal();
                    break;
                case kTagStdout:
                    readOutput(stdoutRead_.get(), Stream::Stdout);
                    break;
                case kTagStderr:
                    readOutput(stderrRead_.get(), Stream::Stderr);
                    break;
                case kTagPty:
                    readOutput(ptyMaster_.get(), Stream::Stdout);
                    break;
                case kTagStdin:
                    flushStdin();
                    break;
                case kTagListen:
                    acceptClients();
                    break;
                case kTagClient:
                    onClientEvent(tag >> 8, ev);
                    break;
                case kTagRestartTimer:
                    onRestartTimer();
                    break;
                case kTagStopTimer: {
                    uint64_t x;
                    if (::read(stopTimer_.get(), &x, sizeof x) > 0 && containerPid_ > 0)
                        kill(containerPid_, SIGKILL);
                    break;
                }
                case kTagHealthTimer:
                    startHealthProbe();
                    break;
                case kTagHealthTimeout:
                    onHealthTimeout();
                    break;
                case kTagHealthOutput:
                    onHealthOutput();
                    break;
                case kTagExecOut:
                case kTagExecErr:
                case kTagExecPty:
                case kTagExecIn:
                    onExecEvent(tag, ev);
                    break;
            }
        }
        std::erase_if(clients_, [](const std::unique_ptr<Client>& c) { return c->dead; });
    }
    // The release: the exit is recorded (finish()); no new requests (a connect fails at once and
    // the engine reads the records), the final answers to stop and wait waiters, and EOF to the
    // attached clients: an attached `run` learns the exit now, not after the cleanup below.
    ::unlink(path("monitor.sock").c_str());
    unwatch(listen_.get());
    listen_.reset();
    bool exitTaken = false;  // an attached `run --rm` removes the container itself
    for (auto& c : clients_) {
        if (c->takesExit && c->attached && !c->dead) exitTaken = true;
        finalizeClient(*c);
    }
    clients_.clear();
    if (deleteAfterRelease_) deleteContainer();
    if (!exitTaken) runExitCommand();
    return 0;
}

void Monitor::runExitCommand() {
    if (opts_.exitCommand.empty()) return;
    // Not waited for: the monitor exits right away and the command is reparented. It learns
    // the outcome from its environment (and exit.json).
    setenv("BERTH_CONTAINER_ID", opts_.id.c_str(), 1);
    setenv("BERTH_EXIT_CODE", std::to_string(exitCode_).c_str(), 1);
    try {
        spawnProcess(opts_.exitCommand, {});
    } catch (const Error& e) {
        diag(std::string("exit command: ") + e.what());
    }
}

}  // namespace berth::monitor
