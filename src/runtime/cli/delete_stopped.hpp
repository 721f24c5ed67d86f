// `delete` of a container whose init is gone, callable in another process: berth-monitor runs
// it in-process once its container exited, instead of exec'ing `berth-runtime delete` (an exec
// and a dynamic link, ~3 ms on the exit path of every container). The same code as the verb.
// This file's object (and destroy_container.cpp's) links none of create's code, so the static
// monitor only grows by the state store, hooks and cgroup removal.
#pragma once

#include <string>

namespace berth::runtime::cli {

enum class DeleteOutcome {
    Deleted,     // poststop hooks run, cgroup and state dir removed
    NotFound,    // no such container (a half-made dir from a crashed create is removed)
    NotStopped,  // its init still runs: nothing touched (use `delete --force`)
};

// root: the runtime's --root. Throws Error naming what failed (the lock, a bad state.json).
DeleteOutcome deleteIfStopped(const std::string& root, const std::string& id);

}  // namespace berth::runtime::cli
