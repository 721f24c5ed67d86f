// `run <id> --bundle DIR [-d]`: create + start; in the foreground it waits for the container,
// forwards signals to it, deletes it and exits with its exit code (128+N for signal N).
#include <sys/socket.h>
#include <sys/wait.h>

#include "common/error.hpp"
#include "common/log.hpp"
#include "runtime/cli/verbs.hpp"
#include "runtime/container/console.hpp"

namespace berth::runtime::cli {

int cmdRun(Context& ctx, const Args& argv) {
    ParsedArgs args = parseFlags(argv, createFlags(), "run");
    std::string id = requireId(args, "run");
    bool detach = args.has("detach");
    StateStore store(ctx.global.root);
    if (!detach) blockForwardedSignals();
    // In the foreground without --console-socket, a terminal is relayed by us (as runc does):
    // the init sends the pty master to our end of this pair.
    int pair[2] = {-1, -1};
    UniqueFd ours, theirs;
    if (!detach && !args.has("console-socket")) {
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0)
            throw SysError("socketpair for the terminal");
        ours = UniqueFd(pair[0]);
        theirs = UniqueFd(pair[1]);
    }
    CreateResult r = launchFromBundle(ctx, args, id, true, theirs.get());
    theirs.reset();
    ContainerState& state = r.state;
    UniqueFd master;
    try {
        if (r.terminal && ours) master = recvFd(ours.get());
        ours.reset();
        awaitForegroundStart(r.sync.get());
    } catch (...) {
        killAndWait(state);
        ::waitpid(state.pid, nullptr, 0);
        destroyContainer(store, state);
        throw;
    }
    r.sync.reset();
    // No exec.fifo was made, so `state` already reports running: nothing to save.
    runPoststart(store, state);
    if (detach) return 0;
    logDebug("run " + id + ": process started");
    int code = waitForwardingSignals(state.pid, master.get());
    logDebug("run " + id + ": exited with " + std::to_string(code));
    if (!args.has("keep")) {
        ContainerLock lock = store.lock(id);
        destroyContainer(store, state);
        logDebug("run " + id + ": deleted");
    }
    return code;
}

}  // namespace berth::runtime::cli
