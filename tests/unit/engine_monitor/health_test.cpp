#include "engine/monitor/health.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace berth::monitor {
namespace {

HealthProbe probe(int exitCode, std::string output = "") {
    return {1'000'000'000, 2'000'000'000, exitCode, std::move(output)};
}

TEST(HealthState, DockerTransitions) {
    HealthState h;
    h.reset();
    EXPECT_STREQ(h.statusName(), "starting");
    h.record(probe(1), 3, false);
    h.record(probe(1), 3, false);
    EXPECT_STREQ(h.statusName(), "starting");
    EXPECT_EQ(h.failingStreak(), 2);
    h.record(probe(1), 3, false);
    EXPECT_STREQ(h.statusName(), "unhealthy");
    h.record(probe(0), 3, false);
    EXPECT_STREQ(h.statusName(), "healthy");
    EXPECT_EQ(h.failingStreak(), 0);
}

TEST(HealthState, FailuresInStartPeriodDoNotCount) {
    HealthState h;
    h.reset();
    h.record(probe(1), 1, true);
    EXPECT_STREQ(h.statusName(), "starting");
    EXPECT_EQ(h.failingStreak(), 0);
    EXPECT_EQ(h.log().size(), 1u);  // still logged
    h.record(probe(0), 1, true);    // success in the start period counts
    EXPECT_STREQ(h.statusName(), "healthy");
    h.record(probe(1), 1, true);  // once healthy, the start period no longer shields
    EXPECT_STREQ(h.statusName(), "unhealthy");
}

TEST(HealthState, KeepsLastFiveAndCutsOutput) {
    HealthState h;
    h.reset();
    for (int i = 0; i < 7; ++i) h.record(probe(0, std::to_string(i)), 3, false);
    ASSERT_EQ(h.log().size(), 5u);
    EXPECT_EQ(h.log().front().output, "2");
    h.record(probe(0, std::string(10000, 'x')), 3, false);
    EXPECT_EQ(h.log().back().output.size(), 4096u);
}

TEST(HealthState, JsonShapeIsDockers) {
    HealthState h;
    h.reset();
    h.record(probe(1, "boom\n"), 3, false);
    auto j = nlohmann::json::parse(h.toJson());
    EXPECT_EQ(j["Status"], "starting");
    EXPECT_EQ(j["FailingStreak"], 1);
    ASSERT_EQ(j["Log"].size(), 1u);
    EXPECT_EQ(j["Log"][0]["ExitCode"], 1);
    EXPECT_EQ(j["Log"][0]["Output"], "boom\n");
    EXPECT_EQ(j["Log"][0]["Start"], "1970-01-01T00:00:01.000000000Z");
    EXPECT_EQ(j["Log"][0]["End"], "1970-01-01T00:00:02.000000000Z");
}

}  // namespace
}  // namespace berth::monitor
