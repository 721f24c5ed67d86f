// Engine::pause/unpause (the cgroup freezer through the container's runtime, so runc and crun
// keep their own state right) and Engine::restart.
//
// "paused" is not a state the monitor knows, nor a file of ours: state() reads the container's
// freezer (v1 freezer.state, v2 cgroup.freeze) at the bundle's linux.cgroupsPath, which every
// runtime uses, so what ps/inspect say is what the kernel does (a `runc pause` made behind
// berth's back shows too; a restart gets a new, thawed cgroup).
#include "common/error.hpp"
#include "engine/engine.hpp"
#include "engine/events/journal.hpp"
#include "engine/resources/cgroup_access.hpp"
#include "engine/resources/runtime_command.hpp"

namespace berth::engine {

void Engine::pause(const std::string& idOrName) {
    ContainerRecord rec = store_.get(idOrName);
    auto st = state(rec);
    if (!st.running) throw Error("Container " + rec.id + " is not running");
    if (st.paused) throw Error("Container " + rec.id + " is already paused");
    auto r = runRuntimeCommand({rec.runtime, "--root", runtimeRoot(rec), "pause", rec.id});
    if (r.status != 0)
        throw Error("Cannot pause container " + rec.id + ": " + runtimeFailureText(r));
    events::recordContainer(*this, rec, "pause");
}

void Engine::unpause(const std::string& idOrName) {
    ContainerRecord rec = store_.get(idOrName);
    auto st = state(rec);
    if (!st.paused) throw Error("Container " + rec.id + " is not paused");
    auto r = runRuntimeCommand({rec.runtime, "--root", runtimeRoot(rec), "resume", rec.id});
    if (r.status != 0)
        throw Error("Cannot unpause container " + rec.id + ": " + runtimeFailureText(r));
    events::recordContainer(*this, rec, "unpause");
}

bool Engine::frozen(const ContainerRecord& rec) const { return cgroupFrozen(cgroupsPath(rec)); }

void Engine::thawIfPaused(const ContainerRecord& rec) const {
    if (!frozen(rec)) return;
    auto r = runRuntimeCommand({rec.runtime, "--root", runtimeRoot(rec), "resume", rec.id});
    // A runtime that lost its state (a killed create, a dead monitor) cannot resume: thaw the
    // cgroup directly, or the SIGKILL that follows never lands (cgroup v1).
    if (r.status != 0 || frozen(rec)) thawCgroup(cgroupsPath(rec));
}

void Engine::restart(const std::string& idOrName, std::optional<int> timeoutSeconds,
                     const std::string& signal) {
    ContainerRecord rec = store_.get(idOrName);
    stop(rec.id, timeoutSeconds, signal);
    start(rec.id);
    events::recordContainer(*this, rec, "restart");
}

}  // namespace berth::engine
