// Engine::pause/unpause (the cgroup freezer through the container's runtime, so runc and crun
// keep their own state right) and Engine::restart.
//
// "paused" is not a state the monitor knows: pause leaves a marker, monitor/paused, which a
// start removes with the rest of the monitor dir; state() reports paused while the container
// runs and the marker is there.
#include "common/error.hpp"
#include "common/file_io.hpp"
#include "engine/engine.hpp"
#include "engine/events/journal.hpp"
#include "engine/resources/runtime_command.hpp"

namespace berth::engine {

namespace {

std::string pausedMarker(const std::string& monitorDir) { return monitorDir + "/paused"; }

}  // namespace

void Engine::pause(const std::string& idOrName) {
    ContainerRecord rec = store_.get(idOrName);
    auto st = state(rec);
    if (!st.running) throw Error("Container " + rec.id + " is not running");
    if (st.paused) throw Error("Container " + rec.id + " is already paused");
    auto r = runRuntimeCommand({rec.runtime, "--root", runtimeRoot(rec), "pause", rec.id});
    if (r.status != 0)
        throw Error("Cannot pause container " + rec.id + ": " + runtimeFailureText(r));
    writeFileAtomic(pausedMarker(monitorDir(rec.id)), "");
    events::recordContainer(*this, rec, "pause");
}

void Engine::unpause(const std::string& idOrName) {
    ContainerRecord rec = store_.get(idOrName);
    auto st = state(rec);
    if (!st.paused) throw Error("Container " + rec.id + " is not paused");
    auto r = runRuntimeCommand({rec.runtime, "--root", runtimeRoot(rec), "resume", rec.id});
    if (r.status != 0)
        throw Error("Cannot unpause container " + rec.id + ": " + runtimeFailureText(r));
    removeAll(pausedMarker(monitorDir(rec.id)));
    events::recordContainer(*this, rec, "unpause");
}

void Engine::thawIfPaused(const ContainerRecord& rec) const {
    std::string marker = pausedMarker(monitorDir(rec.id));
    if (!pathExists(marker)) return;
    runRuntimeCommand({rec.runtime, "--root", runtimeRoot(rec), "resume", rec.id});
    removeAll(marker);
}

void Engine::restart(const std::string& idOrName, std::optional<int> timeoutSeconds,
                     const std::string& signal) {
    ContainerRecord rec = store_.get(idOrName);
    stop(rec.id, timeoutSeconds, signal);
    start(rec.id);
    events::recordContainer(*this, rec, "restart");
}

}  // namespace berth::engine
