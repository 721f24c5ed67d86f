// `kill <id> [SIGNAL] [--all]`: only a created or running container can be signalled; a
// stopped one is an error with no effect (runtime.md#kill). Default SIGTERM, as runc.
#include <signal.h>

#include "common/error.hpp"
#include "runtime/cgroups/container_cgroup.hpp"
#include "runtime/cli/verbs.hpp"

namespace berth::runtime::cli {

int cmdKill(Context& ctx, const Args& argv) {
    ParsedArgs args = parseFlags(argv, {{{"all", "a"}, false}, {{"pid"}, true}}, "kill");
    if (args.positional.empty()) throw Error("kill: a container id is required");
    if (args.positional.size() > 2) throw Error("kill: expected <id> [SIGNAL]");
    std::string id = args.positional[0];
    int sig = args.positional.size() > 1 ? parseSignal(args.positional[1]) : SIGTERM;
    StateStore store(ctx.global.root);
    ContainerLock lock = store.lock(id);
    ContainerState state = store.load(id);
    ContainerStatus st = store.status(state);
    if (st == ContainerStatus::Stopped)
        throw Error("cannot kill container " + id + ": it is stopped", ESRCH);
    // --all: every process of the container's cgroup (runc's semantics).
    if (args.has("all")) {
        if (auto cg = cgroups::loadContainerCgroup(store.dir(id))) {
            cg->killAll(sig);
            return 0;
        }
    }
    signalInit(state, sig);
    return 0;
}

}  // namespace berth::runtime::cli
