#include "common/fd_passing.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

using namespace berth;

namespace {

struct SocketPair {
    UniqueFd a, b;
    SocketPair() {
        int fds[2];
        EXPECT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
        a = UniqueFd(fds[0]);
        b = UniqueFd(fds[1]);
    }
};

}  // namespace

TEST(FdPassing, DescriptorAndPayloadArriveAndTheDescriptorWorks) {
    SocketPair sp;
    int pipeFds[2];
    ASSERT_EQ(::pipe2(pipeFds, O_CLOEXEC), 0);
    UniqueFd readEnd(pipeFds[0]), writeEnd(pipeFds[1]);
    ASSERT_TRUE(sendFdOver(sp.a.get(), writeEnd.get(), "pty"));
    writeEnd.reset();

    char buf[16];
    ReceivedFd got = receiveFdOver(sp.b.get(), buf, sizeof buf);
    ASSERT_EQ(got.bytes, 3);
    EXPECT_EQ(std::string(buf, 3), "pty");
    ASSERT_TRUE(got.fd);
    EXPECT_EQ(::fcntl(got.fd.get(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
    ASSERT_EQ(::write(got.fd.get(), "x", 1), 1);
    char c = 0;
    ASSERT_EQ(::read(readEnd.get(), &c, 1), 1);
    EXPECT_EQ(c, 'x');
}

TEST(FdPassing, MessageWithoutDescriptorGivesAnEmptyFd) {
    SocketPair sp;
    ASSERT_EQ(::write(sp.a.get(), "ok", 2), 2);
    char buf[8];
    ReceivedFd got = receiveFdOver(sp.b.get(), buf, sizeof buf);
    EXPECT_EQ(got.bytes, 2);
    EXPECT_FALSE(got.fd);
}

TEST(FdPassing, EndOfStreamAndErrorsAreReported) {
    SocketPair sp;
    sp.a.reset();
    char buf[8];
    ReceivedFd got = receiveFdOver(sp.b.get(), buf, sizeof buf);
    EXPECT_EQ(got.bytes, 0);
    EXPECT_FALSE(got.fd);
    EXPECT_FALSE(sendFdOver(-1, 0, "x"));
    EXPECT_EQ(errno, EBADF);
}
