#include "engine/monitor/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <signal.h>
#include <linux/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>

#include "common/error.hpp"
#include "common/fd.hpp"

extern char** environ;

namespace berth::monitor {

pid_t spawnProcess(const std::vector<std::string>& argv, const ChildStdio& stdio,
                   const std::string& execPath, const std::vector<std::string>& extraEnv) {
    std::vector<char*> cargv;
    cargv.reserve(argv.size() + 1);
    for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
    cargv.push_back(nullptr);
    // posix_spawn (clone CLONE_VM|CLONE_VFORK in glibc) rather than fork: no page-table copy,
    // and the child runs at once on this CPU while we wait, instead of waking the other CPU
    // (ms on this kind of VM, three to four spawns on every start path).
    UniqueFd null(::open("/dev/null", O_RDWR | O_CLOEXEC));
    if (!null) throw SysError("open /dev/null");
    int fds[3] = {stdio.in >= 0 ? stdio.in : null.get(), stdio.out >= 0 ? stdio.out : null.get(),
                  stdio.err >= 0 ? stdio.err : null.get()};
    // Sources in 0..2 move above 2 first so an earlier dup2 can't clobber a later source.
    std::vector<UniqueFd> moved;
    for (int& fd : fds)
        if (fd <= 2) {
            moved.emplace_back(fcntl(fd, F_DUPFD_CLOEXEC, 3));
            if (!moved.back()) throw SysError("dup stdio for " + argv[0]);
            fd = moved.back().get();
        }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    for (int i = 0; i < 3; ++i) posix_spawn_file_actions_adddup2(&fa, fds[i], i);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);  // default dispositions: an ignored SIGPIPE must not reach the runtime
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    std::vector<char*> envp;
    if (!extraEnv.empty()) {
        for (char** e = environ; e && *e; ++e) envp.push_back(*e);
        for (const auto& e : extraEnv) envp.push_back(const_cast<char*>(e.c_str()));
        envp.push_back(nullptr);
    }
    pid_t pid = 0;
    int rc = posix_spawn(&pid, execPath.empty() ? cargv[0] : execPath.c_str(), &fa, &attr,
                         cargv.data(), envp.empty() ? environ : envp.data());
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) throw SysError("exec " + argv[0], rc);
    return pid;
}

pid_t spawnProtectedRuntime(const std::vector<std::string>& argv, const ChildStdio& stdio) {
    const std::string& runtime = argv.at(0);
    auto slash = runtime.rfind('/');
    if (runtime.compare(slash == std::string::npos ? 0 : slash + 1, std::string::npos,
                        "berth-runtime") != 0)
        return spawnProcess(argv, stdio);
    UniqueFd tree(static_cast<int>(
        ::syscall(SYS_open_tree, AT_FDCWD, runtime.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)));
    if (!tree) return spawnProcess(argv, stdio);
    mount_attr attr{};
    attr.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
    if (::syscall(SYS_mount_setattr, tree.get(), "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
        return spawnProcess(argv, stdio);
    // exec through /proc/self/fd resolves the path before close-on-exec fds are closed; the
    // marker (the runtime's kReadOnlyMarker) says "this read-only image is berth's own clone, not
    // a host mount an admin might remount read-write": it skips its re-exec. The mount has no
    // namespace and goes away with the runtime process holding it.
    return spawnProcess(argv, stdio, "/proc/self/fd/" + std::to_string(tree.get()),
                        {"_BERTH_RUNTIME_RO_EXE=1"});
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
