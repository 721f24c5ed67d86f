#include "engine/monitor/unix_socket.hpp"

#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "common/error.hpp"
#include "common/fd_passing.hpp"

namespace berth::monitor {
namespace {

// Fills addr for path; a too-long path is rewritten to /proc/self/fd/<dirfd>/<name>, and dirFd
// keeps that directory open until the caller is done with the address.
socklen_t makeAddress(const std::string& path, sockaddr_un& addr, UniqueFd& dirFd) {
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    std::string effective = path;
    if (path.size() >= sizeof addr.sun_path) {
        auto slash = path.rfind('/');
        std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
        dirFd.reset(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
        if (!dirFd) throw SysError("open socket directory " + dir);
        effective = "/proc/self/fd/" + std::to_string(dirFd.get()) + "/" + path.substr(slash + 1);
        if (effective.size() >= sizeof addr.sun_path)
            throw Error("socket path too long: " + path, ENAMETOOLONG);
    }
    memcpy(addr.sun_path, effective.c_str(), effective.size());
    return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + effective.size() + 1);
}

}  // namespace

UniqueFd listenUnix(const std::string& path) {
    sockaddr_un addr;
    UniqueFd dirFd;
    socklen_t len = makeAddress(path, addr, dirFd);
    UniqueFd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!sock) throw SysError("socket for " + path);
    ::unlink(path.c_str());
    if (::bind(sock.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0)
        throw SysError("bind " + path);
    if (::listen(sock.get(), 16) != 0) throw SysError("listen " + path);
    return sock;
}

UniqueFd connectUnix(const std::string& path) {
    sockaddr_un addr;
    UniqueFd dirFd;
    socklen_t len = makeAddress(path, addr, dirFd);
    UniqueFd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!sock) throw SysError("socket for " + path);
    if (::connect(sock.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0)
        throw SysError("connect " + path);
    return sock;
}

UniqueFd receiveFd(int sock) {
    char data[256];
    ReceivedFd got = receiveFdOver(sock, data, sizeof data);
    if (got.bytes < 0) throw SysError("recvmsg on console socket");
    if (!got.fd) throw Error("console socket: message carried no file descriptor", EBADMSG);
    return std::move(got.fd);
}

}  // namespace berth::monitor
