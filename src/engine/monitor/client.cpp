#include "engine/monitor/client.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <vector>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "engine/monitor/monitor.hpp"
#include "engine/monitor/unix_socket.hpp"

extern char** environ;

namespace berth::monitor {
namespace {

// Reads until '\n' (returned without it) or EOF; throws on timeout.
std::string readLine(int fd, int timeoutSeconds, const std::string& what) {
    std::string line;
    char c;
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        int r = poll(&p, 1, timeoutSeconds * 1000);
        if (r < 0 && errno == EINTR) continue;
        if (r == 0)
            throw Error(what + ": no answer within " + std::to_string(timeoutSeconds) + "s",
                        ETIMEDOUT);
        ssize_t n = ::read(fd, &c, 1);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0 || c == '\n') return line;
        line += c;
    }
}

void writeAll(int fd, const std::string& data, const std::string& what) {
    size_t off = 0;
    while (off < data.size()) {
        ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw SysError(what);
        off += static_cast<size_t>(n);
    }
}

std::string parseReply(const std::string& line, const std::string& what) {
    if (line == "ok") return "";
    if (line.rfind("ok ", 0) == 0) return line.substr(3);
    if (line.rfind("error ", 0) == 0) throw Error(what + ": " + line.substr(6));
    throw Error(what + ": monitor closed the connection" + (line.empty() ? "" : ": " + line));
}

// exit.json says "final": the container exited for good and the monitor released it.
bool finalExitRecorded(const std::string& stateDir) {
    try {
        return nlohmann::json::parse(readFile(stateDir + "/exit.json")).value("final", false);
    } catch (...) {
        return false;  // none yet, or torn by a crash
    }
}

}  // namespace

SpawnedMonitor spawnMonitor(const std::string& monitorPath, MonitorOptions opts, int attachFd) {
    Pipe sync = Pipe::make();
    constexpr int kSyncFd = 3, kAttachFd = 4;
    opts.syncFd = kSyncFd;
    opts.attachFd = attachFd >= 0 ? kAttachFd : -1;
    std::vector<std::string> args = opts.toArgs();
    args.insert(args.begin(), monitorPath);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    // posix_spawn (vfork semantics): no copy of the CLI's page tables, and the child runs on
    // this CPU at once instead of waking the other one. In a session of its own (SETSID): the
    // monitor is detached from the caller's terminal and process group from its first
    // instruction and need not fork again (a fork's child waited 1-7 ms for the idle vCPU on
    // every start). It stays the caller's child: nobody waits for it; once it exits it is a
    // zombie until the caller exits (init reaps it then) or reaps it.
    // Sources clear of the targets 0..4, so no dup2 below clobbers a later source.
    UniqueFd syncHigh, attachHigh;
    int syncSrc = sync.write.get(), attachSrc = attachFd;
    if (syncSrc <= kAttachFd) {
        syncHigh.reset(fcntl(syncSrc, F_DUPFD_CLOEXEC, kAttachFd + 1));
        if (!syncHigh) throw SysError("dup sync pipe for " + monitorPath);
        syncSrc = syncHigh.get();
    }
    if (attachSrc >= 0 && attachSrc <= kAttachFd) {
        attachHigh.reset(fcntl(attachSrc, F_DUPFD_CLOEXEC, kAttachFd + 1));
        if (!attachHigh) throw SysError("dup attach socket for " + monitorPath);
        attachSrc = attachHigh.get();
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, syncSrc, kSyncFd);  // dup2 clears close-on-exec
    if (attachSrc >= 0) posix_spawn_file_actions_adddup2(&fa, attachSrc, kAttachFd);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDWR, 0);
    posix_spawn_file_actions_adddup2(&fa, 0, 1);
    // stderr stays: usage errors before the monitor detaches show up there.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSID);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, argv[0], &fa, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) throw SysError("spawn " + monitorPath, rc);
    sync.write.reset();
    syncHigh.reset();
    std::string line;
    try {
        line = readLine(sync.read.get(), 60, "berth-monitor for " + opts.id);
    } catch (...) {
        int status;
        waitpid(pid, &status, WNOHANG);  // a hung monitor is left to system check
        throw;
    }
    if (line.empty()) {
        // It closed the sync pipe without a word: it died (the pipe is close-on-exec in it).
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        throw Error(
            "berth-monitor for " + opts.id + " exited without reporting (" +
            (WIFEXITED(status) ? "exit status " + std::to_string(WEXITSTATUS(status)) : "killed") +
            "); see " + opts.stateDir + "/monitor.log");
    }
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) throw Error("berth-monitor for " + opts.id + ": bad report: " + line);
    if (!j.value("ok", false)) throw Error(j.value("error", std::string("unknown error")));
    return {j.value("pid", 0), j.value("monitorPid", 0), j.value("attachClient", uint64_t{0})};
}

std::string monitorRequest(const std::string& stateDir, const std::string& request,
                           int timeoutSeconds) {
    std::string what = "monitor " + stateDir + ": " + request;
    UniqueFd sock = withContext(what, [&] { return connectUnix(stateDir + "/monitor.sock"); });
    writeAll(sock.get(), request + "\n", what);
    return parseReply(readLine(sock.get(), timeoutSeconds, what), what);
}

UniqueFd monitorAttach(const std::string& stateDir, bool in, bool out, bool err, bool stdinOnce,
                       uint64_t* clientId, bool takesExit) {
    std::string request = "attach";
    if (in) request += " stdin";
    if (out) request += " stdout";
    if (err) request += " stderr";
    if (stdinOnce) request += " stdin-once";
    if (takesExit) request += " takes-exit";
    std::string what = "monitor " + stateDir + ": attach";
    UniqueFd sock = withContext(what, [&] { return connectUnix(stateDir + "/monitor.sock"); });
    writeAll(sock.get(), request + "\n", what);
    std::string id = parseReply(readLine(sock.get(), 10, what), what);
    if (clientId) *clientId = strtoull(id.c_str(), nullptr, 10);
    return sock;
}

void monitorDetach(const std::string& stateDir, uint64_t clientId) {
    monitorRequest(stateDir, "detach " + std::to_string(clientId), 10);
}

ExecHandle monitorExec(const std::string& stateDir, const std::string& processFile, bool tty,
                       bool in, bool detach) {
    std::string request = "exec";
    if (tty) request += " tty";
    if (in) request += " stdin";
    if (detach) request += " detach";
    request += " " + processFile;
    std::string what = "monitor " + stateDir + ": exec";
    UniqueFd sock = withContext(what, [&] { return connectUnix(stateDir + "/monitor.sock"); });
    writeAll(sock.get(), request + "\n", what);
    ExecHandle h;
    std::string answer = parseReply(readLine(sock.get(), 30, what), what);  // PID [CLIENT_ID]
    char* end = nullptr;
    h.pid = static_cast<pid_t>(strtol(answer.c_str(), &end, 10));
    h.clientId = strtoull(end, nullptr, 10);
    if (!detach) h.sock = std::move(sock);
    return h;
}

int execExitCode(const std::string& stateDir, pid_t pid) {
    try {
        auto j =
            nlohmann::json::parse(readFile(stateDir + "/exec-" + std::to_string(pid) + ".json"));
        return j.value("exitCode", -1);
    } catch (...) {
        return -1;
    }
}

MonitorHealth checkMonitor(const std::string& stateDir) {
    std::string pidText;
    try {
        pidText = readFile(stateDir + "/monitor.pid");
    } catch (const Error&) {
        return MonitorHealth::Lost;
    }
    pid_t pid = static_cast<pid_t>(strtol(pidText.c_str(), nullptr, 10));
    auto space = pidText.find(' ');
    uint64_t start =
        space == std::string::npos ? 0 : strtoull(pidText.c_str() + space, nullptr, 10);
    char state = 0;
    // A zombie counts as gone: its reaper may take a while.
    if (pid > 0 && processStartTime(pid, &state) == start && start != 0 && state != 'Z' &&
        state != 'X')
        return MonitorHealth::Running;
    return finalExitRecorded(stateDir) ? MonitorHealth::Exited : MonitorHealth::Lost;
}

bool waitMonitorExit(const std::string& stateDir, int timeoutMs) {
    std::string pidText;
    try {
        pidText = readFile(stateDir + "/monitor.pid");
    } catch (const Error&) {
        return true;
    }
    pid_t pid = static_cast<pid_t>(strtol(pidText.c_str(), nullptr, 10));
    auto space = pidText.find(' ');
    uint64_t start =
        space == std::string::npos ? 0 : strtoull(pidText.c_str() + space, nullptr, 10);
    if (pid <= 0 || start == 0) return true;
    UniqueFd pidfd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
    if (!pidfd) return true;  // ESRCH: gone (and reaped)
    // The pidfd refers to whatever process has that pid now: only ours if the start time matches.
    char state = 0;
    if (processStartTime(pid, &state) != start || state == 'Z' || state == 'X') return true;
    pollfd p{pidfd.get(), POLLIN, 0};
    for (;;) {
        int r = ::poll(&p, 1, timeoutMs);
        if (r < 0 && errno == EINTR) continue;  // (the timeout restarts: fine for this use)
        return r > 0;
    }
}

MonitorRelease waitMonitorReleased(const std::string& stateDir, int timeoutMs) {
    using Clock = std::chrono::steady_clock;
    auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
    for (;;) {
        if (checkMonitor(stateDir) != MonitorHealth::Running) return MonitorRelease::Gone;
        if (finalExitRecorded(stateDir)) return MonitorRelease::Released;
        auto leftMs = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now())
                          .count();
        if (leftMs <= 0) return MonitorRelease::Busy;
        try {
            // Answered at the release (or at once when it is over).
            monitorRequest(stateDir, "wait", static_cast<int>((leftMs + 999) / 1000));
            continue;
        } catch (const Error&) {
            // No socket: not listening yet, or released (or dying) since the checks above.
        }
        waitMonitorExit(stateDir, static_cast<int>(std::min<int64_t>(leftMs, 5)));
    }
}

}  // namespace berth::monitor
