#include "engine/monitor/json_log.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/file_io.hpp"
#include "common/strings.hpp"
#include "support/test_support.hpp"

namespace berth::monitor {
namespace {

std::string escaped(std::string_view s) {
    std::string out;
    appendJsonEscaped(out, s);
    return out;
}

TEST(JsonEscape, LikeGoEncodingJson) {
    EXPECT_EQ(escaped("plain"), "plain");
    EXPECT_EQ(escaped("a\"b\\c"), "a\\\"b\\\\c");
    EXPECT_EQ(escaped("\n\r\t"), "\\n\\r\\t");
    EXPECT_EQ(escaped(std::string("\x01\x1b", 2)), "\\u0001\\u001b");
    EXPECT_EQ(escaped("<a&b>"), "\\u003ca\\u0026b\\u003e");
    EXPECT_EQ(escaped("h\xc3\xa9llo"), "h\xc3\xa9llo");  // valid UTF-8 kept
    EXPECT_EQ(escaped("bad\xff"), "bad\\ufffd");         // invalid byte replaced
    EXPECT_EQ(escaped("\xe2\x80\xa8"), "\\u2028");       // line separator
    EXPECT_EQ(escaped("\xc0\xaf"), "\\ufffd\\ufffd");    // overlong form
}

TEST(JsonLogTime, Rfc3339Nano) {
    int64_t t = 1'764'380'488'123'456'700;  // 2025-11-29T01:41:28.1234567Z
    EXPECT_EQ(rfc3339Nano(t), "2025-11-29T01:41:28.123456700Z");
    EXPECT_EQ(rfc3339NanoTrimmed(t), "2025-11-29T01:41:28.1234567Z");
    EXPECT_EQ(rfc3339NanoTrimmed(1'764'380'488'000'000'000), "2025-11-29T01:41:28Z");
}

std::vector<nlohmann::json> entries(const std::string& path) {
    std::vector<nlohmann::json> out;
    for (auto& line : split(readFile(path), '\n'))
        if (!line.empty()) out.push_back(nlohmann::json::parse(line));
    return out;
}

TEST(JsonLogWriter, SplitsLinesAndHoldsPartials) {
    berth::test::TempDir dir;
    std::string path = dir / "c.log";
    {
        JsonLogWriter w(path, -1, 1);
        w.write(Stream::Stdout, "one\ntw");
        w.write(Stream::Stderr, "err\n");
        w.write(Stream::Stdout, "o\nthree");
        w.flushAll();
    }
    auto e = entries(path);
    ASSERT_EQ(e.size(), 4u);
    EXPECT_EQ(e[0]["log"], "one\n");
    EXPECT_EQ(e[0]["stream"], "stdout");
    EXPECT_EQ(e[1]["log"], "err\n");
    EXPECT_EQ(e[1]["stream"], "stderr");
    EXPECT_EQ(e[2]["log"], "two\n");
    EXPECT_EQ(e[3]["log"], "three");  // partial: no newline
    // Docker's key order.
    EXPECT_EQ(readFile(path).rfind("{\"log\":\"one\\n\",\"stream\":\"stdout\",\"time\":\"", 0), 0u);
}

TEST(JsonLogWriter, LongLinesAreCutAt16K) {
    berth::test::TempDir dir;
    std::string path = dir / "c.log";
    {
        JsonLogWriter w(path, -1, 1);
        w.write(Stream::Stdout, std::string(40000, 'x') + "\n");
    }
    auto e = entries(path);
    ASSERT_EQ(e.size(), 3u);
    EXPECT_EQ(e[0]["log"].get<std::string>().size(), 16384u);
    EXPECT_EQ(e[1]["log"].get<std::string>().size(), 16384u);
    EXPECT_EQ(e[2]["log"].get<std::string>(), std::string(40000 - 32768, 'x') + "\n");
}

TEST(JsonLogWriter, RotatesLikeMoby) {
    berth::test::TempDir dir;
    std::string path = dir / "c.log";
    JsonLogWriter w(path, 200, 3);
    for (int i = 0; i < 20; ++i) w.write(Stream::Stdout, "line " + std::to_string(i) + "\n");
    EXPECT_TRUE(pathExists(path));
    EXPECT_TRUE(pathExists(path + ".1"));
    EXPECT_TRUE(pathExists(path + ".2"));
    EXPECT_FALSE(pathExists(path + ".3"));
    EXPECT_EQ(entries(path).back()["log"], "line 19\n");
    // Each file holds entries until it reaches max-size, so it ends at most one entry over.
    EXPECT_LT(readFile(path + ".1").size(), 200u + 100u);
}

TEST(JsonLogWriter, MaxFileOneTruncates) {
    berth::test::TempDir dir;
    std::string path = dir / "c.log";
    JsonLogWriter w(path, 200, 1);
    for (int i = 0; i < 20; ++i) w.write(Stream::Stdout, "line " + std::to_string(i) + "\n");
    EXPECT_FALSE(pathExists(path + ".1"));
    EXPECT_LT(readFile(path).size(), 300u);
    EXPECT_EQ(entries(path).back()["log"], "line 19\n");
}

}  // namespace
}  // namespace berth::monitor
