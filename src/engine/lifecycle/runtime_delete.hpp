// `<runtime> --root ROOT delete --force ID`, for rm and for system check's repairs.
#pragma once

#include <string>

namespace berth::engine {

// Runs it with stdio on /dev/null and waits; true if it exited 0 (false also when it could not
// run). What it could not delete the callers remove themselves or report.
bool runtimeDeleteForce(const std::string& runtime, const std::string& root, const std::string& id);

}  // namespace berth::engine
