// The engine's side of berth-monitor: spawn one for a container, talk to its control socket,
// and tell whether it is still alive.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "common/fd.hpp"
#include "engine/monitor/options.hpp"

namespace berth::monitor {

struct SpawnedMonitor {
    pid_t containerPid = 0;
    pid_t monitorPid = 0;
    uint64_t attachClient = 0;  // with attachFd: the monitor's id of that client
};

// Runs `monitorPath <opts>` (with a sync pipe; opts.syncFd is set here), waits until the monitor
// has detached and reported, and returns the pids. Throws Error with the monitor's message if
// the container could not be created or started.
// attachFd: one end of a stream socketpair the monitor takes as an attached client from the start
// (--attach-fd; opts.attachStdin / attachStdinOnce / ttyRows say how): the caller streams on its
// other end with no attach request, and the container starts at once.
SpawnedMonitor spawnMonitor(const std::string& monitorPath, MonitorOptions opts,
                            int attachFd = -1);

// One request over state-dir/monitor.sock; returns the reply line without "ok " / the newline.
// Throws Error with the monitor's message for an "error ..." reply; SysError if unreachable.
std::string monitorRequest(const std::string& stateDir, const std::string& request,
                           int timeoutSeconds = 30);

// Sends "attach ..." and returns the connected socket once the monitor said ok; the stream
// follows (see monitor.hpp). Throws Error.
// clientId (if given) receives the monitor's id of the connection (for monitorDetach).
// takesExit: the caller does the exit command's work itself if it is still attached at the end.
UniqueFd monitorAttach(const std::string& stateDir, bool in, bool out, bool err,
                       bool stdinOnce = false, uint64_t* clientId = nullptr, bool takesExit = false);

// The attach or exec client clientId typed the detach keys: the monitor takes what it sent so far
// and drops it without closing the process's stdin. Throws Error.
void monitorDetach(const std::string& stateDir, uint64_t clientId);

// Starts an exec session (see monitor.hpp): processFile is an OCI process object (absolute
// path). Returns the connection carrying the process's I/O (closed by the monitor once it exited;
// invalid for detach) and its pid. Throws Error with the runtime's message.
struct ExecHandle {
    UniqueFd sock;
    pid_t pid = 0;
    uint64_t clientId = 0;  // for monitorDetach
};
ExecHandle monitorExec(const std::string& stateDir, const std::string& processFile, bool tty,
                       bool in, bool detach = false);
// Exit code of exec `pid` once it exited (state-dir/exec-PID.json); -1 while unknown.
int execExitCode(const std::string& stateDir, pid_t pid);

// Whether the monitor is running: monitor.pid names a live process with the recorded start
// time (so a reused pid doesn't count).
//   Running: alive.
//   Exited:  gone after recording a final exit (exit.json "final":true): normal end.
//   Lost:    gone without a final exit record: it was killed or crashed; its container (if still
//            running) has no monitor and its further exit won't be recorded.
enum class MonitorHealth { Running, Exited, Lost };
MonitorHealth checkMonitor(const std::string& stateDir);

// What waitMonitorReleased found.
enum class MonitorRelease {
    Gone,      // not running (exited, killed, or never started)
    Released,  // running on, but the container's exit is recorded for good (exit.json "final")
               // and it let go of the state dir: it only deletes the container's runtime state
               // and runs --exit-command before it exits (monitor.hpp)
    Busy,      // still running, no final exit after timeoutMs
};
// Blocks until the monitor of stateDir released its container or is gone, at most timeoutMs
// (rounded up to whole seconds while it waits on the control socket).
// What may follow a removal: the monitor deletes the runtime state; if it dies first, system
// check finds that state (no container owns it).
MonitorRelease waitMonitorReleased(const std::string& stateDir, int timeoutMs);

// Blocks until the monitor of stateDir is gone (exited, zombie or never there) or timeoutMs
// passed; true when gone. Waits on a pidfd of the recorded pid (verified by its start time, so a
// reused pid is never waited for): no polling, wakes the moment the monitor exits.
bool waitMonitorExit(const std::string& stateDir, int timeoutMs);

}  // namespace berth::monitor
