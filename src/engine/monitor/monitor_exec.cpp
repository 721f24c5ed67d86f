// Exec sessions: `<runtime> exec -d` a process into the container, become its parent (we are
// the subreaper above the runtime), carry its I/O over the requesting connection, record its exit.
#include <errno.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "engine/monitor/event_file.hpp"
#include "engine/monitor/json_out.hpp"
#include "engine/monitor/monitor.hpp"
#include "engine/monitor/monitor_internal.hpp"
#include "engine/monitor/process.hpp"
#include "engine/monitor/stdcopy.hpp"
#include "engine/monitor/unix_socket.hpp"

namespace berth::monitor {

Monitor::ExecSession* Monitor::findExec(uint64_t sessionId) {
    for (auto& s : execs_)
        if (s->id == sessionId) return s.get();
    return nullptr;
}

Monitor::ExecSession* Monitor::findExecByPid(pid_t pid) {
    for (auto& s : execs_)
        if (s->pid == pid) return s.get();
    return nullptr;
}

void Monitor::startExec(Client& c, const std::vector<std::string>& words) {
    bool tty = false, in = false, detach = false;
    for (size_t i = 1; i + 1 < words.size(); ++i) {
        if (words[i] == "tty")
            tty = true;
        else if (words[i] == "stdin")
            in = true;
        else if (words[i] == "detach")
            detach = true;
        else
            throw Error("unknown exec option " + words[i]);
    }
    if (words.size() < 2 || words.back().empty() || words.back()[0] != '/')
        throw Error("exec needs the absolute path of a process.json");
    if (status_ != Status::Running) throw Error("container " + opts_.id + " is not running");
    const std::string& processFile = words.back();

    auto s = std::make_unique<ExecSession>();
    s->id = nextExecId_++;
    s->tty = tty;
    std::string tag = std::to_string(s->id);
    std::string pidFile = path(("exec-" + tag + ".pid").c_str());
    std::string consolePath = path(("exec-" + tag + ".sock").c_str());
    std::vector<std::string> argv =
        runtimeCommand(opts_, {"exec", "-d", "--process", processFile, "--pid-file", pidFile});
    UniqueFd console;
    Pipe capture = Pipe::make();
    Pipe out, err, input;
    ChildStdio stdio;
    if (s->tty) {
        console = listenUnix(consolePath);
        argv.insert(argv.end(), {"--console-socket", consolePath});
        stdio = {-1, capture.write.get(), capture.write.get()};
    } else {
        // Detached too: its output is drained (and dropped) rather than hitting a closed pipe.
        out = Pipe::make();
        err = Pipe::make();
        if (in && !detach) input = Pipe::make();
        stdio = {input.read ? input.read.get() : -1, out.write.get(), err.write.get()};
    }
    argv.push_back(opts_.id);
    pid_t runtimePid = spawnProcess(argv, stdio);
    capture.write.reset();
    out.write.reset();
    err.write.reset();
    input.read.reset();
    int status = 0;
    try {
        status = waitChild(runtimePid, opts_.runtimeTimeoutNs, opts_.runtime + " exec " + opts_.id);
    } catch (Error&) {
        if (s->tty) ::unlink(consolePath.c_str());
        throw;
    }
    if (s->tty) ::unlink(consolePath.c_str());
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::string text = s->tty ? drainFd(capture.read.get()) : drainFd(err.read.get());
        ::unlink(pidFile.c_str());
        throw Error(opts_.runtime + " exec " + opts_.id + ": " + describeWaitStatus(status) +
                    (text.empty() ? "" : ": " + trimRight(text)));
    }
    s->pid = static_cast<pid_t>(atoi(readFile(pidFile).c_str()));
    ::unlink(pidFile.c_str());
    if (s->pid <= 0) throw Error("runtime wrote no pid to " + pidFile);
    if (s->tty) {
        UniqueFd conn = acceptWithTimeout(console.get(), 5000);
        if (!conn) {
            kill(s->pid, SIGKILL);
            execs_.push_back(std::move(s));  // reaped as usual
            throw Error(
                "exec: no pty master arrived on the console socket (is \"terminal\": true "
                "in the process.json?)");
        }
        s->pty = receiveFd(conn.get());
        setNonBlocking(s->pty.get());
        watch(s->pty.get(), kTagExecPty | (s->id << 8), EPOLLIN);
    } else {
        s->out = std::move(out.read);
        s->err = std::move(err.read);
        s->in = std::move(input.write);
        setNonBlocking(s->out.get());
        setNonBlocking(s->err.get());
        watch(s->out.get(), kTagExecOut | (s->id << 8), EPOLLIN);
        watch(s->err.get(), kTagExecErr | (s->id << 8), EPOLLIN);
        if (s->in) setNonBlocking(s->in.get());
    }
    std::string answer = "ok " + std::to_string(s->pid);
    if (detach) {
        c.closeWhenFlushed = true;
    } else {
        s->clientId = c.id;
        c.attached = true;
        c.execSession = s->id;
        c.wantStdin = in;
        c.wantStdout = c.wantStderr = true;
        answer += " " + std::to_string(c.id);
    }
    execs_.push_back(std::move(s));
    reply(c, answer);
    updateClientEvents(c);
}

bool Monitor::execOutput(ExecSession& s, int fd, Stream stream) {
    char buf[8192];
    ssize_t n;
    do {
        n = ::read(fd, buf, sizeof buf);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && errno == EAGAIN) return false;
    if (n <= 0) {
        unwatch(fd);  // EOF / EIO; the fd goes with the session
        return false;
    }
    Client* c = s.clientId ? findClient(s.clientId) : nullptr;
    if (!c) return true;  // detached: exec output is not logged (as Docker)
    if (!s.tty) {
        auto header = stdcopyHeader(stream, static_cast<size_t>(n));
        sendToClient(*c, header.data(), header.size());
    }
    sendToClient(*c, buf, static_cast<size_t>(n));
    return true;
}

void Monitor::execStdin(ExecSession& s, const char* data, size_t len) {
    int fd = s.tty ? s.pty.get() : s.in.get();
    if (fd < 0) return;
    if (s.inPending.empty()) {
        while (len > 0) {
            ssize_t n = ::write(fd, data, len);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno == EAGAIN) break;
            if (n < 0) return;  // the process closed its stdin
            data += n;
            len -= static_cast<size_t>(n);
        }
        if (len == 0) return;
        if (s.tty)
            rewatch(fd, kTagExecPty | (s.id << 8), EPOLLIN | EPOLLOUT);
        else
            watch(fd, kTagExecIn | (s.id << 8), EPOLLOUT);
    }
    if (s.inPending.size() + len > kMaxPending) return;  // a process not reading: input dropped
    s.inPending.append(data, len);
}

void Monitor::closeExecStdin(ExecSession& s) {
    if (s.tty) {
        const char eot = 4;
        execStdin(s, &eot, 1);
        return;
    }
    if (!s.in) return;
    if (!s.inPending.empty()) unwatch(s.in.get());
    s.in.reset();
    std::string().swap(s.inPending);
}

void Monitor::onExecEvent(uint64_t tag, uint32_t events) {
    ExecSession* s = findExec(tag >> 8);
    if (!s) return;
    switch (tag & 0xff) {
        case kTagExecOut:
            execOutput(*s, s->out.get(), Stream::Stdout);
            return;
        case kTagExecErr:
            execOutput(*s, s->err.get(), Stream::Stderr);
            return;
        case kTagExecPty:
        case kTagExecIn: {
            if (events & EPOLLOUT) {
                int fd = s->tty ? s->pty.get() : s->in.get();
                while (!s->inPending.empty()) {
                    ssize_t n = ::write(fd, s->inPending.data(), s->inPending.size());
                    if (n < 0 && errno == EINTR) continue;
                    if (n < 0 && errno == EAGAIN) break;
                    if (n < 0) {
                        s->inPending.clear();
                        break;
                    }
                    s->inPending.erase(0, static_cast<size_t>(n));
                }
                if (s->inPending.empty()) {
                    if (s->tty)
                        rewatch(fd, kTagExecPty | (s->id << 8), EPOLLIN);
                    else
                        unwatch(fd);
                }
            }
            if ((tag & 0xff) == kTagExecPty && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                execOutput(*s, s->pty.get(), Stream::Stdout);
            return;
        }
    }
}

void Monitor::onExecExit(ExecSession& s, int waitStatus) {
    // Whatever it wrote before exiting still reaches the client (bounded).
    for (auto [fd, stream] :
         {std::pair{s.out.get(), Stream::Stdout}, std::pair{s.err.get(), Stream::Stderr},
          std::pair{s.pty.get(), Stream::Stdout}}) {
        for (int round = 0; fd >= 0 && round < 512 && execOutput(s, fd, stream); ++round) {
        }
    }
    int exitCode = WIFEXITED(waitStatus) ? WEXITSTATUS(waitStatus) : 128 + WTERMSIG(waitStatus);
    try {
        replaceFile(path(("exec-" + std::to_string(s.pid) + ".json").c_str()),
                    JsonOut().num("pid", s.pid).num("exitCode", exitCode).done() + "\n");
    } catch (const Error& e) {
        diag(std::string("writing exec record: ") + e.what());
    }
    appendMonitorEvent(opts_.stateDir, "exec_die",
                       {{"execPid", std::to_string(s.pid)}, {"exitCode", std::to_string(exitCode)}});
    if (Client* c = s.clientId ? findClient(s.clientId) : nullptr) {
        c->closeWhenFlushed = true;
        c->execSession = 0;
        if (c->out.empty()) dropClient(c->id);
    }
    for (int fd : {s.out.get(), s.err.get(), s.pty.get()})
        if (fd >= 0) unwatch(fd);
    if (s.in && !s.inPending.empty()) unwatch(s.in.get());
    uint64_t id = s.id;
    std::erase_if(execs_, [id](const std::unique_ptr<ExecSession>& e) { return e->id == id; });
}

}  // namespace berth::monitor
