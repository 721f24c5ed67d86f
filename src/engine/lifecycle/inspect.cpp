// Engine::state and Engine::inspect: the record plus the monitor's live status, in Docker's shape.
#include <signal.h>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "engine/engine.hpp"
#include "engine/monitor/client.hpp"

namespace berth::engine {

using nlohmann::json;

ContainerState Engine::state(const ContainerRecord& rec) const {
    ContainerState s;
    if (!rec.started) return s;
    std::string mdir = monitorDir(rec.id);
    json live;
    try {
        live = json::parse(readFile(mdir + "/state.json"));
    } catch (...) {
        // No status yet (a start in progress or failed before the monitor wrote one).
        s.status = "created";
        return s;
    }
    s.pid = live.value("pid", 0);
    s.exitCode = live.value("exitCode", 0);
    s.startedAt = live.value("startedAt", s.startedAt);
    s.finishedAt = live.value("finishedAt", s.finishedAt);
    s.restartCount = live.value("restartCount", 0);
    s.error = live.value("error", "");
    std::string status = live.value("status", "created");
    auto health = monitor::checkMonitor(mdir);
    if (health == monitor::MonitorHealth::Running) {
        s.status = status;
    } else if (health == monitor::MonitorHealth::Exited || status == "exited") {
        s.status = "exited";
    } else {
        // The monitor was killed: if its container still runs nobody records its exit.
        bool alive = s.pid > 0 && ::kill(s.pid, 0) == 0;
        s.status = alive ? "running" : "exited";
        if (s.error.empty()) s.error = "berth-monitor of this container is gone";
        if (!alive && status == "running") s.exitCode = 137;
    }
    s.running = s.status == "running";
    s.restarting = s.status == "restarting";
    if (!s.running && !s.restarting) s.pid = 0;
    return s;
}

json Engine::inspect(const std::string& idOrName) const {
    ContainerRecord rec = store_.get(idOrName);
    ContainerState st = state(rec);
    std::string dir = store_.dir(rec.id);
    std::string lowers;
    for (auto& l : rec.layerDirs) lowers += (lowers.empty() ? "" : ":") + l;
    json out = {
        {"Id", rec.id},
        {"Created", rec.created},
        {"Path", rec.path},
        {"Args", rec.args},
        {"State",
         {{"Status", st.status},
          {"Running", st.running},
          {"Paused", st.paused},
          {"Restarting", st.restarting},
          {"OOMKilled", false},
          {"Dead", st.dead},
          {"Pid", st.pid},
          {"ExitCode", st.exitCode},
          {"Error", st.error},
          {"StartedAt", st.startedAt},
          {"FinishedAt", st.finishedAt}}},
        {"Image", rec.imageId},
        {"ResolvConfPath", dir + "/resolv.conf"},
        {"HostnamePath", dir + "/hostname"},
        {"HostsPath", dir + "/hosts"},
        {"LogPath", logPath(rec)},
        {"Name", "/" + rec.name},
        {"RestartCount", st.restartCount},
        {"Driver", "overlay2"},
        {"Platform", "linux"},
        {"MountLabel", ""},
        {"ProcessLabel", ""},
        {"AppArmorProfile", ""},
        {"ExecIDs", nullptr},
        {"HostConfig", rec.hostConfig},
        {"GraphDriver",
         {{"Data",
           {{"LowerDir", lowers},
            {"MergedDir", dir + "/rootfs"},
            {"UpperDir", dir + "/upper"},
            {"WorkDir", dir + "/work"}}},
          {"Name", "overlay2"}}},
        {"Mounts", rec.mounts},
        {"Config", rec.config},
        {"NetworkSettings", {{"Bridge", ""}, {"SandboxID", ""}, {"Ports", json::object()},
                             {"Networks", json::object()}}},
    };
    // Docker's State.Health, as the monitor keeps it (only with a healthcheck).
    if (rec.started) {
        try {
            out["State"]["Health"] = json::parse(readFile(monitorDir(rec.id) + "/health.json"));
        } catch (...) {
        }
    }
    return out;
}

}  // namespace berth::engine
