// How an error reads to a berth user. The store's "No such image" / conflict errors carry an
// errno for callers that branch on it; docker prints them without one, so berth does too.
#pragma once

#include <exception>
#include <string>

namespace berth::cli {

std::string errorText(const std::exception& e);

}  // namespace berth::cli
