// process.terminal: the pty master over --console-socket (runc's protocol, what containerd
// and Docker use), /dev/console is the pty, and `run` relays a terminal in the foreground.
#include "runtime/container/console.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "common/fd.hpp"
#include "runtime_harness.hpp"

using namespace berth;
using namespace berth::test;
using nlohmann::json;

namespace {

UniqueFd listenOn(const std::string& path) {
    UniqueFd s(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
    if (::bind(s.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) return UniqueFd();
    if (::listen(s.get(), 1) < 0) return UniqueFd();
    return s;
}

std::string readAll(int fd, int timeoutMs = 5000) {
    std::string out;
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, timeoutMs) <= 0) break;
        char buf[4096];
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) break;  // EIO once the container's side is closed
        out.append(buf, size_t(n));
    }
    return out;
}

// `create --console-socket sock` of b's container: the pty master it sent over the socket
// (invalid, with the failure reported, when there is none).
UniqueFd createWithConsole(RuntimeBundle& b, int listener, const std::string& sock) {
    auto r = b.rtDetached({"create", "--bundle", b.bundle(), "--console-socket", sock, b.id});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    if (r.exitCode != 0) return UniqueFd();
    UniqueFd conn(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
    EXPECT_TRUE(conn) << "accept on the console socket";
    return conn ? runtime::recvFd(conn.get()) : UniqueFd();
}

}  // namespace

TEST(RuntimeConsole, ConsoleSocketGetsThePtyMaster) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    std::string sock = b.dir / "console.sock";
    UniqueFd listener = listenOn(sock);
    ASSERT_TRUE(listener);
    json c = shellConfig(
        "echo tty=$(tty); echo console=$(stat -c %t:%T /dev/console); "
        "echo size=$(stty size)");
    c["process"]["terminal"] = true;
    c["process"]["consoleSize"] = {{"height", 33}, {"width", 120}};
    b.write(c);
    UniqueFd master = createWithConsole(b, listener.get(), sock);
    ASSERT_TRUE(master);
    ASSERT_EQ(b.rt({"start", b.id}).exitCode, 0);
    std::string out = readAll(master.get());
    EXPECT_NE(out.find("tty=/dev/pts/0"), std::string::npos) << out;
    EXPECT_NE(out.find("console=88:0"), std::string::npos) << out;  // devpts major 136
    EXPECT_NE(out.find("size=33 120"), std::string::npos) << out;
}

TEST(RuntimeConsole, ConsoleSocketPathLongerThanSunPath) {
    // An engine's socket under <root>/containers/<64-hex id>/... easily passes sun_path's 108
    // bytes; the runtime must still reach it.
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    std::string deep = b.dir / std::string(100, 'd');
    ASSERT_EQ(::mkdir(deep.c_str(), 0700), 0);
    UniqueFd deepFd(::open(deep.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    ASSERT_TRUE(deepFd);
    UniqueFd listener = listenOn("/proc/self/fd/" + std::to_string(deepFd.get()) + "/c.sock");
    ASSERT_TRUE(listener);
    std::string sock = deep + "/c.sock";
    ASSERT_GT(sock.size(), 108u);
    json c = shellConfig("echo tty=$(tty)");
    c["process"]["terminal"] = true;
    b.write(c);
    UniqueFd master = createWithConsole(b, listener.get(), sock);
    ASSERT_TRUE(master);
    ASSERT_EQ(b.rt({"start", b.id}).exitCode, 0);
    EXPECT_NE(readAll(master.get()).find("tty=/dev/pts/0"), std::string::npos);
}

TEST(RuntimeConsole, TerminalWithoutSocketIsAnErrorWhenDetached) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    json c = shellConfig("true");
    c["process"]["terminal"] = true;
    b.write(c);
    auto r = b.rtDetached({"create", "--bundle", b.bundle(), b.id});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.err.find("--console-socket"), std::string::npos) << r.err;
    EXPECT_FALSE(::access((b.root() + "/" + b.id).c_str(), F_OK) == 0);
}

TEST(RuntimeConsole, RunRelaysTheTerminalInTheForeground) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    json c = shellConfig("read line; echo got=$line; echo tty=$(tty); exit 4");
    c["process"]["terminal"] = true;
    b.write(c);
    auto r = runCommand({runtimeBin(), "--root", b.root(), "run", "--bundle", b.bundle(), b.id},
                        "hello\n", 30);
    EXPECT_EQ(r.exitCode, 4) << r.err;
    EXPECT_NE(r.out.find("got=hello"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("tty=/dev/pts/0"), std::string::npos) << r.out;
}
