#include "engine/monitor/options.hpp"

#include <gtest/gtest.h>
#include <signal.h>

#include "common/error.hpp"

namespace berth::monitor {
namespace {

std::vector<std::string> required() {
    return {"--id",           "c1",          "--bundle", "/b",         "--runtime",
            "/usr/sbin/runc", "--state-dir", "/s",       "--log-path", "/s/log"};
}

TEST(MonitorOptions, ParsesRequiredAndDefaults) {
    auto o = MonitorOptions::parse(required());
    EXPECT_EQ(o.id, "c1");
    EXPECT_EQ(o.logMaxSize, -1);
    EXPECT_EQ(o.logMaxFiles, 1);
    EXPECT_EQ(o.restart.kind, RestartPolicy::Kind::No);
    EXPECT_EQ(o.stopSignal, SIGTERM);
    EXPECT_TRUE(o.health.command.empty());
}

TEST(MonitorOptions, MissingRequiredFlagIsNamed) {
    auto args = required();
    args.erase(args.begin() + 4, args.begin() + 6);  // --runtime
    try {
        MonitorOptions::parse(args);
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("--runtime"), std::string::npos);
    }
    args = required();
    args.push_back("--bogus");
    EXPECT_THROW(MonitorOptions::parse(args), Error);
}

TEST(MonitorOptions, RoundTripsThroughArgs) {
    auto args = required();
    for (const char* a : {"--runtime-root",
                          "/r",
                          "--runtime-arg",
                          "--systemd-cgroup",
                          "--log-max-size",
                          "10m",
                          "--log-max-file",
                          "3",
                          "--terminal",
                          "--stdin",
                          "--no-start",
                          "--restart",
                          "on-failure:5",
                          "--stop-signal",
                          "SIGINT",
                          "--health-shell",
                          "curl -f localhost",
                          "--health-interval",
                          "1m30s",
                          "--health-timeout",
                          "500ms",
                          "--health-retries",
                          "4"})
        args.push_back(a);
    auto o = MonitorOptions::parse(args);
    EXPECT_EQ(o.logMaxSize, 10 * 1024 * 1024);
    EXPECT_EQ(o.restart.maxRetries, 5);
    EXPECT_EQ(o.stopSignal, SIGINT);
    EXPECT_EQ(o.health.command, (std::vector<std::string>{"/bin/sh", "-c", "curl -f localhost"}));
    EXPECT_EQ(o.health.intervalNs, 90'000'000'000);
    auto again = MonitorOptions::parse(o.toArgs());
    EXPECT_EQ(again.toArgs(), o.toArgs());
    EXPECT_EQ(again.runtimeArgs, o.runtimeArgs);
    EXPECT_TRUE(again.terminal && again.openStdin && again.noStart);
    EXPECT_EQ(again.health.timeoutNs, 500'000'000);
}

TEST(MonitorOptions, AttachAtSpawn) {
    auto args = required();
    args.insert(args.end(), {"--attach-fd", "4", "--attach-stdin", "--attach-stdin-once",
                             "--terminal", "--tty-size", "40x120"});
    auto o = MonitorOptions::parse(args);
    EXPECT_EQ(o.attachFd, 4);
    EXPECT_TRUE(o.attachStdin);
    EXPECT_TRUE(o.attachStdinOnce);
    EXPECT_EQ(o.ttyRows, 40);
    EXPECT_EQ(o.ttyCols, 120);
    auto back = MonitorOptions::parse(o.toArgs());
    EXPECT_EQ(back.attachFd, 4);
    EXPECT_TRUE(back.attachStdin && back.attachStdinOnce);
    EXPECT_EQ(back.ttyRows, 40);
    EXPECT_EQ(back.ttyCols, 120);

    for (const char* bad : {"40", "x120", "0x10", "40x", "ax b", "70000x1"}) {
        auto a = required();
        a.insert(a.end(), {"--tty-size", bad});
        EXPECT_THROW(MonitorOptions::parse(a), Error) << bad;
    }
    auto noFd = required();
    noFd.push_back("--attach-stdin");
    EXPECT_THROW(MonitorOptions::parse(noFd), Error);
    auto both = required();
    both.insert(both.end(), {"--attach-fd", "4", "--no-start"});
    EXPECT_THROW(MonitorOptions::parse(both), Error);
}

TEST(MonitorOptions, ExitCommand) {
    auto args = required();
    for (const char* a : {"--exit-command-arg", "rm", "--exit-command", "/usr/bin/berth",
                          "--exit-command-arg", "c1"})
        args.push_back(a);
    auto o = MonitorOptions::parse(args);
    EXPECT_EQ(o.exitCommand, (std::vector<std::string>{"/usr/bin/berth", "rm", "c1"}));
    EXPECT_EQ(MonitorOptions::parse(o.toArgs()).exitCommand, o.exitCommand);
    args = required();
    args.insert(args.end(), {"--exit-command-arg", "x"});
    EXPECT_THROW(MonitorOptions::parse(args), Error);
}

TEST(RestartPolicy, ParsesDockerForms) {
    EXPECT_EQ(RestartPolicy::parse("no").kind, RestartPolicy::Kind::No);
    EXPECT_EQ(RestartPolicy::parse("always").kind, RestartPolicy::Kind::Always);
    EXPECT_EQ(RestartPolicy::parse("unless-stopped").kind, RestartPolicy::Kind::UnlessStopped);
    auto p = RestartPolicy::parse("on-failure");
    EXPECT_EQ(p.kind, RestartPolicy::Kind::OnFailure);
    EXPECT_EQ(p.maxRetries, 0);
    EXPECT_EQ(RestartPolicy::parse("on-failure:2").maxRetries, 2);
    EXPECT_EQ(RestartPolicy::parse("on-failure:2").toString(), "on-failure:2");
    EXPECT_THROW(RestartPolicy::parse("sometimes"), Error);
    EXPECT_THROW(RestartPolicy::parse("on-failure:x"), Error);
    EXPECT_THROW(RestartPolicy::parse("on-failure:-1"), Error);
}

TEST(Durations, GoSyntax) {
    EXPECT_EQ(parseDuration("30s"), 30'000'000'000);
    EXPECT_EQ(parseDuration("1m30s"), 90'000'000'000);
    EXPECT_EQ(parseDuration("1.5s"), 1'500'000'000);
    EXPECT_EQ(parseDuration("250ms"), 250'000'000);
    EXPECT_EQ(parseDuration("2h"), 7'200'000'000'000);
    EXPECT_EQ(parseDuration("0"), 0);
    EXPECT_THROW(parseDuration("10"), Error);
    EXPECT_THROW(parseDuration("5y"), Error);
    EXPECT_THROW(parseDuration(""), Error);
}

TEST(Sizes, DockerUnits) {
    EXPECT_EQ(parseByteSize("4096"), 4096);
    EXPECT_EQ(parseByteSize("10k"), 10240);
    EXPECT_EQ(parseByteSize("10m"), 10 * 1024 * 1024);
    EXPECT_EQ(parseByteSize("1g"), 1024LL * 1024 * 1024);
    EXPECT_THROW(parseByteSize("ten"), Error);
    EXPECT_THROW(parseByteSize("-1"), Error);
}

TEST(Signals, NamesAndNumbers) {
    EXPECT_EQ(parseSignal("SIGTERM"), SIGTERM);
    EXPECT_EQ(parseSignal("kill"), SIGKILL);
    EXPECT_EQ(parseSignal("9"), 9);
    EXPECT_EQ(parseSignal("WINCH"), SIGWINCH);
    EXPECT_THROW(parseSignal("SIGNOPE"), Error);
    EXPECT_THROW(parseSignal("0"), Error);
}

}  // namespace
}  // namespace berth::monitor
