#include "runtime/container/console.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <cstring>

#include "common/error.hpp"
#include "common/fd_passing.hpp"
#include "common/safe_path.hpp"

namespace berth::runtime {

UniqueFd connectConsoleSocket(const std::string& path) {
    UniqueFd s(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!s) throw SysError("--console-socket: socket");
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    // sun_path holds 108 bytes; a deeper path (e.g. under a state root's containers/<64-hex id>/)
    // is reached through its directory: /proc/self/fd/<dirfd>/<name>.
    std::string effective = path;
    UniqueFd dir;
    if (path.size() >= sizeof addr.sun_path) {
        auto slash = path.rfind('/');
        if (slash == std::string::npos || path.size() - slash >= sizeof addr.sun_path - 32)
            throw Error("--console-socket " + path + ": path too long", ENAMETOOLONG);
        std::string parent = slash == 0 ? "/" : path.substr(0, slash);
        dir = UniqueFd(::open(parent.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!dir) throw SysError("--console-socket " + path + ": open " + parent);
        effective = "/proc/self/fd/" + std::to_string(dir.get()) + path.substr(slash);
    }
    std::memcpy(addr.sun_path, effective.c_str(), effective.size() + 1);
    if (::connect(s.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0)
        throw SysError("--console-socket " + path + ": connect");
    return s;
}

void sendFd(int socketFd, int fd, const std::string& name) {
    if (!sendFdOver(socketFd, fd, name)) throw SysError("--console-socket: send the pty master");
}

UniqueFd recvFd(int socketFd) {
    char name[256];
    ReceivedFd got = receiveFdOver(socketFd, name, sizeof name);
    if (got.bytes < 0) throw SysError("receive the pty master");
    if (!got.fd) throw Error("receive the pty master: no fd in message");
    return std::move(got.fd);
}

UniqueFd setupConsole(const std::string& rootfs, int socketFd, const oci::Process& process,
                      bool mountConsole) {
    UniqueFd root(::open(rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) throw SysError("console: open rootfs " + rootfs);
    // /dev/ptmx → pts/ptmx inside the rootfs: the container's own devpts instance.
    UniqueFd master = tryOpenInRoot(root.get(), "/dev/ptmx", O_RDWR | O_NOCTTY);
    if (!master) master = openInRoot(root.get(), "/dev/pts/ptmx", O_RDWR | O_NOCTTY);
    int unlock = 0;
    if (::ioctl(master.get(), TIOCSPTLCK, &unlock) < 0) throw SysError("console: unlock pty");
    UniqueFd slave(::ioctl(master.get(), TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!slave) throw SysError("console: open pty slave");
    if (process.consoleSize) {
        winsize ws{};
        ws.ws_row = (unsigned short)process.consoleSize->height;
        ws.ws_col = (unsigned short)process.consoleSize->width;
        ::ioctl(master.get(), TIOCSWINSZ, &ws);
    }
    if (mountConsole) {
        // config.md: /dev/console is the pty slave when process.terminal is true.
        UniqueFd target = tryOpenInRoot(root.get(), "/dev/console", O_PATH | O_NOFOLLOW);
        if (!target) {
            UniqueFd dev = mkdirAllInRoot(root.get(), "/dev");
            UniqueFd f(
                ::openat(dev.get(), "console", O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0666));
            if (!f) throw SysError("console: create /dev/console");
            target = openInRoot(root.get(), "/dev/console", O_PATH | O_NOFOLLOW);
        }
        if (::mount(fdPath(slave.get()).c_str(), fdPath(target.get()).c_str(), nullptr, MS_BIND,
                    nullptr) < 0)
            throw SysError("console: bind the pty on /dev/console");
    }
    int ptyNumber = 0;
    ::ioctl(master.get(), TIOCGPTN, &ptyNumber);
    sendFd(socketFd, master.get(), "/dev/pts/" + std::to_string(ptyNumber));
    return slave;
}

void attachConsole(int slave) {
    if (::ioctl(slave, TIOCSCTTY, 0) < 0) throw SysError("console: set controlling terminal");
    for (int fd = 0; fd < 3; ++fd)
        if (::dup2(slave, fd) < 0) throw SysError("console: dup the pty slave on stdio");
}

}  // namespace berth::runtime
