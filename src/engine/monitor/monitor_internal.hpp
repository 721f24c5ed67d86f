// Pieces shared by the monitor's source files (not part of its interface).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/fd.hpp"
#include "engine/monitor/monitor.hpp"

namespace berth::monitor {

// epoll tags: low byte the kind, the rest a client id.
enum : uint64_t {
    kTagSignal = 1,
    kTagStdout,
    kTagStderr,
    kTagPty,
    kTagStdin,
    kTagListen,
    kTagClient,
    kTagRestartTimer,
    kTagStopTimer,
    kTagHealthTimer,
    kTagHealthTimeout,
    kTagHealthOutput,
    kTagExecOut,
    kTagExecErr,
    kTagExecPty,
    kTagExecIn,
};

// Cap on what the monitor buffers for one client or for stdin before pushing back.
constexpr size_t kMaxPending = 1 << 20;

struct Monitor::Client {
    uint64_t id = 0;
    UniqueFd fd;
    std::string in;   // request bytes until the first newline
    std::string out;  // output the socket did not take yet
    bool attached = false;
    bool wantStdin = false, wantStdout = false, wantStderr = false, stdinOnce = false;
    bool takesExit = false;  // attach takes-exit: it runs the exit command's cleanup itself
    bool inputClosed = false;
    bool waitingForStop = false;  // stop or wait: answered with the exit code at the end
    uint64_t execSession = 0;     // attached to an exec session rather than the container
    bool closeWhenFlushed = false;
    bool dead = false;    // dropped; erased after the current epoll batch
    uint32_t events = 0;  // what epoll watches now
};

struct Monitor::ExecSession {
    uint64_t id = 0;
    pid_t pid = -1;
    bool tty = false;
    UniqueFd out, err, in, pty;
    std::string inPending;
    uint64_t clientId = 0;  // 0: nobody attached (detached, or the client went away)
};

void setNonBlocking(int fd);
// Everything readable now from a non-blocking fd (bounded); for error text and exit draining.
std::string drainFd(int fd);
std::string trimRight(std::string s);
// accept4 with a timeout in ms; an invalid fd when nothing connected in time.
UniqueFd acceptWithTimeout(int listenFd, int timeoutMs);
// Live-status files (monitor.pid, state.json, health.json): temp file + rename (an exchange when
// the file exists: PATH.tmp keeps the old content), so a reader sees the old or the new content,
// but no fsync: they describe processes that a power loss ends
// anyway, and two fsyncs per write would cost ~10 ms on the start path. exit.json keeps
// writeFileAtomic's fsync. Throws SysError.
void replaceFile(const std::string& path, std::string_view data);
// A line in the monitor's own diagnostics (stderr: state-dir/monitor.log once detached).
void diag(const std::string& message);

}  // namespace berth::monitor
