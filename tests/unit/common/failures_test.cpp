// tests/support/failures: what a test sees of a failure, so it is tested too.
#include "support/failures.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <stdexcept>

#include "common/error.hpp"

using namespace berth;

TEST(TestSupport, ErrorOfGivesTheMessageOrNothing) {
    EXPECT_EQ(test::errorOf([] { throw Error("bad thing"); }), "bad thing");
    EXPECT_EQ(test::errorOf([] {}), "");
    EXPECT_THROW(test::errorOf([] { throw std::runtime_error("not ours"); }), std::runtime_error);
}

TEST(TestSupport, FailedChildrenCountsEveryChildThatDidNotSucceed) {
    EXPECT_EQ(test::failedChildren(3, [](int) {}), 0);
    auto oddOnesThrow = [](int i) {
        if (i % 2) throw Error("odd child");
    };
    EXPECT_EQ(test::failedChildren(4, oddOnesThrow), 2);
    EXPECT_EQ(test::failedChildren(2, [](int i) { _exit(i == 0 ? 0 : 3); }), 1);
}
