// berth-init: a minimal reaping init for `berth run --init` (the role of tini / docker-init).
//
//   berth-init [--] COMMAND [ARG...]
//
// Runs as pid 1 of the container (or, elsewhere, as a child subreaper):
//  - spawns COMMAND in its own process group, made the terminal's foreground group when stdin
//    is a tty (so ^C from an attached terminal reaches it);
//  - forwards every asynchronous signal it receives (SIGTERM, SIGINT, SIGHUP, SIGQUIT,
//    SIGUSR1/2, SIGWINCH, SIGCONT, ...) to COMMAND's process group;
//  - reaps every zombie reparented to it;
//  - exits with COMMAND's exit code, or 128+N if COMMAND was killed by signal N; 127 if COMMAND
//    was not found, 126 if it could not be executed.
// Synchronous signals (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT) and
// SIGTTIN/SIGTTOU are not forwarded (tini does the same).
//
// Written without the C++ runtime (no allocation, no exceptions): the binary is linked statically
// and stays small.
#pragma once

namespace berth::init {

// The whole program; returns the exit code for main().
int runReapingInit(int argc, char** argv);

// Exit code a shell would report for a wait() status: WEXITSTATUS, or 128+signal.
int exitCodeFromWaitStatus(int status);

}  // namespace berth::init
