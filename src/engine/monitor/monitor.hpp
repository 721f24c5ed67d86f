// berth-monitor's event loop: one process per container, parent (subreaper) of its init.
// Single-threaded: epoll over a signalfd (SIGCHLD and the terminating signals), the container's
// stdout/stderr pipes or pty master, the control socket and its clients, and timerfds (restart
// backoff, stop timeout, healthchecks).
//
// Control socket protocol (state-dir/monitor.sock): the client sends one request line, the
// monitor answers one line ("ok ..." or "error <message>"):
//   status                       → ok {"status":"running","pid":..,...}  (state.json's content)
//   start                        → ok            (after --no-start)
//   stop [SIGNAL [TIMEOUT_S]]    → ok EXITCODE   once the container exited (SIGKILL after the
//                                  timeout, default 10 s); no restart follows
//   kill SIGNAL                  → ok            (SIGKILL / the stop signal also cancel restarts)
//   resize ROWS COLS             → ok            (TIOCSWINSZ on the pty master)
//   attach [stdin] [stdout] [stderr] [stdin-once]
//                                → ok CLIENT_ID, then the stream: without a tty, output framed as Docker's
//                                  stdcopy (8-byte header: stream 1|2, 0,0,0, size big-endian),
//                                  with a tty raw bytes; bytes from the client go to the
//                                  container's stdin. Detach: the client closes the connection.
//                                  stdin-once: the client's EOF also closes the container's stdin.
//                                  takes-exit: the client does what --exit-command would (`run
//                                  --rm` removes the container itself): if it is still attached
//                                  when the container exits for good, the monitor does not run
//                                  --exit-command; once it detached or went away (killed), it does.
//   detach CLIENT_ID             → ok: the attached client (or exec client) CLIENT_ID typed the
//                                  detach keys: what it sent so far goes in, then it is dropped
//                                  without its EOF closing stdin (the process runs on).
//   exec [tty] [stdin] [detach] PROCESS_JSON
//                                → ok PID [CLIENT_ID]: `<runtime> exec -d --process PROCESS_JSON` (an OCI
//                                  process object the engine wrote; PROCESS_JSON absolute); the
//                                  process becomes the monitor's child. Unless detached the
//                                  connection then carries its I/O as attach does (the client's
//                                  EOF closes its stdin) and closes after it exited; its exit
//                                  code is in state-dir/exec-PID.json ({"pid":..,"exitCode":..})
//                                  before the connection closes. Exec output is not logged.
//   resize ROWS COLS PID         → resize the pty of exec PID
//   wait                         → ok EXITCODE once the container exited for good
//   policy RESTART_POLICY        → ok            (applies from the next exit on)
// Once the container has exited for good (no restart pending) the monitor records it (die event,
// state.json "exited", then exit.json with "final": true), releases: removes the socket, answers
// stop/wait waiters and closes the attached clients; then deletes the runtime's state of the
// container (cgroups, the runtime's state dir), runs --exit-command and exits. After the final
// exit record it writes nothing more in the state dir: the engine may remove the container's
// directory then (waitMonitorReleased) without waiting for the cleanup.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/fd.hpp"
#include "engine/monitor/health.hpp"
#include "engine/monitor/json_log.hpp"
#include "engine/monitor/options.hpp"
#include "engine/monitor/rootfs_keeper.hpp"

namespace berth::monitor {

class Monitor {
  public:
    explicit Monitor(MonitorOptions options);
    ~Monitor();

    // State dir, signals, log, control socket, the --attach-fd client; then runtime create (and
    // start unless --no-start).
    // Throws Error naming what failed; a half-created container is deleted again.
    void setUp();
    // The event loop; returns when the container exited for good (the monitor's exit code).
    int run();

    pid_t containerPid() const { return containerPid_; }
    // The client of --attach-fd (0: none).
    uint64_t attachedClient() const { return attachedClient_; }

  private:
    enum class Status { Created, Running, Restarting, Exited };
    struct Client;
    struct ExecSession;

    // Lifecycle (monitor.cpp)
    // create, then start unless noStart: in one runtime call where the runtime allows it.
    void launch(bool start);
    // runAtOnce: `berth-runtime run -d` (create and start in one exec, no exec.fifo).
    void createContainer(bool runAtOnce = false);
    void startContainer();
    void markStarted();
    void adoptAttachFd();
    void deleteContainer();
    void onSignal();
    void onContainerExit(int waitStatus);
    bool shouldRestart(int exitCode, int64_t ranNs);
    void onRestartTimer();
    void requestStop(int sig, int timeoutSeconds);
    void finish();
    void runExitCommand();
    void writeState();
    void writeExitRecord(bool final);
    // The oom_kill counter of opts_.oomFile (0 when untracked or unreadable).
    long oomKillCount() const;
    std::string stateJson() const;
    const char* statusName() const;

    // Container output (monitor_io.cpp)
    void setUpStdio();
    void readOutput(int fd, Stream stream);
    void drainOutput();
    void deliver(Stream stream, const char* data, size_t len);
    void writeStdin(const char* data, size_t len);
    void flushStdin();
    void closeStdin();

    // Control socket (monitor_control.cpp)
    void acceptClients();
    void onClientEvent(uint64_t clientId, uint32_t events);
    bool handleRequest(Client& c, const std::string& line);
    void sendToClient(Client& c, const char* data, size_t len);
    void reply(Client& c, const std::string& line);
    void dropClient(uint64_t clientId);
    Client* findClient(uint64_t clientId);
    void updateClientEvents(Client& c);
    void finalizeClient(Client& c);
    void detachClient(Client& c);

    // Exec sessions (monitor_exec.cpp)
    void startExec(Client& c, const std::vector<std::string>& words);
    ExecSession* findExec(uint64_t sessionId);
    ExecSession* findExecByPid(pid_t pid);
    void onExecEvent(uint64_t tag, uint32_t events);
    bool execOutput(ExecSession& s, int fd, Stream stream);  // false: nothing more now
    void execStdin(ExecSession& s, const char* data, size_t len);
    void closeExecStdin(ExecSession& s);
    void onExecExit(ExecSession& s, int waitStatus);

    // Healthchecks (monitor_health.cpp)
    void armHealthTimer(int64_t delayNs);
    void startHealthProbe();
    void onHealthOutput();
    void onHealthExit(int waitStatus);
    void onHealthTimeout();

    void watch(int fd, uint64_t tag, uint32_t events);
    void rewatch(int fd, uint64_t tag, uint32_t events);
    void unwatch(int fd);
    static void armTimer(int fd, int64_t delayNs);
    std::string path(const char* name) const { return opts_.stateDir + "/" + name; }

    MonitorOptions opts_;
    // The overlay of a container with a restart policy, between its runs (rootfs_keeper.hpp).
    RootfsKeeper rootfs_;
    std::vector<UniqueFd> volumeHolds_;  // of opts_.heldVolumes (volume_holds.hpp)
    UniqueFd epoll_, signalFd_, listen_;
    UniqueFd restartTimer_, stopTimer_, healthTimer_, healthTimeout_;
    std::unique_ptr<JsonLogWriter> log_;

    // Non-tty stdio: the monitor keeps both ends so a restarted container gets the same pipes.
    UniqueFd stdoutRead_, stdoutWrite_, stderrRead_, stderrWrite_;
    UniqueFd stdinRead_, stdinWrite_;
    UniqueFd ptyMaster_;  // tty: from the console socket, one per create
    std::string stdinPending_;
    bool closeStdinWhenFlushed_ = false;

    Status status_ = Status::Created;
    pid_t containerPid_ = -1;
    int64_t startedAtNs_ = 0, finishedAtNs_ = 0;
    int exitCode_ = 0;
    int exitSignal_ = 0;
    int restartCount_ = 0;
    int64_t backoffNs_ = 0;
    bool manualStop_ = false;
    bool oomKilled_ = false;  // the last exit came with an OOM kill in the container's cgroup
    bool done_ = false;
    bool deleteAfterRelease_ = false;  // the final exit: the runtime's state goes after the release
    std::string error_;

    std::vector<std::unique_ptr<Client>> clients_;
    uint64_t nextClientId_ = 1;
    uint64_t attachedClient_ = 0;

    std::vector<std::unique_ptr<ExecSession>> execs_;
    uint64_t nextExecId_ = 1;

    HealthState health_;
    pid_t healthPid_ = -1;
    UniqueFd healthOutput_;
    int64_t healthStartNs_ = 0;
    std::string healthText_;
    bool healthTimedOut_ = false;
};

// Reads /proc/<pid>/stat's start time (clock ticks since boot), and its state letter into *state
// if given; 0 if the process is gone.
uint64_t processStartTime(pid_t pid, char* state = nullptr);

}  // namespace berth::monitor
