#include <gtest/gtest.h>

#include "common/error.hpp"
#include "engine/spec/health_log_options.hpp"

using namespace berth::engine;
using nlohmann::json;

TEST(HealthcheckJson, FlagsOverrideTheImagesHealthcheck) {
    json image = {{"Healthcheck", {{"Test", {"CMD", "check"}}, {"Interval", 5'000'000'000}, {"Retries", 7}}}};
    HealthcheckOptions f;
    f.cmd = "curl -f localhost";
    f.timeoutNs = 2'000'000'000;
    json h = healthcheckJson(f, image);
    EXPECT_EQ(h["Test"], json({"CMD-SHELL", "curl -f localhost"}));
    EXPECT_EQ(h["Interval"], 5'000'000'000);  // the image's, kept
    EXPECT_EQ(h["Timeout"], 2'000'000'000);
    EXPECT_EQ(h["Retries"], 7);
    EXPECT_EQ(healthcheckJson({}, image), image["Healthcheck"]);
    EXPECT_TRUE(healthcheckJson({}, json::object()).is_null());
}

TEST(HealthcheckJson, RefusesWhatDockerRefuses) {
    HealthcheckOptions f;
    f.disabled = true;
    f.retries = 2;
    EXPECT_THROW(healthcheckJson(f, json::object()), berth::Error);
    HealthcheckOptions g;
    g.intervalNs = 500;  // below 1ms
    EXPECT_THROW(healthcheckJson(g, json::object()), berth::Error);
    HealthcheckOptions n;
    n.retries = -1;
    EXPECT_THROW(checkHealthcheckFlags(n), berth::Error);
}

TEST(MonitorHealth, ShellAndExecFormsAndNone) {
    auto shell = monitorHealth({{"Test", {"CMD-SHELL", "true"}}, {"Retries", 2}});
    EXPECT_EQ(shell.command, (std::vector<std::string>{"/bin/sh", "-c", "true"}));
    EXPECT_EQ(shell.retries, 2);
    EXPECT_EQ(shell.intervalNs, 30'000'000'000);  // Docker's default
    auto exec = monitorHealth({{"Test", {"CMD", "/bin/check", "-q"}}});
    EXPECT_EQ(exec.command, (std::vector<std::string>{"/bin/check", "-q"}));
    EXPECT_TRUE(monitorHealth({{"Test", {"NONE"}}}).command.empty());
    EXPECT_TRUE(monitorHealth(nullptr).command.empty());
}

TEST(LogConfig, JsonFileOptionsAndErrors) {
    auto lc = logConfigJson("", {{"max-size", "10m"}, {"max-file", "3"}});
    EXPECT_EQ(lc["Type"], "json-file");
    berth::monitor::MonitorOptions m;
    applyLogConfig(lc, m);
    EXPECT_EQ(m.logMaxSize, 10 * 1024 * 1024);
    EXPECT_EQ(m.logMaxFiles, 3);
    EXPECT_THROW(logConfigJson("", {{"foo", "bar"}}), berth::Error);
    EXPECT_THROW(logConfigJson("syslogx", {}), berth::Error);
    EXPECT_THROW(logConfigJson("", {{"max-size", "abc"}}), berth::Error);
    EXPECT_THROW(logConfigJson("", {{"max-file", "0"}}), berth::Error);
    berth::monitor::MonitorOptions none;
    applyLogConfig(logConfigJson("none", {}), none);
    EXPECT_EQ(none.logPath, "/dev/null");
}
