// `delete [--force] <id>`: a container that is not stopped is an error and stays untouched
// (runtime.md#delete); --force kills it first. Deleting an unknown id is an error, except
// with --force (runc: nothing to do).
#include <signal.h>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "runtime/cgroups/container_cgroup.hpp"
#include "runtime/cli/delete_stopped.hpp"
#include "runtime/cli/verbs.hpp"

namespace berth::runtime::cli {

int cmdDelete(Context& ctx, const Args& argv) {
    ParsedArgs args = parseFlags(argv, {{{"force", "f"}, false}}, "delete");
    std::string id = requireId(args, "delete");
    bool force = args.has("force");
    StateStore store(ctx.global.root);
    if (force) {
        // The common case (the init is gone) and a missing or half-made container.
        if (deleteIfStopped(ctx.global.root, id) != DeleteOutcome::NotStopped) return 0;
    }
    ContainerLock lock = store.lock(id);
    ContainerState state = store.load(id);
    ContainerStatus st = store.status(state);
    if (st != ContainerStatus::Stopped) {
        if (!force)
            throw Error("cannot delete container " + id + " that is not stopped: it is " +
                        statusName(st));
        // Without its own pid namespace the init's death doesn't end the other processes.
        if (!state.newPidNamespace) {
            try {
                if (auto cg = cgroups::loadContainerCgroup(store.dir(id))) cg->killAll(SIGKILL);
            } catch (const std::exception&) {
            }
        }
        if (st == ContainerStatus::Paused) {
            // Frozen tasks don't die until thawed: kill, then thaw, then wait.
            signalInit(state, SIGKILL);
            if (auto cg = cgroups::loadContainerCgroup(store.dir(id))) cg->thaw();
        }
        killAndWait(state);
    }
    destroyContainer(store, state);
    return 0;
}

}  // namespace berth::runtime::cli
