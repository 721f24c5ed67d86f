// Docker's detach keys: the spec syntax (moby/term ToBytes) and the escape matcher.
#include <gtest/gtest.h>

#include "common/error.hpp"
#include "engine/interactive/detach_keys.hpp"

namespace berth::engine {
namespace {

TEST(DetachKeys, ParsesDockerSyntax) {
    EXPECT_EQ(parseDetachKeys(""), std::string("\x10\x11"));  // ctrl-p,ctrl-q
    EXPECT_EQ(parseDetachKeys("ctrl-a,x"), std::string("\x01x"));
    EXPECT_EQ(parseDetachKeys("ctrl-@,ctrl-\\,ctrl-_"), std::string("\x00\x1c\x1f", 3));
    EXPECT_EQ(parseDetachKeys("a,b,c"), "abc");
}

TEST(DetachKeys, RejectsWhatDockerRejects) {
    for (const char* bad : {"foo", "ctrl-1", "ctrl-", "ctrl-A", "a,,b", ","}) {
        try {
            parseDetachKeys(bad);
            ADD_FAILURE() << bad << " should be refused";
        } catch (const Error& e) {
            EXPECT_EQ(std::string(e.what()), "Invalid detach keys (" + std::string(bad) + ") provided");
        }
    }
}

TEST(DetachKeys, MatcherHoldsBackAPrefixAndPassesItOnWhenBroken) {
    DetachKeyMatcher m(parseDetachKeys(""));
    std::string out;
    EXPECT_FALSE(m.feed("ab\x10", &out));
    EXPECT_EQ(out, "ab");  // ctrl-p held back
    EXPECT_FALSE(m.feed("c", &out));
    EXPECT_EQ(out, "ab\x10" "c");
    out.clear();
    EXPECT_FALSE(m.feed("\x10\x10", &out));  // the second ctrl-p may start the sequence
    EXPECT_EQ(out, "\x10");
    EXPECT_TRUE(m.feed("\x11tail", &out));
    EXPECT_EQ(out, "\x10");
}

TEST(DetachKeys, MatchAcrossReadsAndEmptyKeys) {
    DetachKeyMatcher m(parseDetachKeys("ctrl-a,x"));
    std::string out;
    EXPECT_FALSE(m.feed("\x01", &out));
    EXPECT_TRUE(m.feed("x", &out));
    EXPECT_EQ(out, "");
    DetachKeyMatcher none("");
    EXPECT_FALSE(none.feed("\x10\x11", &out));
    EXPECT_EQ(out, "\x10\x11");
}

}  // namespace
}  // namespace berth::engine
