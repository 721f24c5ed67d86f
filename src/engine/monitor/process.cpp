#include "engine/monitor/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

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

RunResult runCaptured(const std::vector<std::string>& argv) {
    Pipe out = Pipe::make();
    pid_t pid = spawnProcess(argv, {-1, out.write.get(), out.write.get()});
    out.write.reset();
    RunResult r;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(out.read.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        if (r.output.size() < 64 * 1024) r.output.append(buf, static_cast<size_t>(n));
    }
    while (waitpid(pid, &r.status, 0) < 0 && errno == EINTR) {
    }
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
