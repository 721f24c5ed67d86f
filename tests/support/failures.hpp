// How a test looks at failures: the message of an Error, and children that did not succeed.
// (A header of its own: test_support.hpp is included by every test.)
#pragma once

#include <functional>
#include <string>

namespace berth::test {

// Runs body(0) .. body(count - 1) at once, each in a forked child; returns how many children did
// not exit 0 (a child whose body throws prints the message and exits 1).
int failedChildren(int count, const std::function<void(int index)>& body);

// The message of the berth::Error fn throws, or "" when it returns (other exceptions go on).
std::string errorOf(const std::function<void()>& fn);

}  // namespace berth::test
