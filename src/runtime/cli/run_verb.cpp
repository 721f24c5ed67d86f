// `run <id> --bundle DIR [-d]`: create + start; in the foreground it waits for the container,
// forwards signals to it, deletes it and exits with its exit code (128+N for signal N).
#include <sys/wait.h>

#include "common/error.hpp"
#include "common/log.hpp"
#include "runtime/cli/verbs.hpp"

namespace berth::runtime::cli {

int cmdRun(Context& ctx, const Args& argv) {
    ParsedArgs args = parseFlags(argv, createFlags(), "run");
    std::string id = requireId(args, "run");
    bool detach = args.has("detach");
    StateStore store(ctx.global.root);
    if (!detach) blockForwardedSignals();
    CreateResult r = launchFromBundle(ctx, args, id, true);
    ContainerState& state = r.state;
    try {
        startForeground(r.sync.get());
    } catch (...) {
        killAndWait(state);
        ::waitpid(state.pid, nullptr, 0);
        destroyContainer(store, state);
        throw;
    }
    r.sync.reset();
    {
        ContainerLock lock = store.lock(id);
        state.started = true;
        store.save(state);
    }
    // Hook point (issue 3): poststart hooks.
    if (detach) return 0;
    int code = waitForwardingSignals(state.pid);
    if (!args.has("keep")) {
        ContainerLock lock = store.lock(id);
        destroyContainer(store, state);
    }
    return code;
}

}  // namespace berth::runtime::cli
