#include <gtest/gtest.h>

#include <cstdlib>

#include "common/error.hpp"
#include "engine/events/event.hpp"
#include "engine/events/journal.hpp"
#include "engine/events/time_arg.hpp"
#include "support/test_support.hpp"

namespace berth::engine::events {
namespace {

constexpr int64_t kSec = 1'000'000'000;

class UtcZone : public ::testing::Test {
  protected:
    void SetUp() override {
        setenv("TZ", "UTC", 1);
        tzset();
    }
};

using TimeArgTest = UtcZone;

TEST_F(TimeArgTest, DurationsCountBackFromNowInWholeSeconds) {
    int64_t now = 1764392400 * kSec + 700'000'000;
    EXPECT_EQ(parseTimeArg("10m", now), (1764392400 - 600) * kSec);
    EXPECT_EQ(parseTimeArg("1h30m", now), (1764392400 - 5400) * kSec);
    EXPECT_EQ(parseTimeArg("1.5s", now), (1764392399) * kSec);
}

TEST_F(TimeArgTest, UnixTimestamps) {
    EXPECT_EQ(parseTimeArg("1764392400", 0), 1764392400 * kSec);
    EXPECT_EQ(parseTimeArg("1764392400.5", 0), 1764392400 * kSec + 500'000'000);
    EXPECT_EQ(parseTimeArg("0", 0), 0);
}

TEST_F(TimeArgTest, Rfc3339Forms) {
    EXPECT_EQ(parseTimeArg("2026-11-29T05:00:00Z", 0), 1795928400 * kSec);
    EXPECT_EQ(parseTimeArg("2026-11-29T05:00:00.25Z", 0), 1795928400 * kSec + 250'000'000);
    EXPECT_EQ(parseTimeArg("2026-11-29T06:00:00+01:00", 0), 1795928400 * kSec);
    EXPECT_EQ(parseTimeArg("2026-11-29T05:00:00", 0), 1795928400 * kSec);  // local = UTC here
    EXPECT_EQ(parseTimeArg("2026-11-29T05:00", 0), 1795928400 * kSec);
    EXPECT_EQ(parseTimeArg("2026-11-29T05", 0), 1795928400 * kSec);
    EXPECT_EQ(parseTimeArg("2026-11-29", 0), (1795928400 - 5 * 3600) * kSec);
}

TEST_F(TimeArgTest, BadValuesNameTheValue) {
    for (const char* v : {"", "xyz", "10x", "2026-13-01", "12ab", "1.2.3"}) {
        try {
            parseTimeArg(v, 0);
            ADD_FAILURE() << v;
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find("failed to parse value as time or duration: \"" +
                                                 std::string(v) + "\""),
                      std::string::npos)
                << e.what();
        }
    }
}

TEST_F(TimeArgTest, FixedNanoFormatInUtc) {
    EXPECT_EQ(rfc3339NanoFixedLocal(1795928400 * kSec + 120), "2026-11-29T05:00:00.000000120Z");
}

Event containerEvent(const std::string& action, const std::string& id, const std::string& name,
                     const std::string& image) {
    Event e;
    e.type = "container";
    e.action = action;
    e.actorId = id;
    e.attributes = {{"name", name}, {"image", image}, {"com.example", "x"}};
    return e;
}

TEST(EventFilterTest, DockerSemantics) {
    auto e = containerEvent("start", "abcdef123456", "web", "busybox:latest");
    EventFilter none;
    EXPECT_TRUE(none.matches(e));
    EventFilter byId;
    byId.add("container", "abcd");  // prefix of the ID
    EXPECT_TRUE(byId.matches(e));
    EventFilter byName;
    byName.add("container", "web");
    EXPECT_TRUE(byName.matches(e));
    EventFilter other;
    other.add("container", "db");
    EXPECT_FALSE(other.matches(e));
    other.add("container", "web");  // same key: OR
    EXPECT_TRUE(other.matches(e));
    EventFilter typeAndEvent;
    typeAndEvent.add("type", "container");
    typeAndEvent.add("event", "stop");  // different keys: AND
    EXPECT_FALSE(typeAndEvent.matches(e));
    EventFilter image;
    image.add("image", "busybox");  // tag stripped
    EXPECT_TRUE(image.matches(e));
    EventFilter label;
    label.add("label", "com.example=x");
    EXPECT_TRUE(label.matches(e));
    label.add("label", "missing");
    EXPECT_FALSE(label.matches(e));
    auto health = containerEvent("health_status: healthy", "abc", "web", "busybox");
    EventFilter hs;
    hs.add("event", "health_status");
    EXPECT_TRUE(hs.matches(health));
}

TEST(EventJsonTest, DockerShape) {
    auto e = containerEvent("die", "abc", "web", "busybox");
    e.timeNano = 1795928400 * kSec + 5;
    auto j = e.toJson();
    EXPECT_EQ(j["status"], "die");
    EXPECT_EQ(j["id"], "abc");
    EXPECT_EQ(j["from"], "busybox");
    EXPECT_EQ(j["Type"], "container");
    EXPECT_EQ(j["Actor"]["Attributes"]["name"], "web");
    EXPECT_EQ(j["scope"], "local");
    EXPECT_EQ(j["time"], 1795928400);
    EXPECT_EQ(j["timeNano"], 1795928400 * kSec + 5);
}

TEST(JournalTest, RecordsQueriesAndIgnoresDuplicateSources) {
    test::TempDir dir;
    Journal j(dir.path() + "/berth.db");
    auto a = containerEvent("create", "c1", "one", "busybox");
    a.timeNano = 100 * kSec;
    auto b = containerEvent("start", "c1", "one", "busybox");
    b.timeNano = 200 * kSec;
    auto d = containerEvent("die", "c1", "one", "busybox");
    d.timeNano = 150 * kSec;  // imported late, earlier time
    EXPECT_GT(j.record(a), 0);
    EXPECT_GT(j.record(b), 0);
    EXPECT_GT(j.record(d, "c1/150/die"), 0);
    EXPECT_EQ(j.record(d, "c1/150/die"), 0);
    EventQuery all;
    auto got = j.query(all);
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[0].action, "create");
    EXPECT_EQ(got[1].action, "die");  // by time
    EXPECT_EQ(got[2].action, "start");
    EventQuery window;
    window.sinceNano = 120 * kSec;
    window.untilNano = 180 * kSec;
    got = j.query(window);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].action, "die");
    EXPECT_EQ(got[0].attributes["name"], "one");
    EventQuery after;
    after.afterSeq = got[0].seq - 1;  // the follower's order: by seq
    got = j.query(after);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(j.lastSeq(), got[0].seq);
    // A second connection (another process) sees the same rows.
    Journal other(dir.path() + "/berth.db");
    EXPECT_EQ(other.query(all).size(), 3u);
}

TEST(JournalTest, TrimsOldRows) {
    test::TempDir dir;
    Journal j(dir.path() + "/berth.db");
    auto old = containerEvent("create", "c1", "one", "busybox");
    old.timeNano = 1 * kSec;  // far older than 7 days
    j.record(old);
    for (int i = 0; i < 70; ++i) j.record(containerEvent("start", "c1", "one", "busybox"));
    for (auto& e : j.query(EventQuery{})) EXPECT_NE(e.action, "create");
}

}  // namespace
}  // namespace berth::engine::events
