#include "runtime/hooks/hook_runner.hpp"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cstring>

#include "common/error.hpp"
#include "common/log.hpp"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

extern char** environ;

namespace berth::runtime {
namespace {

long long nowMs() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

void closeIfOpen(int& fd) {
    if (fd >= 0) close(fd);
    fd = -1;
}

// The hook's side of fork: stdio wired, nothing else of ours inherited, then execve.
[[noreturn]] void execHook(const char* path, char* const* argv, char* const* envp, int stdinFd,
                           int outFd, int errPipe) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (dup2(stdinFd, 0) < 0 || dup2(outFd, 1) < 0 || dup2(outFd, 2) < 0) {
        int e = errno;
        (void)!write(errPipe, &e, sizeof e);
        _exit(127);
    }
    // Every other fd (runtime state, sync pipes, the errPipe itself) closes at exec.
    syscall(SYS_close_range, 3u, ~0u, CLOSE_RANGE_CLOEXEC);
    execve(path, argv, envp);
    int e = errno;
    (void)!write(errPipe, &e, sizeof e);
    _exit(127);
}

}  // namespace

const char* hookStageName(HookStage stage) {
    switch (stage) {
        case HookStage::Prestart:
            return "prestart";
        case HookStage::CreateRuntime:
            return "createRuntime";
        case HookStage::CreateContainer:
            return "createContainer";
        case HookStage::StartContainer:
            return "startContainer";
        case HookStage::Poststart:
            return "poststart";
        case HookStage::Poststop:
            return "poststop";
    }
    return "?";
}

const std::vector<oci::Hook>& hooksOf(const oci::Hooks& hooks, HookStage stage) {
    switch (stage) {
        case HookStage::Prestart:
            return hooks.prestart;
        case HookStage::CreateRuntime:
            return hooks.createRuntime;
        case HookStage::CreateContainer:
            return hooks.createContainer;
        case HookStage::StartContainer:
            return hooks.startContainer;
        case HookStage::Poststart:
            return hooks.poststart;
        case HookStage::Poststop:
            return hooks.poststop;
    }
    return hooks.prestart;
}

PreparedHook::PreparedHook(const oci::Hook& hook, std::string stateJson, std::string label)
    : path_(hook.path),
      args_(hook.args),
      env_(hook.env),
      timeoutSeconds_(hook.timeout.value_or(0)),
      state_(std::move(stateJson)),
      label_(std::move(label)) {
    // execv semantics (config.md): args[0] is argv[0]; with no args, argv[0] is the path.
    if (args_.empty()) args_.push_back(path_);
    for (auto& a : args_) argv_.push_back(a.data());
    argv_.push_back(nullptr);
    // No env given: the runtime's environment, as runc passes it (Go's exec with Env == nil).
    inheritEnv_ = env_.empty();
    for (auto& e : env_) envp_.push_back(e.data());
    envp_.push_back(nullptr);
}

void PreparedHook::run(HookOutcome& out) const noexcept {
    out = HookOutcome{};
    int stdinPair[2] = {-1, -1}, outPipe[2] = {-1, -1}, errPipe[2] = {-1, -1};
    // stdin is a socket so an early-exiting hook gives EPIPE to send(MSG_NOSIGNAL) instead of
    // killing us with SIGPIPE.
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, stdinPair) < 0 ||
        pipe2(outPipe, O_CLOEXEC) < 0 || pipe2(errPipe, O_CLOEXEC) < 0) {
        out.error = errno;
        for (int* fd :
             {&stdinPair[0], &stdinPair[1], &outPipe[0], &outPipe[1], &errPipe[0], &errPipe[1]})
            closeIfOpen(*fd);
        return;
    }
    char* const* envp = inheritEnv_ ? environ : envp_.data();
    pid_t pid = fork();
    if (pid == 0) execHook(path_.c_str(), argv_.data(), envp, stdinPair[1], outPipe[1], errPipe[1]);
    int forkErr = errno;
    closeIfOpen(stdinPair[1]);
    closeIfOpen(outPipe[1]);
    closeIfOpen(errPipe[1]);
    if (pid < 0) {
        out.error = forkErr;
        closeIfOpen(stdinPair[0]);
        closeIfOpen(outPipe[0]);
        closeIfOpen(errPipe[0]);
        return;
    }
    int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
    fcntl(stdinPair[0], F_SETFL, O_NONBLOCK);
    fcntl(outPipe[0], F_SETFL, O_NONBLOCK);

    size_t stateSent = 0;
    long long deadline = timeoutSeconds_ > 0 ? nowMs() + 1000LL * timeoutSeconds_ : -1;
    bool exited = false;
    while (!exited) {
        pollfd fds[3] = {{pidfd, POLLIN, 0}, {outPipe[0], POLLIN, 0}, {stdinPair[0], POLLOUT, 0}};
        nfds_t n = stateSent < state_.size() && stdinPair[0] >= 0 ? 3 : 2;
        if (outPipe[0] < 0) fds[1].fd = -1;
        int wait = -1;
        if (deadline >= 0) {
            long long left = deadline - nowMs();
            if (left <= 0) {
                out.timedOut = true;
                kill(pid, SIGKILL);
                break;
            }
            wait = static_cast<int>(left);
        }
        if (pidfd < 0 && wait < 0) wait = 50;  // no pidfd (old kernel): poll waitpid
        int rc = poll(fds, n, pidfd < 0 ? (wait < 0 || wait > 50 ? 50 : wait) : wait);
        if (rc < 0 && errno != EINTR) break;
        if (fds[1].revents & (POLLIN | POLLHUP)) {
            char* dst = out.output + out.outputLen;
            size_t room = sizeof(out.output) - out.outputLen;
            char sink[512];
            ssize_t got = room ? read(outPipe[0], dst, room) : read(outPipe[0], sink, sizeof sink);
            if (got > 0 && room) out.outputLen += static_cast<size_t>(got);
            if (got == 0) closeIfOpen(outPipe[0]);
        }
        if (n == 3 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t sent = send(stdinPair[0], state_.data() + stateSent, state_.size() - stateSent,
                                MSG_NOSIGNAL | MSG_DONTWAIT);
            if (sent > 0) stateSent += static_cast<size_t>(sent);
            if (sent < 0 && errno != EAGAIN && errno != EINTR) stateSent = state_.size();
            if (stateSent >= state_.size()) closeIfOpen(stdinPair[0]);  // EOF for the hook
        }
        if (pidfd >= 0 ? (fds[0].revents & POLLIN) != 0
                       : waitpid(pid, nullptr, WNOHANG | WNOWAIT) == pid)
            exited = true;
    }
    closeIfOpen(stdinPair[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    out.waitStatus = status;
    // Whatever the hook wrote before exiting (a daemonized grandchild may hold the pipe: don't
    // wait for EOF).
    while (outPipe[0] >= 0 && out.outputLen < sizeof(out.output)) {
        ssize_t got =
            read(outPipe[0], out.output + out.outputLen, sizeof(out.output) - out.outputLen);
        if (got <= 0) break;
        out.outputLen += static_cast<size_t>(got);
    }
    closeIfOpen(outPipe[0]);
    int execErr = 0;
    out.started = read(errPipe[0], &execErr, sizeof execErr) != sizeof execErr;
    if (!out.started) out.error = execErr;
    closeIfOpen(errPipe[0]);
    if (pidfd >= 0) close(pidfd);
}

std::string PreparedHook::describeFailure(const HookOutcome& o) const {
    std::string msg = label_ + " " + path_ + ": ";
    if (!o.started)
        msg += "could not run: " + errnoName(o.error) + " (" + std::strerror(o.error) + ")";
    else if (o.timedOut)
        msg += "timed out after " + std::to_string(timeoutSeconds_) + "s and was killed";
    else if (WIFEXITED(o.waitStatus))
        msg += "exited with status " + std::to_string(WEXITSTATUS(o.waitStatus));
    else if (WIFSIGNALED(o.waitStatus))
        msg += std::string("killed by signal ") + sigabbrev_np(WTERMSIG(o.waitStatus));
    std::string output(o.output, o.outputLen);
    while (!output.empty() && (output.back() == '\n' || output.back() == ' ')) output.pop_back();
    if (!output.empty()) msg += ": " + output;
    return msg;
}

void PreparedHook::runOrThrow() const {
    HookOutcome o;
    run(o);
    if (!o.ok()) throw Error(describeFailure(o));
}

std::vector<PreparedHook> prepareHooks(const oci::Hooks& hooks, HookStage stage,
                                       const std::string& stateJson) {
    std::vector<PreparedHook> out;
    const auto& list = hooksOf(hooks, stage);
    out.reserve(list.size());
    for (size_t i = 0; i < list.size(); ++i)
        out.emplace_back(list[i], stateJson,
                         std::string(hookStageName(stage)) + " hook[" + std::to_string(i) + "]");
    return out;
}

void runHooks(const oci::Hooks& hooks, HookStage stage, const std::string& stateJson) {
    bool warnOnly = stage == HookStage::Poststart || stage == HookStage::Poststop;
    for (auto& hook : prepareHooks(hooks, stage, stateJson)) {
        HookOutcome o;
        hook.run(o);
        if (o.ok()) continue;
        if (!warnOnly) throw Error(hook.describeFailure(o));
        logWarn(hook.describeFailure(o));
    }
}

}  // namespace berth::runtime
