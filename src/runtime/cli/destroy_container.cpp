// destroyContainer (verbs.hpp) and deleteIfStopped (delete_stopped.hpp): the end of a
// container's runtime state, without any of create's code (see delete_stopped.hpp).
#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/log.hpp"
#include "runtime/cgroups/container_cgroup.hpp"
#include "runtime/cli/delete_stopped.hpp"
#include "runtime/cli/verbs.hpp"
#include "runtime/hooks/hook_runner.hpp"
#include "runtime/hooks/saved_hooks.hpp"

namespace berth::runtime::cli {

void destroyContainer(const StateStore& store, const ContainerState& state) {
    std::string dir = store.dir(state.id);
    // poststop hooks: after the container is gone, failures are warnings (runtime.md step 12).
    try {
        if (auto hooks = loadLaterHooks(dir))
            runHooks(*hooks, HookStage::Poststop, hookState(state, "stopped").dump());
    } catch (const std::exception& e) {
        logWarn(std::string("poststop hooks: ") + e.what());
    }
    try {
        if (auto cg = cgroups::loadContainerCgroup(dir)) cg->destroy();
    } catch (const std::exception& e) {
        logWarn(std::string("remove the cgroup of ") + state.id + ": " + e.what());
    }
    store.remove(state.id);
}

DeleteOutcome deleteIfStopped(const std::string& root, const std::string& id) {
    StateStore store(root);
    ContainerLock lock;
    try {
        lock = store.lock(id);
    } catch (const Error& e) {
        if (e.errnum() != ENOENT) throw;
        // A half-made dir (no state.json) from a crashed create: remove it.
        if (pathExists(store.dir(id))) store.remove(id);
        return DeleteOutcome::NotFound;
    }
    ContainerState state = store.load(id);
    if (store.status(state) != ContainerStatus::Stopped) return DeleteOutcome::NotStopped;
    destroyContainer(store, state);
    return DeleteOutcome::Deleted;
}

}  // namespace berth::runtime::cli
