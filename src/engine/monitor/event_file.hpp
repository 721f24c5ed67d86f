// The monitor's side of the events journal. berth-monitor is a small static binary without
// SQLite, so what it alone sees (die, health_status, exec_die) goes to an append-only file in its
// state dir, one JSON object per line:
//   {"timeNano":1764392400123456789,"action":"die","attributes":{"exitCode":"0"}}
// The engine imports these lines into the journal (src/engine/events/monitor_import.*) whenever
// it reads events, and before it removes or recreates the state dir (start, rm); the import is
// idempotent (a line's container ID + time + action is its key), so several importers are fine.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace berth::monitor {

inline constexpr const char* kEventFileName = "events.jsonl";

// Appends one line (O_APPEND, one write: lines never interleave). Best effort: false on failure.
bool appendMonitorEvent(const std::string& stateDir, const std::string& action,
                        const std::vector<std::pair<std::string, std::string>>& attributes);

}  // namespace berth::monitor
