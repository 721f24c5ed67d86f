#include "engine/monitor/monitor_main.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "engine/monitor/json_out.hpp"
#include "engine/monitor/monitor.hpp"
#include "engine/monitor/monitor_internal.hpp"

namespace berth::monitor {
namespace {

void report(int syncFd, const std::string& json) {
    if (syncFd < 0) return;
    std::string line = json + "\n";
    (void)!::write(syncFd, line.data(), line.size());
    ::close(syncFd);
}

// A monitor spawned in a session of its own (spawnMonitor: POSIX_SPAWN_SETSID) is detached
// already: its spawner leaves it running and does not wait for it. Otherwise one fork: the
// process the spawner started exits at once (so nobody has to reap us); the child, reparented
// to init or the spawner's subreaper, starts a new session and is the monitor. (The fork costs a
// process handoff: its child waited 1-7 ms for the other vCPU. A second fork, so that the monitor
// is no session leader and can never acquire a controlling terminal, would cost another; the
// monitor opens no terminal by path: the pty master arrives over the console socket, and the log
// files are no ttys.)
void detach() {
    if (getsid(0) == getpid()) return;
    pid_t pid = fork();
    if (pid < 0) throw SysError("fork");
    if (pid > 0) _exit(0);
    setsid();
}

// stdin/stdout to /dev/null, stderr to state-dir/monitor.log: the caller's terminal or pipes
// must not be held open by a process that outlives it.
void redirectStdio(const std::string& stateDir) {
    int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    int logFd = ::open((stateDir + "/monitor.log").c_str(),
                       O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(logFd >= 0 ? logFd : null, 2);
    }
    if (null > 2) ::close(null);
    if (logFd > 2) ::close(logFd);
}

// A clean process whatever the spawner left behind: default signal dispositions (an inherited
// SIGCHLD=SIG_IGN would make the kernel reap the container behind our back), nothing blocked, no
// inherited fds but stdio and the given ones (a CLI's database or lock fd must not live on in a
// process that outlives it).
void resetProcessState(std::vector<int> keep) {
    for (int sig = 1; sig < NSIG; ++sig)
        if (sig != SIGKILL && sig != SIGSTOP) signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    std::erase_if(keep, [](int fd) { return fd < 3; });
    std::sort(keep.begin(), keep.end());
    unsigned next = 3;
    for (int fd : keep) {
        if (static_cast<unsigned>(fd) > next)
            syscall(SYS_close_range, next, static_cast<unsigned>(fd - 1), 0U);
        next = static_cast<unsigned>(fd) + 1;
    }
    syscall(SYS_close_range, next, ~0U, 0U);
}

// An inherited fd kept out of stdio (redirected below) and out of every child.
int keepInherited(int fd) {
    if (fd < 0) return fd;
    if (fd <= 2) return fcntl(fd, F_DUPFD_CLOEXEC, 3);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}

std::string absolute(const std::string& path) {
    if (path.empty() || path[0] == '/') return path;
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) throw SysError("getcwd");
    return std::string(cwd) + "/" + path;
}

// The runtime (or exit command) as a path: "runc" is looked up in $PATH (execv needs a path).
std::string resolveRuntime(const std::string& runtime) {
    if (runtime.find('/') != std::string::npos) return absolute(runtime);
    const char* env = getenv("PATH");
    std::string path =
        env && *env ? env : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    size_t start = 0;
    while (start <= path.size()) {
        size_t end = path.find(':', start);
        if (end == std::string::npos) end = path.size();
        std::string candidate = path.substr(start, end - start) + "/" + runtime;
        if (access(candidate.c_str(), X_OK) == 0) return candidate;
        start = end + 1;
    }
    throw Error("runtime \"" + runtime + "\" not found in $PATH", ENOENT);
}

}  // namespace

int monitorMain(int argc, char** argv) {
    MonitorOptions opts;
    try {
        opts = MonitorOptions::parse(std::vector<std::string>(argv + 1, argv + argc));
    } catch (const Error& e) {
        std::string msg = std::string("berth-monitor: ") + e.what() + "\n";
        (void)!::write(2, msg.data(), msg.size());
        // Still tell a waiting engine why.
        for (int i = 1; i + 1 < argc; ++i)
            if (std::string(argv[i]) == "--sync-fd")
                report(atoi(argv[i + 1]),
                       JsonOut().boolean("ok", false).str("error", e.what()).done());
        return 2;
    }
    opts.syncFd = keepInherited(opts.syncFd);
    opts.attachFd = keepInherited(opts.attachFd);
    resetProcessState({opts.syncFd, opts.attachFd});
    try {
        opts.runtime = resolveRuntime(opts.runtime);
        for (std::string* p : {&opts.bundle, &opts.stateDir, &opts.logPath, &opts.runtimeRoot})
            *p = absolute(*p);
        if (!opts.exitCommand.empty()) opts.exitCommand[0] = resolveRuntime(opts.exitCommand[0]);
        mkdirAll(opts.stateDir, 0700);
        if (!opts.foreground) {
            detach();
            redirectStdio(opts.stateDir);
            // Don't pin the caller's working directory (a volume someone wants to unmount).
            if (chdir("/") != 0) throw SysError("chdir /");
        }
    } catch (const Error& e) {
        report(opts.syncFd, JsonOut().boolean("ok", false).str("error", e.what()).done());
        return 1;
    }
    Monitor monitor(opts);
    try {
        monitor.setUp();
    } catch (const Error& e) {
        diag(e.what());
        ::unlink((opts.stateDir + "/monitor.sock").c_str());
        report(opts.syncFd, JsonOut().boolean("ok", false).str("error", e.what()).done());
        return 1;
    }
    JsonOut ok;
    ok.boolean("ok", true).num("pid", monitor.containerPid()).num("monitorPid", getpid());
    if (monitor.attachedClient()) ok.num("attachClient", static_cast<int64_t>(monitor.attachedClient()));
    report(opts.syncFd, ok.done());
    try {
        return monitor.run();
    } catch (const Error& e) {
        diag(e.what());
        return 1;
    }
}

}  // namespace berth::monitor
