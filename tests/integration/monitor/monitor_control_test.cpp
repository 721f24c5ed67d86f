// berth-monitor's control socket: attach (pipes and pty), resize, stop, kill; restart policies.
#include <poll.h>
#include <sys/socket.h>

#include "engine/monitor/stdcopy.hpp"
#include "monitor_fixture.hpp"

namespace berth::monitor::test {
namespace {

// Docker stdcopy frames read from an attach socket, demultiplexed.
struct Attached {
    UniqueFd sock;
    std::string out, err, raw;
    bool eof = false;
    bool tty = false;

    // Reads until pred() or timeout/EOF; returns pred().
    bool readUntil(const std::function<bool()>& pred, int timeoutMs = 10000) {
        auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
        std::string buf;
        while (!pred() && !eof && std::chrono::steady_clock::now() < end) {
            pollfd p{sock.get(), POLLIN, 0};
            if (poll(&p, 1, 100) <= 0) continue;
            char chunk[4096];
            ssize_t n = read(sock.get(), chunk, sizeof chunk);
            if (n <= 0) {
                eof = true;
                break;
            }
            if (tty) {
                out.append(chunk, static_cast<size_t>(n));
                continue;
            }
            raw.append(chunk, static_cast<size_t>(n));
            takeStdcopyFrames(raw, [&](Stream s, std::string_view payload) {
                (s == Stream::Stderr ? err : out).append(payload);
            });
        }
        return pred();
    }
    void send(const std::string& s) {
        ASSERT_EQ(write(sock.get(), s.data(), s.size()), (ssize_t)s.size());
    }
};

bool contains(const std::string& hay, const std::string& needle) {
    return hay.find(needle) != std::string::npos;
}

TEST_F(MonitorTest, AttachBeforeStartGetsAllOutputAndSendsStdin) {
    configure({"sh", "-c",
               "echo started; while read l; do echo \"got $l\"; echo \"err $l\" >&2; done; "
               "echo done; exit 4"});
    auto o = options();
    o.openStdin = true;
    o.noStart = true;
    spawn(o);
    EXPECT_EQ(state()["status"], "created");
    Attached a{monitorAttach(stateDir_, true, true, true, /*stdinOnce=*/true)};
    monitorRequest(stateDir_, "start");
    ASSERT_TRUE(a.readUntil([&] { return contains(a.out, "started\n"); })) << a.out;
    a.send("hi\n");
    ASSERT_TRUE(a.readUntil([&] {
        return contains(a.out, "got hi\n") && contains(a.err, "err hi\n");
    })) << a.out
        << "|" << a.err;
    // Closing our side with stdin-once closes the container's stdin: the loop ends.
    shutdown(a.sock.get(), SHUT_WR);
    ASSERT_TRUE(a.readUntil([&] { return contains(a.out, "done\n"); })) << a.out;
    EXPECT_TRUE(a.readUntil([&] { return false; }, 5000) || a.eof);  // EOF once it exited
    EXPECT_TRUE(a.eof);
    auto record = waitFinalExit();
    EXPECT_EQ(record["exitCode"], 4);
    auto lines = logLines(logPath());
    EXPECT_EQ(std::count(lines.begin(), lines.end(), "got hi\n"), 1);
}

TEST_F(MonitorTest, DetachByClosingLeavesContainerRunning) {
    configure({"sh", "-c", "while :; do echo tick; sleep 0.1; done"});
    auto s = spawn();
    {
        Attached a{monitorAttach(stateDir_, false, true, false)};
        ASSERT_TRUE(a.readUntil([&] { return contains(a.out, "tick\n"); }));
    }  // closed: detached
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_EQ(kill(s.containerPid, 0), 0);
    EXPECT_EQ(json::parse(monitorRequest(stateDir_, "status"))["status"], "running");
    Attached again{monitorAttach(stateDir_, false, true, false)};
    EXPECT_TRUE(again.readUntil([&] { return contains(again.out, "tick\n"); }));
}

TEST_F(MonitorTest, AttachStdinRefusedWithoutOpenStdin) {
    configure({"sleep", "100"});
    spawn();
    EXPECT_THROW(monitorAttach(stateDir_, true, true, true), Error);
}

TEST_F(MonitorTest, TtyAttachResizeAndInput) {
    configure({"sh", "-c", "stty size; read x; echo \"x=$x\"; stty size; read y"}, true);
    auto o = options();
    o.terminal = true;
    o.noStart = true;
    spawn(o);
    monitorRequest(stateDir_, "resize 30 100");
    Attached a{monitorAttach(stateDir_, true, true, false)};
    a.tty = true;
    monitorRequest(stateDir_, "start");
    ASSERT_TRUE(a.readUntil([&] { return contains(a.out, "30 100"); })) << a.out;
    monitorRequest(stateDir_, "resize 40 120");
    a.send("abc\n");
    ASSERT_TRUE(a.readUntil([&] { return contains(a.out, "x=abc") && contains(a.out, "40 120"); }))
        << a.out;
    a.send("\n");
    EXPECT_EQ(waitFinalExit()["exitCode"], 0);
    // tty output is logged as stdout, \r\n and all.
    auto entries = readLogEntries(logPath());
    ASSERT_FALSE(entries.empty());
    EXPECT_EQ(entries[0]["stream"], "stdout");
    EXPECT_TRUE(contains(readFile(logPath()), "x=abc\\r\\n")) << readFile(logPath());
}

TEST_F(MonitorTest, ResizeWithoutTerminalIsAnError) {
    configure({"sleep", "100"});
    spawn();
    try {
        monitorRequest(stateDir_, "resize 10 10");
        FAIL();
    } catch (const Error& e) {
        EXPECT_TRUE(contains(e.what(), "no terminal")) << e.what();
    }
}

TEST_F(MonitorTest, StopKillsAfterTimeoutWhenSignalIsIgnored) {
    configure({"sleep", "100"});  // pid 1 without a handler: SIGTERM is ignored
    auto o = options();
    o.restart = RestartPolicy::parse("always");
    spawn(o);
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(monitorRequest(stateDir_, "stop TERM 1"), "137");
    auto took = std::chrono::steady_clock::now() - t0;
    EXPECT_GE(took, std::chrono::milliseconds(900));
    EXPECT_LT(took, std::chrono::seconds(5));
    auto record = waitFinalExit();
    EXPECT_EQ(record["exitCode"], 137);
    EXPECT_EQ(record["exitSignal"], 9);
    EXPECT_TRUE(record["manualStop"].get<bool>());
    EXPECT_EQ(record["restartCount"], 0);  // a stop is never followed by a restart
}

TEST_F(MonitorTest, StopWithHandledSignalExitsCleanly) {
    configure({"sh", "-c", "trap 'echo bye; exit 0' TERM; echo up; while :; do sleep 0.1; done"});
    spawn();
    ASSERT_TRUE(waitFor([&] { return logLines(logPath()).size() >= 1; }));
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(monitorRequest(stateDir_, "stop"), "0");
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
    EXPECT_EQ(logLines(logPath()).back(), "bye\n");
}

TEST_F(MonitorTest, KillRequestSignalsTheContainer) {
    configure({"sh", "-c", "trap 'echo usr1' USR1; echo ready; while :; do sleep 0.1; done"});
    spawn();
    // Signal only once the trap is set: before it, sh as pid 1 ignores SIGUSR1 and it is lost.
    ASSERT_TRUE(waitFor([&] {
        auto l = logLines(logPath());
        return !l.empty() && l.front() == "ready\n";
    }));
    EXPECT_EQ(monitorRequest(stateDir_, "kill USR1"), "");
    EXPECT_TRUE(waitFor([&] {
        auto l = logLines(logPath());
        return !l.empty() && l.back() == "usr1\n";
    }));
    EXPECT_THROW(monitorRequest(stateDir_, "kill NOTASIGNAL"), Error);
    monitorRequest(stateDir_, "kill KILL");
    EXPECT_EQ(waitFinalExit()["exitCode"], 137);
}

TEST_F(MonitorTest, RestartOnFailureTwoRestartsExactlyTwice) {
    configure({"sh", "-c", "echo run; exit 1"});
    auto o = options();
    o.restart = RestartPolicy::parse("on-failure:2");
    spawn(o);
    auto record = waitFinalExit(20000);
    ASSERT_TRUE(record.is_object());
    EXPECT_EQ(record["exitCode"], 1);
    EXPECT_EQ(record["restartCount"], 2);
    EXPECT_EQ(logLines(logPath()), (std::vector<std::string>{"run\n", "run\n", "run\n"}));
    EXPECT_EQ(state()["restartCount"], 2);
}

TEST_F(MonitorTest, OnFailureDoesNotRestartAfterSuccess) {
    configure({"sh", "-c", "echo run; exit 0"});
    auto o = options();
    o.restart = RestartPolicy::parse("on-failure");
    spawn(o);
    auto record = waitFinalExit();
    EXPECT_EQ(record["restartCount"], 0);
    EXPECT_EQ(logLines(logPath()).size(), 1u);
}

TEST_F(MonitorTest, RestartBackoffDoubles) {
    configure({"sh", "-c", "echo run; exit 1"});
    auto o = options();
    o.restart = RestartPolicy::parse("on-failure:3");
    spawn(o);
    ASSERT_TRUE(waitFinalExit(20000).is_object());
    auto entries = readLogEntries(logPath());
    ASSERT_EQ(entries.size(), 4u);
    // Gaps between runs: 100 ms, 200 ms, 400 ms of backoff plus the same create/start cost.
    auto ms = [](const std::string& t) {
        // HH:MM:SS.fraction → ms of the day is enough within one test.
        int h = std::stoi(t.substr(11, 2)), m = std::stoi(t.substr(14, 2));
        double s = std::stod(t.substr(17, t.size() - 18));
        return (h * 3600 + m * 60) * 1000.0 + s * 1000.0;
    };
    std::vector<double> gaps;
    for (size_t i = 1; i < entries.size(); ++i)
        gaps.push_back(ms(entries[i]["time"]) - ms(entries[i - 1]["time"]));
    // Each gap holds its backoff; the create/start cost varies with load (tens of ms on a busy
    // 2-core CI machine), so compare across two doublings (400 - 100 = 300 ms) rather than one.
    EXPECT_GE(gaps[0], 100);
    EXPECT_GE(gaps[1], 200) << gaps[0] << " " << gaps[1] << " " << gaps[2];
    EXPECT_GE(gaps[2], 400) << gaps[0] << " " << gaps[1] << " " << gaps[2];
    EXPECT_GT(gaps[2] - gaps[0], 200) << gaps[0] << " " << gaps[1] << " " << gaps[2];
}

TEST_F(MonitorTest, RestartAlwaysUntilStopped) {
    configure({"sh", "-c", "echo run; sleep 0.2"});
    auto o = options();
    o.restart = RestartPolicy::parse("always");
    spawn(o);
    ASSERT_TRUE(waitFor([&] { return state().value("restartCount", 0) >= 2; }, 15000));
    monitorRequest(stateDir_, "stop KILL 1");
    auto record = waitFinalExit();
    EXPECT_TRUE(record["manualStop"].get<bool>());
    EXPECT_EQ(checkMonitor(stateDir_), MonitorHealth::Exited);
    EXPECT_GE(logLines(logPath()).size(), 2u);  // restartCount counts restarts scheduled
}

}  // namespace
}  // namespace berth::monitor::test
