// Engine::state and Engine::inspect: the record plus the monitor's live status, in Docker's shape.
#include <unistd.h>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "engine/engine.hpp"
#include "engine/monitor/client.hpp"
#include "engine/monitor/monitor.hpp"

namespace berth::engine {

using nlohmann::json;

namespace {

// Whether pid is still the container's init: alive, not a zombie, and not a newer process that
// reused the number (it would have started after the container did).
bool initAlive(int pid, const std::string& startedAt) {
    if (pid <= 0) return false;
    char state = 0;
    uint64_t ticks = monitor::processStartTime(pid, &state);
    if (ticks == 0 || state == 'Z' || state == 'X') return false;
    int64_t started = parseRfc3339Nano(startedAt);
    if (started <= 0) return true;
    static int64_t bootNs = [] {
        try {
            auto text = readFile("/proc/stat");
            auto at = text.find("btime ");
            if (at != std::string::npos) return int64_t(std::stoll(text.substr(at + 6))) * 1'000'000'000;
        } catch (...) {
        }
        return int64_t(0);
    }();
    if (bootNs == 0) return true;
    long hz = ::sysconf(_SC_CLK_TCK);
    int64_t procNs = bootNs + int64_t(ticks) * (1'000'000'000 / (hz > 0 ? hz : 100));
    return procNs <= started + 2'000'000'000;  // btime has 1 s resolution
}

}  // namespace

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
    s.oomKilled = live.value("oomKilled", false);
    std::string status = live.value("status", "created");
    auto health = monitor::checkMonitor(mdir);
    if (health == monitor::MonitorHealth::Running) {
        s.status = status;
    } else if (health == monitor::MonitorHealth::Exited || status == "exited") {
        s.status = "exited";
    } else {
        // The monitor was killed or crashed: nobody records the exit. While the init lives the
        // container runs unmanaged (stop/kill/rm go through the runtime); once it is gone it
        // is exited. system check (or stop/kill/rm) reaps it for good (dead_monitor.cpp).
        bool alive = initAlive(s.pid, s.startedAt);
        s.status = alive ? "running" : "exited";
        int monitorPid = 0;
        try {
            monitorPid = std::stoi(readFile(mdir + "/monitor.pid"));
        } catch (...) {
        }
        if (s.error.empty())
            s.error = alive ? "berth-monitor" +
                                  (monitorPid > 0 ? " (pid " + std::to_string(monitorPid) + ")" : std::string()) +
                                  " died unexpectedly: the container runs unmonitored"
                            : lostMonitorError(monitorPid);
        if (!alive && status != "exited") {
            s.exitCode = 137;
            if (parseRfc3339Nano(s.finishedAt) < parseRfc3339Nano(s.startedAt))
                s.finishedAt = s.startedAt;
        }
    }
    s.running = s.status == "running";
    s.restarting = s.status == "restarting";
    if (!s.running && !s.restarting) s.pid = 0;
    if (s.running && frozen(rec)) {  // the kernel's freezer, see pause_restart.cpp
        s.paused = true;
        s.status = "paused";
    }
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
          {"OOMKilled", st.oomKilled},
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
