#include "runtime/container/sync_socket.hpp"

#include <sys/socket.h>

#include <cstring>

#include "common/error.hpp"

namespace berth::runtime {

SyncPair SyncPair::make() {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        throw SysError("socketpair for the init sync");
    return SyncPair{UniqueFd(sv[0]), UniqueFd(sv[1])};
}

bool syncSend(int fd, SyncMsg type, const std::string& payload) noexcept {
    char buf[8192];
    size_t n = std::min(payload.size(), sizeof buf - 1);
    buf[0] = char(type);
    std::memcpy(buf + 1, payload.data(), n);
    ssize_t r;
    do {
        r = ::send(fd, buf, n + 1, MSG_NOSIGNAL);
    } while (r < 0 && errno == EINTR);
    return r == ssize_t(n + 1);
}

SyncMessage syncRecv(int fd) {
    char buf[8192];
    ssize_t r;
    do {
        r = ::recv(fd, buf, sizeof buf, 0);
    } while (r < 0 && errno == EINTR);
    SyncMessage m;
    if (r < 0) {
        if (errno == ECONNRESET) {
            m.eof = true;
            return m;
        }
        throw SysError("read from the container init");
    }
    if (r == 0) {
        m.eof = true;
        return m;
    }
    m.type = SyncMsg(buf[0]);
    m.payload.assign(buf + 1, size_t(r - 1));
    return m;
}

}  // namespace berth::runtime
