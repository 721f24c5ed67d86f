// SCMP_ACT_NOTIFY: the runtime hands the listener fd and the container state to
// linux.seccomp.listenerPath (config-linux.md#seccomp); the agent answers the notifications.
#include <linux/seccomp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include "common/fd.hpp"
#include "common/file_io.hpp"
#include "runtime/container/console.hpp"
#include "runtime_harness.hpp"

using namespace berth;
using namespace berth::test;
using nlohmann::json;

TEST(RuntimeSeccompNotify, ListenerGetsTheFdAndAnswers) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    std::string sock = b.dir / "agent.sock";
    UniqueFd listener(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, sock.c_str(), sizeof addr.sun_path - 1);
    ASSERT_EQ(::bind(listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::listen(listener.get(), 1), 0);

    json c = shellConfig("mkdir /tmp/notified; echo mkdir=$?");
    c["linux"]["seccomp"] = {{"defaultAction", "SCMP_ACT_ALLOW"},
                             {"listenerPath", sock},
                             {"listenerMetadata", "berth-test"},
                             {"syscalls", {{{"names", {"mkdir", "mkdirat"}}, {"action", "SCMP_ACT_NOTIFY"}}}}};
    b.write(c);
    ASSERT_EQ(b.rtDetached({"create", "--bundle", b.bundle(), b.id}, b.dir / "container.out").exitCode, 0);

    UniqueFd conn(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    ASSERT_TRUE(conn);
    // The state document and the fd, in one message.
    char buf[8192];
    iovec iov{buf, sizeof buf};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n = ::recvmsg(conn.get(), &msg, MSG_CMSG_CLOEXEC);
    ASSERT_GT(n, 0);
    cmsghdr* cm = CMSG_FIRSTHDR(&msg);
    ASSERT_TRUE(cm && cm->cmsg_type == SCM_RIGHTS);
    int fd;
    std::memcpy(&fd, CMSG_DATA(cm), sizeof fd);
    UniqueFd notifyFd(fd);
    auto state = json::parse(std::string(buf, size_t(n)));
    EXPECT_EQ(state["metadata"], "berth-test");
    EXPECT_EQ(state["state"]["id"], b.id);
    EXPECT_EQ(state["fds"], json::array({"seccompFd"}));

    ASSERT_EQ(b.rt({"start", b.id}).exitCode, 0);
    // Answer the container's mkdir with EPERM from the agent.
    pollfd p{notifyFd.get(), POLLIN, 0};
    ASSERT_GT(::poll(&p, 1, 10000), 0);
    seccomp_notif req{};
    ASSERT_EQ(::ioctl(notifyFd.get(), SECCOMP_IOCTL_NOTIF_RECV, &req), 0);
    seccomp_notif_resp resp{};
    resp.id = req.id;
    resp.error = -EPERM;
    ASSERT_EQ(::ioctl(notifyFd.get(), SECCOMP_IOCTL_NOTIF_SEND, &resp), 0);
    for (int i = 0; i < 1000 && b.state(b.id)["status"] != "stopped"; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_EQ(keyValues(readFile(b.dir / "container.out"))["mkdir"], "1");
}
