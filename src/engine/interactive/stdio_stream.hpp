// The caller's side of an attached stream (run without -d, start -a, attach, exec): copies the
// caller's stdin to the monitor connection through the detach-key matcher, the connection's
// output to the caller's stdout/stderr (raw with a tty, Docker's stdcopy frames without), and
// passes terminal resizes (SIGWINCH) on. Single-threaded: poll over the three sources.
#pragma once

#include <termios.h>

#include <functional>
#include <string>

namespace berth::engine {

struct StreamEnds {
    int conn = -1;   // the monitor connection (attach or exec)
    int inFd = -1;   // -1: stdin not attached
    int outFd = 1;
    int errFd = 2;
    bool tty = false;          // raw bytes (else stdcopy frames)
    std::string detachKeys;    // bytes (parseDetachKeys); "" → no detaching
    // Called with the caller's terminal size at the start and after every SIGWINCH, when
    // inFd (or outFd) is a terminal and tty is set.
    std::function<void(int rows, int cols)> resize;
    // Called once the detach sequence was read, before the connection is closed (the monitor
    // must learn it is a detach, not stdin's end).
    std::function<void()> onDetach;
};

enum class StreamEnd { OutputClosed, Detached };

// Runs until the connection's output ends (the process exited) or the detach keys were typed.
// With a tty and a terminal on inFd the terminal is in raw mode meanwhile. At stdin's EOF the
// connection is half-closed (the monitor closes the process's stdin as Docker's stdin-once).
StreamEnd streamStdio(const StreamEnds& ends);

// Raw mode on a terminal while alive (docker's setRawTerminal); a no-op on a non-terminal.
class RawTerminal {
  public:
    explicit RawTerminal(int fd);
    ~RawTerminal();
    RawTerminal(const RawTerminal&) = delete;
    RawTerminal& operator=(const RawTerminal&) = delete;

  private:
    int fd_;
    struct termios saved_ {};
};

// The terminal size of fd, or false when fd is not a terminal.
bool terminalSize(int fd, int* rows, int* cols);

}  // namespace berth::engine
