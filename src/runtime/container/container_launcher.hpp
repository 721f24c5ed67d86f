// The runtime side of create / start / run (runtime.md#lifecycle):
//   create: [state dir made by the caller] → exec.fifo → clone the init (namespaces) →
//           uid/gid maps → [cgroup] → Go → [prestart/createRuntime hooks] → Ready →
//           state.json + pid file.
//   start:  one byte into exec.fifo; the init execs the process.
//   run:    create in the foreground (no fifo), Start over the sync socket as soon as the init
//           is Ready (before the state files are written), wait.
// On any failure create kills what it cloned; the caller removes the state dir, so a failed
// create leaves no state, mount (they live in the init's mount namespace) or process.
#pragma once

#include <sys/types.h>

#include "common/fd.hpp"
#include "runtime/container/launch_plan.hpp"
#include "runtime/state/state_store.hpp"

namespace berth::runtime {

struct CreateResult {
    ContainerState state;
    UniqueFd sync;  // foreground only: the runtime's end, for awaitForegroundStart()
    bool terminal = false;
};

CreateResult createContainer(const StateStore& store, LaunchPlan& plan);

// `start`: the container must be `created`. Throws "container <id> is not created" etc.
void startCreated(const StateStore& store, ContainerState& state);

// `run`: createContainer() already let the init exec (Start at Ready); returns once it has
// (throws with the exec error if it failed).
void awaitForegroundStart(int sync);

// Waits for a direct child, returning the exit code the runtime should pass on
// (128+N for signal N). Forwards signals blocked by blockForwardedSignals() to pid. With a
// pty master (process.terminal in the foreground) it also relays stdin → master → stdout,
// stdin in raw mode when it is a terminal, and the window size on SIGWINCH.
int waitForwardingSignals(pid_t pid, int master = -1);
// Blocks the signals `run` forwards (before clone, so none is lost); the init unblocks.
void blockForwardedSignals();

// The state document hooks get on stdin (runtime.md#state) with the given status.
nlohmann::json hookState(const ContainerState& state, const char* status);

// Sends sig to the container's init, checking it's still the recorded process.
void signalInit(const ContainerState& state, int sig);

// Kills the init with SIGKILL and waits (up to timeoutMs) until it is gone.
void killAndWait(const ContainerState& state, int timeoutMs = 10000);

}  // namespace berth::runtime
