#include "runtime/cgroups/v1/cgroup_v1_manager.hpp"

#include <signal.h>
#include <time.h>

#include <algorithm>

#include "common/error.hpp"
#include "common/strings.hpp"
#include "runtime/cgroups/cgroup_tree.hpp"
#include "runtime/cgroups/oom_watcher.hpp"

namespace berth::runtime::cgroups {
namespace {

void sleepMs(long ms) {
    timespec ts{ms / 1000, (ms % 1000) * 1000000L};
    ::nanosleep(&ts, nullptr);
}

}  // namespace

CgroupV1Manager::CgroupV1Manager(CgroupFs& fs, std::vector<V1Dir> dirs,
                                 std::unique_ptr<CgroupV2Manager> unified)
    : fs_(fs), dirs_(std::move(dirs)), unified_(std::move(unified)) {}

std::string CgroupV1Manager::dirOf(const std::string& controller) const {
    for (auto& d : dirs_)
        if (std::find(d.controllers.begin(), d.controllers.end(), controller) !=
            d.controllers.end())
            return d.dir;
    return "";
}

std::string CgroupV1Manager::need(const std::string& controller, const std::string& field) const {
    std::string dir = dirOf(controller);
    if (dir.empty())
        throw Error(field + ": the " + controller +
                    " cgroup controller is not mounted on this host");
    return dir;
}

void CgroupV1Manager::create() {
    try {
        for (auto& d : dirs_) {
            auto made = makeCgroupDirs(fs_, d.mountPoint, d.dir);
            created_.insert(created_.end(), made.begin(), made.end());
            bool isCpuset = std::find(d.controllers.begin(), d.controllers.end(), "cpuset") !=
                            d.controllers.end();
            if (!isCpuset) continue;
            // A new v1 cpuset has empty cpus/mems and refuses tasks: inherit the parent's
            // (cgroup-v1/cpusets.rst), level by level as runc's cpuset ensureParent does.
            std::string level = d.mountPoint;
            for (auto& part : split(d.dir.substr(d.mountPoint.size()), '/')) {
                if (part.empty()) continue;
                std::string child = level + "/" + part;
                for (const char* f : {"cpuset.cpus", "cpuset.mems"}) {
                    if (!trim(fs_.read(child + "/" + f)).empty()) continue;
                    fs_.write(child + "/" + f, trim(fs_.read(level + "/" + f)));
                }
                level = child;
            }
        }
        if (unified_) unified_->create();
    } catch (...) {
        removeCreated();
        throw;
    }
}

void CgroupV1Manager::removeCreated() {
    for (auto it = created_.rbegin(); it != created_.rend(); ++it) fs_.rmdir(*it);
    created_.clear();
    if (unified_) unified_->removeCreated();
}

void CgroupV1Manager::addProcess(pid_t pid, bool alreadyInUnified) {
    for (auto& d : dirs_) writeCgroupProcs(fs_, d.dir, pid);
    if (unified_) unified_->addProcess(pid, alreadyInUnified);
}

UniqueFd CgroupV1Manager::cloneIntoFd() {
    // CLONE_INTO_CGROUP takes a cgroup2 dir only: on hybrid it places the child in the unified
    // hierarchy; addProcess(pid, true) still has to move it into the v1 ones.
    return unified_ ? unified_->cloneIntoFd() : UniqueFd();
}

void CgroupV1Manager::setFreezer(const std::string& state) {
    std::string dir = dirOf("freezer");
    fs_.write(dir + "/freezer.state", state);
    // FREEZING until every task is stopped (cgroup-v1/freezer-subsystem.rst); write again
    // now and then as runc does, in case a task slipped in while freezing.
    long waited = 0;
    for (int i = 0; waited < 10000; ++i) {
        if (trim(fs_.read(dir + "/freezer.state")) == state) return;
        if (i % 25 == 24) fs_.write(dir + "/freezer.state", state);
        long delay = i < 10 ? 1 : 10;
        sleepMs(delay);
        waited += delay;
    }
    throw Error("cgroup " + dir + ": timed out waiting for freezer.state " + state);
}

void CgroupV1Manager::freeze() {
    if (dirOf("freezer").empty()) {
        if (unified_) return unified_->freeze();  // hybrid without v1 freezer: v2 can do it
        throw Error("freeze: no freezer cgroup controller on this host");
    }
    withContext("freeze", [&] { setFreezer("FROZEN"); });
}

void CgroupV1Manager::thaw() {
    if (dirOf("freezer").empty()) {
        if (unified_) return unified_->thaw();
        throw Error("thaw: no freezer cgroup controller on this host");
    }
    withContext("thaw", [&] { setFreezer("THAWED"); });
}

FreezerState CgroupV1Manager::freezerState() {
    std::string dir = dirOf("freezer");
    if (dir.empty()) return unified_ ? unified_->freezerState() : FreezerState::Thawed;
    std::string state = trim(fs_.read(dir + "/freezer.state"));
    if (state == "FROZEN") return FreezerState::Frozen;
    if (state == "FREEZING") return FreezerState::Freezing;
    return FreezerState::Thawed;
}

void CgroupV1Manager::killAll(int signal) {
    std::string freezer = dirOf("freezer");
    bool canFreeze = !freezer.empty() && fs_.exists(freezer);
    bool wasFrozen = canFreeze && freezerState() != FreezerState::Thawed;
    // Frozen, nothing can fork between listing the pids and signalling them.
    if (canFreeze && !wasFrozen) freeze();
    signalPids(pids(), signal);
    // Frozen v1 tasks don't die until thawed.
    if (canFreeze && (!wasFrozen || signal == SIGKILL)) thaw();
    if (unified_ && signal == SIGKILL) unified_->killAll(SIGKILL);
}

std::vector<pid_t> CgroupV1Manager::pids() {
    for (const char* c : {"pids", "memory", "freezer", "devices"}) {
        std::string dir = dirOf(c);
        if (!dir.empty()) return subtreePids(fs_, dir);
    }
    if (!dirs_.empty()) return subtreePids(fs_, dirs_.front().dir);
    return unified_ ? unified_->pids() : std::vector<pid_t>{};
}

void CgroupV1Manager::destroy() {
    if (!pids().empty()) killAll(SIGKILL);
    std::string firstError;
    for (auto& d : dirs_) {
        try {
            removeCgroupTree(fs_, d.dir);
        } catch (const Error& e) {
            if (firstError.empty()) firstError = e.what();
        }
    }
    if (unified_) unified_->destroy();
    if (!firstError.empty()) throw Error("remove cgroup: " + firstError);
}

std::unique_ptr<OomWatcher> CgroupV1Manager::watchOom() {
    return makeV1OomWatcher(fs_, need("memory", "events"));
}

nlohmann::json CgroupV1Manager::toJson() const {
    nlohmann::json hier = nlohmann::json::array();
    for (auto& d : dirs_)
        hier.push_back(
            {{"controllers", d.controllers}, {"mountPoint", d.mountPoint}, {"dir", d.dir}});
    return {{"version", 1},
            {"hierarchies", hier},
            {"unified", unified_ ? unified_->toJson() : nlohmann::json()}};
}

}  // namespace berth::runtime::cgroups
