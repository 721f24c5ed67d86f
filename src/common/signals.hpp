// Signal names as users and callers write them: "TERM", "SIGTERM", "sigterm", "9", "RTMIN+2".
// One table for the runtime's `kill`, the monitor's stop signal and the engine's --stop-signal.
#pragma once

#include <string>

namespace berth {

// The signal number; throws berth::Error ("invalid signal \"0\"", "unknown signal \"NOPE\"").
int parseSignal(const std::string& text);

}  // namespace berth
