// Engine::remove: stop (with force), the runtime's state, the snapshot mount, then record + dir.
#include <signal.h>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "engine/container/container_mounts.hpp"
#include "engine/engine.hpp"
#include "engine/events/journal.hpp"
#include "engine/events/monitor_import.hpp"
#include "engine/lifecycle/runtime_delete.hpp"
#include "engine/trash/trash.hpp"
#include "engine/monitor/client.hpp"
#include "engine/volumes/container_volumes.hpp"

namespace berth::engine {

std::string Engine::trashDir() const {
    return cfg_.root + "/trash";  // beside containers/ (one filesystem: a rename)
}

void Engine::removeContainerDir(const std::string& id) const {
    // One rename; the files are deleted in the background (trash.hpp says why).
    trash::discard(trashDir(), store_.dir(id), id, cfg_.binDir + "/berth-trash");
}

std::vector<std::string> Engine::trashLeftovers() const {
    return trash::leftovers(trashDir());
}

void Engine::deleteRuntimeState(const ContainerRecord& rec) const {
    std::string root = runtimeRoot(rec);
    if (!pathExists(root + "/" + rec.id)) return;
    runtimeDeleteForce(rec.runtime, root, rec.id);
}

void Engine::killForRemoval(const std::vector<std::string>& idsOrNames) {
    for (auto& key : idsOrNames) {
        try {
            ContainerRecord rec = store_.get(key);
            auto st = state(rec);
            if (!st.running || st.paused) continue;  // the rest: remove() as usual
            events::recordContainer(*this, rec, "kill", {{"signal", "9"}});
            killedForRemoval_.insert(rec.id);
            // "kill 9" answers at once (a "stop" answers once the container is gone) and stops
            // any restart policy, as remove()'s "stop 9 0" does.
            monitor::monitorRequest(monitorDir(rec.id), "kill 9");
        } catch (const std::exception&) {
            // not there, not running, monitor gone: remove() finds out and reports
        }
    }
}

void Engine::remove(const std::string& idOrName, bool force, bool volumes) {
    ContainerRecord rec = store_.get(idOrName);
    auto st = state(rec);
    // A monitor can be up with its container never running, e.g. a start killed midway: a
    // forced remove stops it too. (One whose container exited is only finishing: it is waited
    // for below.)
    bool stuckStart = st.status == "created" &&
        monitor::checkMonitor(monitorDir(rec.id)) == monitor::MonitorHealth::Running;
    if (st.running || st.restarting || (force && stuckStart)) {
        if (!force)
            throw Error("cannot remove container \"/" + rec.name +
                        "\": container is running: stop the container before removing or force remove");
        thawIfPaused(rec);  // a frozen task dies of SIGKILL only once thawed (cgroup v1)
        if (!killedForRemoval_.count(rec.id))
            events::recordContainer(*this, rec, "kill", {{"signal", "9"}});
        try {
            monitor::monitorRequest(monitorDir(rec.id), "stop 9 0", 30);
        } catch (const Error&) {
            // already gone
        }
    }
    store_.markRemoving(rec.id);  // from here a killed rm leaves a row system check finishes
    // A released monitor deletes the runtime state itself, after the exit it recorded: not
    // waited for (if it dies first, system check finds that state).
    auto release = monitor::waitMonitorReleased(monitorDir(rec.id), 10000);
    if (release == monitor::MonitorRelease::Busy) {
        if (!force)
            throw Error("cannot remove container \"/" + rec.name + "\": its monitor does not exit");
        // Last resort: kill the monitor, then reap what it held as for a dead monitor.
        try {
            pid_t pid = static_cast<pid_t>(std::stol(readFile(monitorDir(rec.id) + "/monitor.pid")));
            if (pid > 0) ::kill(pid, SIGKILL);
        } catch (...) {
        }
        waitMonitorGone(rec, 5000);
        reapLostMonitor(rec);
    }
    if (release != monitor::MonitorRelease::Released) deleteRuntimeState(rec);
    unmountAllUnder(store_.dir(rec.id));
    auto died = events::readMonitorEvents(*this, rec);  // its die, before the monitor dir goes
    removeContainerDir(rec.id);  // the directory, then the row
    // docker rm -v, and --rm: the container's anonymous volumes go with it, after the row.
    bool withVolumes = (volumes || rec.autoRemove) && !volumeNamesOf(rec).empty();
    // One commit for the die, the row and the destroy (a kill before it leaves a row without a
    // directory: system check forgets it). Only the remover that deleted the row records the
    // destroy (the monitor's exit command may race an attached `run --rm`).
    bool removedRow = false;
    store_.transaction([&] {
        events::recordMonitorEvents(*this, died);
        removedRow = store_.forget(rec.id);
        if (removedRow && !withVolumes) events::recordContainer(*this, rec, "destroy");
    });
    if (!withVolumes) return;
    removeAnonymousVolumes(*this, rec);
    if (removedRow) events::recordContainer(*this, rec, "destroy");
}

}  // namespace berth::engine
