#include "engine/interactive/stdio_stream.hpp"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <optional>

#include "engine/interactive/detach_keys.hpp"
#include "engine/monitor/stdcopy.hpp"

namespace berth::engine {

namespace {

void writeAll(int fd, const char* data, size_t len) {
    while (len > 0) {
        ssize_t n = ::write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) {
                pollfd p{fd, POLLOUT, 0};
                ::poll(&p, 1, 1000);
                continue;
            }
            return;  // the reader went away: keep draining so the container isn't blocked
        }
        data += n;
        len -= static_cast<size_t>(n);
    }
}

// SIGWINCH → a byte on a pipe the stream loop polls. Installed once per process; the handler
// only writes (async-signal-safe), whichever thread takes the signal.
std::atomic<int> gWinchWrite{-1};

void onWinch(int) {
    int saved = errno;
    int fd = gWinchWrite.load();
    if (fd >= 0) (void)!::write(fd, "w", 1);
    errno = saved;
}

int winchPipe() {
    static int readEnd = [] {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return -1;
        gWinchWrite.store(fds[1]);
        struct sigaction sa {};
        sa.sa_handler = onWinch;
        sa.sa_flags = SA_RESTART;
        sigemptyset(&sa.sa_mask);
        ::sigaction(SIGWINCH, &sa, nullptr);
        return fds[0];
    }();
    return readEnd;
}

}  // namespace

RawTerminal::RawTerminal(int fd) : fd_(fd) {
    if (fd_ < 0 || ::tcgetattr(fd_, &saved_) != 0) {
        fd_ = -1;
        return;
    }
    struct termios raw = saved_;
    ::cfmakeraw(&raw);
    raw.c_oflag |= OPOST;  // keep \n → \r\n for our own messages
    ::tcsetattr(fd_, TCSANOW, &raw);
}

RawTerminal::~RawTerminal() {
    if (fd_ >= 0) ::tcsetattr(fd_, TCSANOW, &saved_);
}

bool terminalSize(int fd, int* rows, int* cols) {
    struct winsize ws {};
    if (fd < 0 || ::ioctl(fd, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0) return false;
    *rows = ws.ws_row;
    *cols = ws.ws_col;
    return true;
}

StreamEnd streamStdio(const StreamEnds& e) {
    int sizeFd = -1;
    if (e.tty && e.resize) {
        if (e.inFd >= 0 && ::isatty(e.inFd))
            sizeFd = e.inFd;
        else if (::isatty(e.outFd))
            sizeFd = e.outFd;
    }
    int winch = sizeFd >= 0 ? winchPipe() : -1;
    auto sendSize = [&] {
        int rows, cols;
        if (terminalSize(sizeFd, &rows, &cols)) e.resize(rows, cols);
    };
    if (sizeFd >= 0) sendSize();

    std::optional<RawTerminal> raw;
    if (e.tty && e.inFd >= 0 && ::isatty(e.inFd)) raw.emplace(e.inFd);

    DetachKeyMatcher matcher(e.detachKeys);
    bool inOpen = e.inFd >= 0;
    std::string frames;  // stdcopy bytes not yet complete
    std::string forward;
    char buf[65536];
    for (;;) {
        pollfd p[3];
        int n = 0;
        p[n++] = {e.conn, POLLIN, 0};
        int inSlot = -1, winchSlot = -1;
        if (inOpen) {
            inSlot = n;
            p[n++] = {e.inFd, POLLIN, 0};
        }
        if (winch >= 0) {
            winchSlot = n;
            p[n++] = {winch, POLLIN, 0};
        }
        if (::poll(p, static_cast<nfds_t>(n), -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (winchSlot >= 0 && (p[winchSlot].revents & POLLIN)) {
            while (::read(winch, buf, sizeof buf) > 0) {
            }
            sendSize();
        }
        if (inSlot >= 0 && (p[inSlot].revents & (POLLIN | POLLHUP | POLLERR))) {
            ssize_t r = ::read(e.inFd, buf, sizeof buf);
            if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
            if (r <= 0) {
                inOpen = false;
                ::shutdown(e.conn, SHUT_WR);  // stdin-once: the process sees EOF
            } else {
                forward.clear();
                bool detach = matcher.feed(std::string_view(buf, static_cast<size_t>(r)), &forward);
                if (!forward.empty()) writeAll(e.conn, forward.data(), forward.size());
                if (detach) {
                    if (e.onDetach) e.onDetach();
                    return StreamEnd::Detached;
                }
            }
        }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t r = ::read(e.conn, buf, sizeof buf);
            if (r < 0 && (errno == EINTR || errno == EAGAIN)) continue;
            if (r <= 0) break;
            if (e.tty) {
                writeAll(e.outFd, buf, static_cast<size_t>(r));
                continue;
            }
            frames.append(buf, static_cast<size_t>(r));
            monitor::takeStdcopyFrames(frames, [&](monitor::Stream s, std::string_view payload) {
                writeAll(s == monitor::Stream::Stderr ? e.errFd : e.outFd, payload.data(),
                         payload.size());
            });
        }
    }
    return StreamEnd::OutputClosed;
}

}  // namespace berth::engine
