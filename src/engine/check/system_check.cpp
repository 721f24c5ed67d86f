#include "engine/check/system_check.hpp"

#include <unistd.h>

#include <algorithm>
#include <map>

#include "common/dir_entries.hpp"
#include "common/error.hpp"
#include "common/file_io.hpp"
#include "engine/check/cgroup_leftovers.hpp"
#include "engine/check/volume_leftovers.hpp"
#include "engine/container/container_mounts.hpp"
#include "engine/engine.hpp"
#include "engine/lifecycle/runtime_delete.hpp"
#include "engine/monitor/client.hpp"

namespace berth::engine::check {

namespace {

std::string shortId(const std::string& id) { return id.substr(0, 12); }

std::string describe(const ContainerRecord& rec) {
    return "container " + shortId(rec.id) + (rec.name.empty() ? "" : " (/" + rec.name + ")");
}

bool isContainerId(const std::string& s) {
    return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

class Checker {
  public:
    Checker(Engine& eng, const CheckOptions& opts)
        : eng_(eng), store_(eng.containers()), opts_(opts) {}

    CheckReport run() {
        UniqueFd lock = store_.lock();  // one check at a time
        rows_ = store_.entries();
        for (auto& e : rows_) rowById_[e.rec.id] = &e;
        dirs_ = store_.dirIds();
        scanRuntimeDirs();
        cgroups_ = scanContainerCgroups();

        for (auto& e : rows_) checkRow(e);
        for (auto& id : dirs_)
            if (!rowById_.count(id)) checkOrphanDir(id);
        for (auto& [id, paths] : runtimeDirs_)
            if (!isLive(id)) checkRuntimeState(id, paths);
        for (auto& [id, paths] : cgroups_)
            if (owned(id) && !isLive(id)) checkCgroups(id, paths);
        {
            auto volumesLock = eng_.volumes().lock();  // no volume create/rm meanwhile
            for (auto& v : findVolumeLeftovers(eng_.volumes())) act(v.done, v.planned, v.repair);
        }
        for (auto& path : eng_.trashLeftovers())
            act("Removed " + path + " (a removed container's directory not yet deleted)",
                "Would remove " + path + " (a removed container's directory not yet deleted)",
                [&] { removeAll(path); });
        return std::move(report_);
    }

  private:
    // Records a finding; runs the repair unless dry-run. Returns whether it was repaired.
    template <typename Fn>
    bool act(const std::string& done, const std::string& planned, Fn&& repair) {
        CheckFinding f{done, planned, ""};
        bool ok = false;
        if (opts_.repair) {
            try {
                repair();
                ok = true;
            } catch (const std::exception& e) {
                f.error = e.what();
            }
        }
        report_.findings.push_back(std::move(f));
        return ok;
    }

    void scanRuntimeDirs() {
        std::string base = eng_.config().root + "/runtime";
        for (auto& rt : dirEntries(base))
            for (auto& id : dirEntries(base + "/" + rt))
                if (isContainerId(id)) runtimeDirs_[id].push_back(rt);
    }

    bool owned(const std::string& id) const {
        return rowById_.count(id) || runtimeDirs_.count(id) ||
               std::binary_search(dirs_.begin(), dirs_.end(), id);
    }

    // Still in use: a create/remove in progress, or a container whose monitor runs.
    bool isLive(const std::string& id) const {
        auto it = rowById_.find(id);
        if (it != rowById_.end() && it->second->phase != RecordPhase::Ready &&
            it->second->ownerAlive())
            return true;
        if (!pathExists(eng_.monitorDir(id) + "/monitor.pid")) return false;
        return monitor::checkMonitor(eng_.monitorDir(id)) == monitor::MonitorHealth::Running;
    }

    void unmountLeftovers(const std::string& id, const std::string& why) {
        for (auto& m : mountsUnder(store_.dir(id)))
            act("Unmounted " + m + " (" + why + ")", "Would unmount " + m + " (" + why + ")",
                [&] { unmountAllUnder(m); });
    }

    void checkRow(const RecordEntry& e) {
        const ContainerRecord& rec = e.rec;
        std::string dir = store_.dir(rec.id);
        if (e.phase == RecordPhase::Creating) {
            if (e.ownerAlive()) return;
            unmountLeftovers(rec.id, "half-created " + describe(rec));
            act("Removed half-created " + describe(rec) + " (its create was killed)",
                "Would remove half-created " + describe(rec) + " (its create was killed)",
                [&] { store_.remove(rec.id); });
            return;
        }
        if (e.phase == RecordPhase::Removing) {
            if (e.ownerAlive()) return;
            act("Finished removing " + describe(rec) + " (its removal was interrupted)",
                "Would finish removing " + describe(rec) + " (its removal was interrupted)",
                [&] { eng_.remove(rec.id, /*force=*/true); });
            return;
        }
        if (!pathExists(dir)) {
            act("Removed the record of " + describe(rec) + " (its directory " + dir + " is missing)",
                "Would remove the record of " + describe(rec) + " (its directory " + dir +
                    " is missing)",
                [&] { store_.forget(rec.id); });
            return;
        }
        std::string mdir = eng_.monitorDir(rec.id);
        if (!rec.started || !pathExists(mdir)) return;
        auto health = monitor::checkMonitor(mdir);
        if (health == monitor::MonitorHealth::Running) return;
        if (rec.autoRemove) {
            // An --rm container whose remover is gone: an attached `run --rm` killed after its
            // monitor handed the removal over (attach takes-exit), or an exit command that failed.
            act("Removed " + describe(rec) + " (a --rm container that exited and was not removed)",
                "Would remove " + describe(rec) + " (a --rm container that exited and was not removed)",
                [&] { eng_.removeAutoRemoved(rec.id); });
            return;
        }
        if (health == monitor::MonitorHealth::Lost) {
            int monitorPid = 0;
            try {
                monitorPid = std::stoi(readFile(mdir + "/monitor.pid"));
            } catch (...) {
            }
            std::string why = "its berth-monitor" +
                              (monitorPid > 0 ? " (pid " + std::to_string(monitorPid) + ")" : std::string()) +
                              " died";
            act("Killed what was left of " + describe(rec) + " and marked it exited (137) (" + why + ")",
                "Would kill what is left of " + describe(rec) + " and mark it exited (137) (" + why + ")",
                [&] { eng_.reapLostMonitor(rec); });
        }
        for (const char* sock : {"monitor.sock", "console.sock"}) {
            std::string path = mdir + "/" + sock;
            if (!pathExists(path)) continue;
            act("Removed stale monitor socket " + path + " (its berth-monitor is gone)",
                "Would remove stale monitor socket " + path + " (its berth-monitor is gone)", [&] {
                    if (::unlink(path.c_str()) != 0 && errno != ENOENT) throw SysError("unlink " + path);
                });
        }
    }

    void checkOrphanDir(const std::string& id) {
        if (store_.entry(id)) return;  // a create made its row meanwhile
        std::string dir = store_.dir(id);
        if (!pathExists(dir)) return;
        std::string mdir = eng_.monitorDir(id);
        if (pathExists(mdir + "/monitor.pid") &&
            monitor::checkMonitor(mdir) == monitor::MonitorHealth::Running) {
            act("Stopped the berth-monitor of " + dir + " (no container record)",
                "Would stop the berth-monitor of " + dir + " (no container record)", [&] {
                    try {
                        monitor::monitorRequest(mdir, "stop 9 0", 30);
                    } catch (const SysError&) {
                    }
                });
        }
        unmountLeftovers(id, "container " + shortId(id) + " has no record");
        act("Removed directory " + dir + " (no container record)",
            "Would remove directory " + dir + " (no container record)", [&] { removeAll(dir); });
    }

    void checkRuntimeState(const std::string& id, const std::vector<std::string>& runtimes) {
        for (auto& rt : runtimes) {
            std::string rtRoot = eng_.config().root + "/runtime/" + rt;
            std::string path = rtRoot + "/" + id;
            if (!pathExists(path)) continue;  // deleted by a repair above
            act("Deleted runtime state " + path + " (the container does not run)",
                "Would delete runtime state " + path + " (the container does not run)", [&] {
                    std::string runtime;
                    try {
                        runtime = eng_.resolveRuntime(rt);
                    } catch (const Error&) {
                    }
                    if (!runtime.empty()) runtimeDeleteForce(runtime, rtRoot, id);
                    if (pathExists(path)) removeAll(path);
                });
        }
    }

    void checkCgroups(const std::string& id, const std::vector<std::string>& paths) {
        for (auto& p : paths) {
            if (!pathExists(p)) continue;  // the runtime's delete took it
            act("Removed cgroup " + p + " (container " + shortId(id) + " does not run)",
                "Would remove cgroup " + p + " (container " + shortId(id) + " does not run)", [&] {
                    std::string err = removeCgroupDir(p);
                    if (!err.empty()) throw Error(err);
                });
        }
    }

    Engine& eng_;
    ContainerStore& store_;
    CheckOptions opts_;
    CheckReport report_;
    std::vector<RecordEntry> rows_;
    std::map<std::string, const RecordEntry*> rowById_;
    std::vector<std::string> dirs_;
    std::map<std::string, std::vector<std::string>> runtimeDirs_;  // id → runtime names
    std::map<std::string, std::vector<std::string>> cgroups_;
};

}  // namespace

std::string CheckFinding::text(bool repair) const {
    if (!repair) return planned;
    if (error.empty()) return done;
    std::string what = planned.rfind("Would ", 0) == 0 ? planned.substr(6) : planned;
    return "Failed to " + what + ": " + error;
}

int CheckReport::failures() const {
    return int(std::count_if(findings.begin(), findings.end(),
                             [](const CheckFinding& f) { return !f.error.empty(); }));
}

CheckReport systemCheck(Engine& eng, const CheckOptions& opts) { return Checker(eng, opts).run(); }

}  // namespace berth::engine::check
