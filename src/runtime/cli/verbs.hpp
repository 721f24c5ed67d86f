// One function per berth-runtime verb (one file each). Each returns the process exit code and
// throws berth::Error for the message runtimeMain prints and logs.
#pragma once

#include "common/signals.hpp"

#include <string>
#include <vector>

#include "runtime/cli/cli_args.hpp"
#include "runtime/container/container_launcher.hpp"
#include "runtime/state/state_store.hpp"

namespace berth::runtime::cli {

using Args = std::vector<std::string>;

int cmdCreate(Context& ctx, const Args& args);
int cmdStart(Context& ctx, const Args& args);
int cmdState(Context& ctx, const Args& args);
int cmdKill(Context& ctx, const Args& args);
int cmdDelete(Context& ctx, const Args& args);
int cmdRun(Context& ctx, const Args& args);
int cmdSpec(Context& ctx, const Args& args);
int cmdList(Context& ctx, const Args& args);
int cmdPause(Context& ctx, const Args& args);
int cmdResume(Context& ctx, const Args& args);
int cmdPs(Context& ctx, const Args& args);
int cmdUpdate(Context& ctx, const Args& args);
int cmdEvents(Context& ctx, const Args& args);
int cmdFeatures(Context& ctx, const Args& args);
int cmdExec(Context& ctx, const Args& args);

// Shared by create and run: config.json → plan → state dir → createContainer. On failure
// the state dir is removed again. Flags: --bundle/-b, --pid-file, --console-socket,
// --no-pivot, --no-new-keyring, --preserve-fds.
CreateResult launchFromBundle(Context& ctx, const ParsedArgs& args, const std::string& id,
                              bool foreground, int consoleSocketFd = -1);
const std::vector<FlagSpec>& createFlags();

// Shared by delete and run: poststop hooks, cgroup removal, the state dir.
void destroyContainer(const StateStore& store, const ContainerState& state);

// poststart hooks of a started container (warnings only).
void runPoststart(const StateStore& store, const ContainerState& state);

// "KILL", "SIGKILL", "9" → 9. Throws on an unknown name.
using berth::parseSignal;  // common/signals.hpp

}  // namespace berth::runtime::cli
