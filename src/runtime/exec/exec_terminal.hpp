// Terminals for `exec -t`: the pty is made inside the container (its devpts, through its
// /dev/ptmx) and the master handed out over a unix socket (the runc --console-socket protocol).
// Without --console-socket, berth-runtime receives the master itself and relays it to its own
// stdin/stdout (raw mode while it runs), as `runc exec -t` does in the foreground.
#pragma once

#include <sys/types.h>

namespace berth::runtime {

// In the exec child, after setsid(): a new pty from the container's /dev/ptmx; the master is
// sent on consoleSocket, the slave becomes stdio and the controlling terminal. Unlike the
// init's console, /dev/console is left alone.
void setupExecConsole(int consoleSocket);

// Copies stdin → master and master → stdout until the process exits. Restores the terminal.
void proxyTerminal(int master, pid_t pid);

}  // namespace berth::runtime
