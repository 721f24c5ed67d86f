#include "engine/monitor/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>

#include "common/error.hpp"
#include "common/fd.hpp"

namespace berth::monitor {

pid_t spawnProcess(const std::vector<std::string>& argv, const ChildStdio& stdio) {
    std::vector<char*> cargv;
    cargv.reserve(argv.size() + 1);
    for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    Pipe report = Pipe::make();
    pid_t pid = fork();
    if (pid < 0) throw SysError("fork for " + argv[0]);
    if (pid == 0) {
        // Only async-signal-safe calls from here to exec.
        int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
        int fds[3] = {stdio.in >= 0 ? stdio.in : null, stdio.out >= 0 ? stdio.out : null,
                      stdio.err >= 0 ? stdio.err : null};
        // Move sources above 2 first so a later dup2 can't clobber an earlier source.
        for (int& fd : fds)
            if (fd >= 0 && fd <= 2) fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        for (int i = 0; i < 3; ++i) {
            if (fds[i] < 0 || dup2(fds[i], i) < 0) {
                int err = errno;
                (void)!::write(report.write.get(), &err, sizeof err);
                _exit(127);
            }
        }
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        for (int sig = 1; sig < NSIG; ++sig) signal(sig, SIG_DFL);
        execv(cargv[0], cargv.data());
        int err = errno;
        (void)!::write(report.write.get(), &err, sizeof err);
        _exit(127);
    }
    report.write.reset();
    int err = 0;
    ssize_t n;
    do {
        n = ::read(report.read.get(), &err, sizeof err);
    } while (n < 0 && errno == EINTR);
    if (n == static_cast<ssize_t>(sizeof err)) {
        int status;
        waitpid(pid, &status, 0);
        throw SysError("exec " + argv[0], err);
    }
    return pid;
}

static int64_t monotonicNs() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

static std::string timeoutText(const std::string& what, int64_t timeoutNs) {
    return what + ": no answer within " + std::to_string(timeoutNs / 1'000'000'000) + " s (killed)";
}

int waitChild(pid_t pid, int64_t timeoutNs, const std::string& what) {
    int status = 0;
    UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
    if (pidfd) {
        int64_t deadline = monotonicNs() + timeoutNs;
        for (;;) {
            int64_t left = deadline - monotonicNs();
            if (left <= 0) {
                kill(pid, SIGKILL);
                waitpid(pid, &status, 0);
                throw Error(timeoutText(what, timeoutNs), ETIMEDOUT);
            }
            pollfd p{pidfd.get(), POLLIN, 0};
            int r = poll(&p, 1, static_cast<int>(std::min<int64_t>(left / 1'000'000 + 1, 60'000)));
            if (r > 0) break;
        }
    }
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return status;
}

RunResult runCaptured(const std::vector<std::string>& argv, int64_t timeoutNs) {
    Pipe out = Pipe::make();
    pid_t pid = spawnProcess(argv, {-1, out.write.get(), out.write.get()});
    out.write.reset();
    RunResult r;
    char buf[4096];
    int64_t deadline = monotonicNs() + timeoutNs;
    for (;;) {
        int64_t left = deadline - monotonicNs();
        pollfd p{out.read.get(), POLLIN, 0};
        int ready =
            left > 0
                ? poll(&p, 1, static_cast<int>(std::min<int64_t>(left / 1'000'000 + 1, 60'000)))
                : 0;
        if (ready < 0 && errno == EINTR) continue;
        if (ready == 0 && monotonicNs() >= deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &r.status, 0);
            throw Error(
                timeoutText(argv[0] + " " + (argv.size() > 1 ? argv.back() : ""), timeoutNs),
                ETIMEDOUT);
        }
        if (ready <= 0) continue;
        ssize_t n = ::read(out.read.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        if (r.output.size() < 64 * 1024) r.output.append(buf, static_cast<size_t>(n));
    }
    r.status = waitChild(pid, std::max<int64_t>(deadline - monotonicNs(), 1'000'000'000), argv[0]);
    return r;
}

std::vector<std::string> runtimeCommand(const MonitorOptions& o,
                                        std::initializer_list<std::string> verbArgs) {
    std::vector<std::string> argv{o.runtime};
    if (!o.runtimeRoot.empty()) argv.insert(argv.end(), {"--root", o.runtimeRoot});
    argv.insert(argv.end(), o.runtimeArgs.begin(), o.runtimeArgs.end());
    argv.insert(argv.end(), verbArgs);
    return argv;
}

std::string describeWaitStatus(int status) {
    if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
    return "wait status " + std::to_string(status);
}

}  // namespace berth::monitor
