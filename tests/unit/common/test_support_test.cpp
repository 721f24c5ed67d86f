// The helpers the tests share (tests/support): they decide what a test sees, so they are tested too.
#include "support/test_support.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "common/error.hpp"

using namespace berth;

TEST(TestSupport, ErrorOfGivesTheMessageOrNothing) {
    EXPECT_EQ(test::errorOf([] { throw Error("bad thing"); }), "bad thing");
    EXPECT_EQ(test::errorOf([] {}), "");
    EXPECT_THROW(test::errorOf([] { throw std::runtime_error("not ours"); }), std::runtime_error);
}
