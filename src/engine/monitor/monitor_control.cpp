// The control socket: status, start, stop, kill, resize, attach (protocol in monitor.hpp).
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>

#include "common/error.hpp"
#include "common/strings.hpp"
#include "engine/monitor/monitor.hpp"
#include "engine/monitor/monitor_internal.hpp"

namespace berth::monitor {

constexpr size_t kMaxRequest = 4096;

void Monitor::acceptClients() {
    for (;;) {
        int fd = accept4(listen_.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd < 0) return;  // EAGAIN, or a transient error: the next event retries
        auto c = std::make_unique<Client>();
        c->id = nextClientId_++;
        c->fd.reset(fd);
        c->events = EPOLLIN | EPOLLRDHUP;
        watch(fd, kTagClient | (c->id << 8), c->events);
        clients_.push_back(std::move(c));
    }
}

Monitor::Client* Monitor::findClient(uint64_t clientId) {
    for (auto& c : clients_)
        if (c->id == clientId && !c->dead) return c.get();
    return nullptr;
}

void Monitor::dropClient(uint64_t clientId) {
    Client* c = findClient(clientId);
    if (!c) return;
    unwatch(c->fd.get());
    c->fd.reset();
    c->dead = true;
    std::string().swap(c->out);
}

void Monitor::updateClientEvents(Client& c) {
    if (c.dead) return;
    uint32_t events = 0;
    bool stdinFull = c.attached && c.wantStdin && stdinPending_.size() >= kMaxPending;
    if (!c.inputClosed && !stdinFull) events |= EPOLLIN | EPOLLRDHUP;
    if (!c.out.empty()) events |= EPOLLOUT;
    if (events == c.events) return;
    c.events = events;
    rewatch(c.fd.get(), kTagClient | (c.id << 8), events);
}

void Monitor::sendToClient(Client& c, const char* data, size_t len) {
    if (c.dead) return;
    if (c.out.empty()) {
        while (len > 0) {
            ssize_t n = ::send(c.fd.get(), data, len, MSG_NOSIGNAL);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && errno == EAGAIN) break;
            if (n < 0) {
                dropClient(c.id);  // EPIPE/ECONNRESET: the client went away (detach)
                return;
            }
            data += n;
            len -= static_cast<size_t>(n);
        }
        if (len == 0) {
            if (c.closeWhenFlushed) dropClient(c.id);
            return;
        }
    }
    if (c.out.size() + len > kMaxPending) {
        dropClient(c.id);  // a client that doesn't read must not make the monitor grow
        return;
    }
    c.out.append(data, len);
    updateClientEvents(c);
}

void Monitor::reply(Client& c, const std::string& line) {
    std::string text = line + "\n";
    sendToClient(c, text.data(), text.size());
}

void Monitor::onClientEvent(uint64_t clientId, uint32_t events) {
    Client* c = findClient(clientId);
    if (!c) return;
    if (events & EPOLLOUT) {
        std::string pending;
        pending.swap(c->out);
        sendToClient(*c, pending.data(), pending.size());
        if (c->dead) return;
        if (c->out.empty()) {
            if (c->closeWhenFlushed) {
                dropClient(clientId);
                return;
            }
            updateClientEvents(*c);
        }
    }
    if (!(events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))) return;
    char buf[8192];
    ssize_t n;
    do {
        n = ::read(c->fd.get(), buf, sizeof buf);
    } while (n < 0 && errno == EINTR);
    if (n < 0 && errno == EAGAIN) return;
    if (n < 0) {
        dropClient(clientId);
        return;
    }
    if (n == 0) {
        c->inputClosed = true;
        if (c->execSession) {
            if (ExecSession* s = findExec(c->execSession)) closeExecStdin(*s);
        } else if (c->attached && c->wantStdin && c->stdinOnce) {
            closeStdin();
        }
        // A closed request connection, or a full close (EPOLLHUP) of an attached one: detach.
        if ((!c->attached && !c->waitingForStop) || (events & EPOLLHUP))
            dropClient(clientId);
        else
            updateClientEvents(*c);
        return;
    }
    std::string_view data(buf, static_cast<size_t>(n));
    if (c->attached) {
        if (c->execSession) {
            if (ExecSession* s = findExec(c->execSession); s && c->wantStdin)
                execStdin(*s, data.data(), data.size());
        } else if (c->wantStdin) {
            writeStdin(data.data(), data.size());
        }
        updateClientEvents(*c);
        return;
    }
    if (c->waitingForStop || c->closeWhenFlushed) return;  // one request per connection
    c->in.append(data);
    auto nl = c->in.find('\n');
    if (nl == std::string::npos) {
        if (c->in.size() > kMaxRequest) {
            c->closeWhenFlushed = true;
            reply(*c, "error request too long");
        }
        return;
    }
    std::string line = c->in.substr(0, nl);
    std::string rest = c->in.substr(nl + 1);
    std::string().swap(c->in);
    handleRequest(*c, line);
    if (c->dead) return;
    if (c->attached && c->wantStdin && !rest.empty()) writeStdin(rest.data(), rest.size());
}

bool Monitor::handleRequest(Client& c, const std::string& line) {
    auto words = split(trim(line), ' ');
    const std::string verb = words.empty() ? "" : words[0];
    auto done = [&](const std::string& answer) {
        c.closeWhenFlushed = true;
        reply(c, answer);
        return true;
    };
    bool live = containerPid_ > 0 && (status_ == Status::Running || status_ == Status::Created);
    try {
        if (verb == "status") return done("ok " + stateJson());
        if (verb == "start") {
            if (status_ != Status::Created) return done("error container is not in created state");
            startContainer();
            return done("ok");
        }
        if (verb == "stop") {
            int sig = words.size() > 1 ? parseSignal(words[1]) : opts_.stopSignal;
            int timeout = words.size() > 2 ? atoi(words[2].c_str()) : 10;
            if (status_ == Status::Exited) return done("ok " + std::to_string(exitCode_));
            c.waitingForStop = true;
            requestStop(sig, timeout < 0 ? 0 : timeout);
            return true;
        }
        if (verb == "kill") {
            if (words.size() < 2) return done("error kill needs a signal");
            int sig = parseSignal(words[1]);
            if (!live) return done("error container " + opts_.id + " is not running");
            if (sig == SIGKILL || sig == opts_.stopSignal) manualStop_ = true;
            if (::kill(containerPid_, sig) != 0) throw SysError("kill " + std::to_string(sig));
            return done("ok");
        }
        if (verb == "policy") {  // docker update --restart on a running container
            if (words.size() < 2) return done("error policy needs a restart policy");
            opts_.restart = RestartPolicy::parse(words[1]);
            // A restart needs the overlay after the container's namespace is gone.
            if (live && opts_.restart.kind == RestartPolicy::Kind::No)
                rootfs_.release();
            else if (live)
                rootfs_.keepFromContainer(containerPid_);
            return done("ok");
        }
        if (verb == "resize") {
            if (words.size() < 3) return done("error resize needs ROWS COLS [EXEC_PID]");
            int pty = ptyMaster_.get();
            if (words.size() > 3) {
                ExecSession* s = findExecByPid(static_cast<pid_t>(atoi(words[3].c_str())));
                if (!s) return done("error no exec session with pid " + words[3]);
                pty = s->pty.get();
            }
            if (pty < 0) return done("error container " + opts_.id + " has no terminal");
            winsize ws{};
            ws.ws_row = static_cast<unsigned short>(atoi(words[1].c_str()));
            ws.ws_col = static_cast<unsigned short>(atoi(words[2].c_str()));
            if (ioctl(pty, TIOCSWINSZ, &ws) != 0) throw SysError("TIOCSWINSZ");
            return done("ok");
        }
        if (verb == "exec") {
            startExec(c, words);
            return true;
        }
        if (verb == "wait") {
            if (status_ == Status::Exited) return done("ok " + std::to_string(exitCode_));
            c.waitingForStop = true;
            return true;
        }
        if (verb == "detach") {
            // The client typed the detach keys: it goes away without its EOF closing stdin.
            Client* a = words.size() > 1 ? findClient(strtoull(words[1].c_str(), nullptr, 10))
                                         : nullptr;
            if (!a || !a->attached) return done("error no attached client " +
                                                (words.size() > 1 ? words[1] : std::string()));
            detachClient(*a);
            return done("ok");
        }
        if (verb == "attach") {
            for (size_t i = 1; i < words.size(); ++i) {
                if (words[i] == "stdin")
                    c.wantStdin = true;
                else if (words[i] == "stdout")
                    c.wantStdout = true;
                else if (words[i] == "stderr")
                    c.wantStderr = true;
                else if (words[i] == "stdin-once")
                    c.stdinOnce = true;
                else if (words[i] == "takes-exit")
                    c.takesExit = true;
                else
                    return done("error unknown attach option " + words[i]);
            }
            if (status_ == Status::Exited)
                return done("error container " + opts_.id + " is not running");
            if (c.wantStdin && !opts_.terminal && !opts_.openStdin)
                return done("error container " + opts_.id + " was started without stdin (-i)");
            c.attached = true;
            reply(c, "ok " + std::to_string(c.id));
            updateClientEvents(c);
            return true;
        }
    } catch (const Error& e) {
        return done(std::string("error ") + e.what());
    }
    return done("error unknown request \"" + verb + "\"");
}

void Monitor::detachClient(Client& a) {
    // What it sent before the detach keys still goes in.
    char buf[8192];
    for (int round = 0; round < 128 && !a.inputClosed; ++round) {
        ssize_t n = ::read(a.fd.get(), buf, sizeof buf);
        if (n <= 0) break;
        if (a.execSession) {
            if (ExecSession* s = findExec(a.execSession); s && a.wantStdin) execStdin(*s, buf, size_t(n));
        } else if (a.wantStdin) {
            writeStdin(buf, static_cast<size_t>(n));
        }
    }
    if (a.execSession)
        if (ExecSession* s = findExec(a.execSession)) s->clientId = 0;
    dropClient(a.id);
}

void Monitor::finalizeClient(Client& c) {
    if (c.dead) return;
    std::string last = c.out;
    if (c.waitingForStop) last += "ok " + std::to_string(exitCode_) + "\n";
    if (!last.empty()) {
        // Best effort, bounded: a blocking send with a short timeout.
        int flags = fcntl(c.fd.get(), F_GETFL);
        fcntl(c.fd.get(), F_SETFL, flags & ~O_NONBLOCK);
        timeval tv{1, 0};
        setsockopt(c.fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        (void)!::send(c.fd.get(), last.data(), last.size(), MSG_NOSIGNAL);
    }
    unwatch(c.fd.get());
    c.fd.reset();
    c.dead = true;
}

}  // namespace berth::monitor
