// Exec sessions through the monitor, and the wait request.
#include <poll.h>
#include <sys/socket.h>

#include "engine/monitor/stdcopy.hpp"
#include "monitor_fixture.hpp"

namespace berth::monitor::test {
namespace {

// Reads a connection to EOF (or timeout); splits stdcopy frames unless tty.
struct Received {
    std::string out, err;
};
Received readAll(int fd, bool tty, const std::function<bool(const Received&)>& until = nullptr,
                 int timeoutMs = 10000) {
    Received r;
    std::string raw;
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (std::chrono::steady_clock::now() < end) {
        if (until && until(r)) break;
        pollfd p{fd, POLLIN, 0};
        if (poll(&p, 1, 100) <= 0) continue;
        char buf[4096];
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) break;
        if (tty) {
            r.out.append(buf, static_cast<size_t>(n));
            continue;
        }
        raw.append(buf, static_cast<size_t>(n));
        takeStdcopyFrames(raw, [&](Stream s, std::string_view payload) {
            (s == Stream::Stderr ? r.err : r.out).append(payload);
        });
    }
    return r;
}

class MonitorExecTest : public MonitorTest {
  protected:
    std::string processFile(const std::vector<std::string>& args, bool terminal = false) {
        json p{{"args", args},
               {"cwd", "/"},
               {"env", {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"}},
               {"user", {{"uid", 0}, {"gid", 0}}},
               {"terminal", terminal}};
        std::string file = dir_ / ("process-" + std::to_string(++files_) + ".json");
        writeFile(file, p.dump());
        return file;
    }
    int files_ = 0;
};

TEST_F(MonitorExecTest, ExecCarriesStdioAndRecordsExitCode) {
    configure({"sleep", "100"});
    spawn();
    auto h = monitorExec(
        stateDir_, processFile({"sh", "-c", "read l; echo \"got $l\"; echo oops >&2; exit 6"}),
        false, true);
    ASSERT_GT(h.pid, 0);
    ASSERT_EQ(write(h.sock.get(), "x\n", 2), 2);
    auto r = readAll(h.sock.get(), false);
    EXPECT_EQ(r.out, "got x\n");
    EXPECT_EQ(r.err, "oops\n");
    EXPECT_EQ(execExitCode(stateDir_, h.pid), 6);
    EXPECT_TRUE(logLines(logPath()).empty()) << "exec output must not reach the container log";
    EXPECT_EQ(json::parse(monitorRequest(stateDir_, "status"))["status"], "running");
}

TEST_F(MonitorExecTest, ClosingStdinEndsAReadingExec) {
    configure({"sleep", "100"});
    spawn();
    auto h = monitorExec(stateDir_, processFile({"cat"}), false, true);
    ASSERT_EQ(write(h.sock.get(), "abc", 3), 3);
    shutdown(h.sock.get(), SHUT_WR);
    auto r = readAll(h.sock.get(), false);
    EXPECT_EQ(r.out, "abc");
    EXPECT_EQ(execExitCode(stateDir_, h.pid), 0);
}

TEST_F(MonitorExecTest, TtyExecWithResize) {
    configure({"sleep", "100"});
    spawn();
    auto h = monitorExec(stateDir_, processFile({"sh", "-c", "read a; stty size; exit 3"}, true),
                         true, true);
    monitorRequest(stateDir_, "resize 33 99 " + std::to_string(h.pid));
    ASSERT_EQ(write(h.sock.get(), "\n", 1), 1);
    auto r = readAll(h.sock.get(), true);
    EXPECT_NE(r.out.find("33 99"), std::string::npos) << r.out;
    EXPECT_EQ(execExitCode(stateDir_, h.pid), 3);
}

TEST_F(MonitorExecTest, DetachedExecIsReapedAndRecorded) {
    configure({"sleep", "100"});
    spawn();
    auto h = monitorExec(stateDir_, processFile({"sh", "-c", "echo hi; sleep 0.2; exit 2"}), false,
                         false, true);
    ASSERT_GT(h.pid, 0);
    EXPECT_FALSE(h.sock.valid());
    EXPECT_TRUE(waitFor([&] { return execExitCode(stateDir_, h.pid) == 2; }));
}

TEST_F(MonitorExecTest, ExecErrorsAreReported) {
    configure({"sleep", "100"});
    spawn();
    try {
        monitorExec(stateDir_, processFile({"/no/such/binary"}), false, false);
        FAIL() << "exec of a missing binary should fail";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("/no/such/binary"), std::string::npos) << e.what();
    }
    EXPECT_THROW(monitorExec(stateDir_, "relative.json", false, false), Error);
}

TEST_F(MonitorExecTest, WaitAnswersWithTheExitCode) {
    configure({"sh", "-c", "sleep 0.3; exit 4"});
    spawn();
    EXPECT_EQ(monitorRequest(stateDir_, "wait"), "4");
}

}  // namespace
}  // namespace berth::monitor::test
