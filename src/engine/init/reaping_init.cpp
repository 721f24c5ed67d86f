#include "engine/init/reaping_init.hpp"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace berth::init {
namespace {

// Signals init keeps for itself (never forwarded): the synchronous ones, the tty-stop ones.
bool isKeptSignal(int sig) {
    switch (sig) {
        case SIGFPE:
        case SIGILL:
        case SIGSEGV:
        case SIGBUS:
        case SIGABRT:
        case SIGTRAP:
        case SIGSYS:
        case SIGTTIN:
        case SIGTTOU:
        case SIGKILL:
        case SIGSTOP:
            return true;
        default:
            return false;
    }
}

void printError(const char* what, const char* object, int err) {
    fprintf(stderr, "berth-init: %s %s: %s\n", what, object, strerror(err));
}

}  // namespace

int exitCodeFromWaitStatus(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 1;
}

int runReapingInit(int argc, char** argv) {
    int first = 1;
    if (first < argc && strcmp(argv[first], "--") == 0) ++first;
    if (first >= argc) {
        fprintf(stderr, "usage: berth-init [--] COMMAND [ARG...]\n");
        return 2;
    }
    // Outside pid 1, orphans of the command must still come to us to be reaped.
    if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
        printError("prctl", "PR_SET_CHILD_SUBREAPER", errno);

    // Block every forwardable signal (and SIGCHLD): they are taken synchronously below, so none
    // is lost between fork() and the wait loop.
    sigset_t all, previous;
    sigfillset(&all);
    for (int sig = 1; sig < NSIG; ++sig)
        if (isKeptSignal(sig)) sigdelset(&all, sig);
    sigprocmask(SIG_SETMASK, &all, &previous);

    // Errors from the child between fork and exec come back over this pipe (CLOEXEC: silence
    // means exec succeeded).
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) {
        printError("pipe2", "", errno);
        return 1;
    }
    const bool tty = isatty(STDIN_FILENO);
    pid_t child = fork();
    if (child < 0) {
        printError("fork", argv[first], errno);
        return 1;
    }
    if (child == 0) {
        close(report[0]);
        setpgid(0, 0);
        if (tty) {
            // Becoming the foreground group from a background one raises SIGTTOU: ignore it.
            signal(SIGTTOU, SIG_IGN);
            tcsetpgrp(STDIN_FILENO, getpid());
            signal(SIGTTOU, SIG_DFL);
        }
        sigprocmask(SIG_SETMASK, &previous, nullptr);
        execvp(argv[first], argv + first);
        int err = errno;
        (void)!write(report[1], &err, sizeof err);
        _exit(err == ENOENT ? 127 : 126);
    }
    close(report[1]);
    // Also set from the parent: a signal arriving before the child's setpgid() must still find
    // the group.
    setpgid(child, child);
    int execErr = 0;
    ssize_t got;
    do {
        got = read(report[0], &execErr, sizeof execErr);
    } while (got < 0 && errno == EINTR);
    close(report[0]);
    if (got == static_cast<ssize_t>(sizeof execErr)) printError("exec", argv[first], execErr);

    int childExit = -1;
    while (childExit < 0) {
        siginfo_t info;
        int sig = sigwaitinfo(&all, &info);
        if (sig < 0) continue;  // EINTR
        if (sig != SIGCHLD) {
            // To the whole group; if it is already gone (the child exited and no one is left in
            // the group), fall back to the child itself.
            if (kill(-child, sig) != 0 && errno == ESRCH) kill(child, sig);
            continue;
        }
        // Reap everything that is ready: the command and any orphan reparented to us.
        for (;;) {
            int status;
            pid_t pid = waitpid(-1, &status, WNOHANG);
            if (pid <= 0) break;
            if (pid == child) childExit = exitCodeFromWaitStatus(status);
        }
    }
    // Last sweep for zombies that are already there; pid 1 exiting kills the rest of the namespace.
    int status;
    while (waitpid(-1, &status, WNOHANG) > 0) {
    }
    return childExit;
}

}  // namespace berth::init
