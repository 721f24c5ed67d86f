// `berth system check`: finds what crashes and killed processes left in a state root and
// repairs it (Podman has `system check`; Docker repairs some of this when dockerd restarts).
//
//   * rows of creates that were killed ("creating", owner gone): their mounts, dir and row
//   * rows of removes that were killed ("removing", owner gone): the removal is finished
//   * rows whose container directory is gone
//   * container directories without a row (and their overlay mounts)
//   * containers whose berth-monitor died: the rest is killed, they are recorded exited (137)
//     with an Error (Engine::reapLostMonitor)
//   * --rm containers that exited and that nobody removed (their remover was killed)
//   * stale monitor sockets, runtime state dirs (<root>/runtime/<rt>/<id>) and cgroups
//     (every v1 controller and the cgroup2 mount, "/berth/<id>") of containers that do not run
//   * volume leftovers: half-created volumes, missing or unreadable opts.json, missing _data,
//     interrupted copy-ups, killed metadata writes and removals (volume_leftovers.hpp)
//
// Only containers of this root are touched: a cgroup or runtime state is a leftover when its ID
// belongs to this root (a row, a dir or a runtime state dir here), so other roots sharing the
// host's "/berth" cgroups are left alone. Creates and removes still running (their process
// alive) and containers whose monitor runs are skipped.
#pragma once

#include <string>
#include <vector>

namespace berth::engine {
class Engine;
}

namespace berth::engine::check {

struct CheckOptions {
    bool repair = true;  // false: report what would be done (--dry-run)
};

// One problem and what was (or would be) done about it.
struct CheckFinding {
    std::string done;     // "Removed directory /r/containers/ab12.. (no container record)"
    std::string planned;  // "Would remove directory ..."
    std::string error;    // the repair failed: why
    std::string text(bool repair) const;  // the line to print
};

struct CheckReport {
    std::vector<CheckFinding> findings;
    int failures() const;
};

CheckReport systemCheck(Engine& eng, const CheckOptions& opts = {});

}  // namespace berth::engine::check
