// Engine::reapLostMonitor: a container whose berth-monitor died (killed, crashed) has nobody to
// record its exit, stop it or restart it. Like containerd with a dead shim (it runs
// `runc delete --force` and publishes exit 137), berth kills what is left through the runtime
// and records the container exited with 137 and an Error that says why.
#include <unistd.h>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "engine/container/container_record.hpp"
#include "engine/engine.hpp"
#include "engine/events/journal.hpp"
#include "engine/monitor/client.hpp"

namespace berth::engine {

using nlohmann::json;

std::string lostMonitorError(int monitorPid) {
    return "berth-monitor" + (monitorPid > 0 ? " (pid " + std::to_string(monitorPid) + ")" : std::string()) +
           " died unexpectedly: the container was killed and its exit status is unknown";
}

std::string Engine::reapLostMonitor(const ContainerRecord& rec) {
    std::string mdir = monitorDir(rec.id);
    if (!rec.started || !pathExists(mdir) ||
        monitor::checkMonitor(mdir) != monitor::MonitorHealth::Lost)
        return "";
    json live = json::object();
    try {
        live = json::parse(readFile(mdir + "/state.json"));
    } catch (...) {
    }
    int monitorPid = 0;
    try {
        monitorPid = std::stoi(readFile(mdir + "/monitor.pid"));
    } catch (...) {
    }
    std::string status = live.value("status", "created");
    bool wasUp = status == "running" || status == "restarting" || status == "paused" ||
                 status == "created";
    deleteRuntimeState(rec);  // `runtime delete --force`: kills the init, removes its cgroup

    std::string err = lostMonitorError(monitorPid);
    std::string now = rfc3339NanoNow();
    int exitCode = wasUp ? 137 : live.value("exitCode", 0);
    live["id"] = rec.id;
    live["status"] = "exited";
    live["pid"] = 0;
    live["exitCode"] = exitCode;
    live["error"] = err;
    if (wasUp) live["finishedAt"] = now;
    json exitRecord = {{"id", rec.id},
                       {"exitCode", exitCode},
                       {"exitSignal", wasUp ? 9 : 0},
                       {"startedAt", live.value("startedAt", "0001-01-01T00:00:00Z")},
                       {"finishedAt", live.value("finishedAt", now)},
                       {"restartCount", live.value("restartCount", 0)},
                       {"manualStop", false},
                       {"final", true},
                       {"monitorLost", true}};
    writeFileAtomic(mdir + "/state.json", live.dump() + "\n", 0600);
    writeFileAtomic(mdir + "/exit.json", exitRecord.dump() + "\n", 0600);
    for (const char* sock : {"/monitor.sock", "/console.sock"}) ::unlink((mdir + sock).c_str());
    if (wasUp) events::recordContainer(*this, rec, "die", {{"exitCode", std::to_string(exitCode)}});
    return err;
}

}  // namespace berth::engine
