#include "common/fd_passing.hpp"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace berth {

namespace {

// Room for one descriptor's ancillary data, aligned as the kernel requires.
struct OneFdMessage {
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};
    OneFdMessage(const OneFdMessage&) = delete;  // msg points into control
    explicit OneFdMessage(iovec* iov) {
        msg.msg_iov = iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
    }
};

}  // namespace

bool sendFdOver(int sock, int fd, std::string_view payload) {
    iovec iov{const_cast<char*>(payload.data()), payload.size()};
    OneFdMessage m(&iov);
    msghdr& msg = m.msg;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
    ssize_t r;
    do {
        r = ::sendmsg(sock, &msg, MSG_NOSIGNAL);
    } while (r < 0 && errno == EINTR);
    return r >= 0;
}

ReceivedFd receiveFdOver(int sock, char* buf, size_t len) {
    iovec iov{buf, len};
    OneFdMessage m(&iov);
    msghdr& msg = m.msg;
    ReceivedFd out{UniqueFd(), 0};
    do {
        out.bytes = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    } while (out.bytes < 0 && errno == EINTR);
    if (out.bytes < 0) return out;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int fd;
            std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
            out.fd = UniqueFd(fd);
            break;
        }
    }
    return out;
}

}  // namespace berth
