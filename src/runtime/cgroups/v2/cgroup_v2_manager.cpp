#include "runtime/cgroups/text_fields.hpp"
#include "runtime/cgroups/v2/cgroup_v2_manager.hpp"

#include <signal.h>
#include <time.h>


#include "common/error.hpp"
#include "common/log.hpp"
#include "common/strings.hpp"
#include "runtime/cgroups/cgroup_tree.hpp"

namespace berth::runtime::cgroups {
namespace {

std::set<std::string> words(const std::string& text) {
    std::set<std::string> out;
    for (auto& w : textFields(text)) out.insert(std::move(w));
    return out;
}

void sleepMs(long ms) {
    timespec ts{ms / 1000, (ms % 1000) * 1000000L};
    ::nanosleep(&ts, nullptr);
}

}  // namespace

CgroupV2Manager::CgroupV2Manager(CgroupFs& fs, std::string mountPoint, std::string dir)
    : fs_(fs), mountPoint_(std::move(mountPoint)), dir_(std::move(dir)) {}

void CgroupV2Manager::create() {
    created_ = makeCgroupDirs(fs_, mountPoint_, dir_);
    try {
        // Domain controllers reach a cgroup only if every ancestor delegates them in
        // cgroup.subtree_control (cgroup-v2.rst "Enabling and Disabling").
        std::string level = mountPoint_;
        std::vector<std::string> parts = split(dir_.substr(mountPoint_.size()), '/');
        for (size_t i = 0; i < parts.size(); ++i) {
            if (parts[i].empty()) continue;
            std::set<std::string> have = words(fs_.read(level + "/cgroup.controllers"));
            std::set<std::string> on = words(fs_.read(level + "/cgroup.subtree_control"));
            for (auto& c : have) {
                if (on.count(c)) continue;
                try {
                    fs_.write(level + "/cgroup.subtree_control", "+" + c);
                } catch (const Error& e) {
                    // EBUSY: the level has processes of its own ("no internal processes");
                    // the controller stays unavailable and apply() says so if it's needed.
                    logDebug("cgroup: enable " + c + " in " + level + ": " + e.what());
                }
            }
            level += "/" + parts[i];
        }
    } catch (...) {
        removeCreated();
        throw;
    }
}

void CgroupV2Manager::removeCreated() {
    for (auto it = created_.rbegin(); it != created_.rend(); ++it) fs_.rmdir(*it);
    created_.clear();
}

std::set<std::string> CgroupV2Manager::availableControllers() {
    return words(fs_.read(dir_ + "/cgroup.controllers"));
}

void CgroupV2Manager::addProcess(pid_t pid, bool alreadyInUnified) {
    if (!alreadyInUnified) writeCgroupProcs(fs_, dir_, pid);
}

UniqueFd CgroupV2Manager::cloneIntoFd() {
    return fs_.openDir(dir_);
}

void CgroupV2Manager::setFrozen(bool frozen) {
    fs_.write(path("cgroup.freeze"), frozen ? "1" : "0");
    // cgroup.events "frozen 1" once every task has stopped (cgroup-v2.rst "cgroup.freeze").
    long delay = 1;
    for (int waited = 0; waited < 5000; waited += int(delay)) {
        auto events = parseFlatKeyed(fs_.read(path("cgroup.events")));
        if ((events["frozen"] == 1) == frozen) return;
        sleepMs(delay);
        delay = std::min(delay * 2, 50L);
    }
    throw Error(std::string("cgroup ") + dir_ + ": timed out waiting for " +
                (frozen ? "frozen" : "thawed") + " state");
}

void CgroupV2Manager::freeze() {
    withContext("freeze " + dir_, [&] { setFrozen(true); });
}

void CgroupV2Manager::thaw() {
    withContext("thaw " + dir_, [&] { setFrozen(false); });
}

FreezerState CgroupV2Manager::freezerState() {
    if (!fs_.exists(path("cgroup.freeze"))) return FreezerState::Thawed;
    if (trim(fs_.read(path("cgroup.freeze"))) != "1") return FreezerState::Thawed;
    auto events = parseFlatKeyed(fs_.read(path("cgroup.events")));
    return events["frozen"] == 1 ? FreezerState::Frozen : FreezerState::Freezing;
}

void CgroupV2Manager::killAll(int signal) {
    if (!fs_.exists(dir_)) return;
    // cgroup.kill (Linux 5.14) kills the whole subtree atomically, forks included.
    if (signal == SIGKILL && fs_.exists(path("cgroup.kill"))) {
        fs_.write(path("cgroup.kill"), "1");
        return;
    }
    // Otherwise freeze so nothing forks between listing and signalling (runc does the same).
    bool canFreeze = fs_.exists(path("cgroup.freeze"));
    bool wasFrozen = canFreeze && freezerState() != FreezerState::Thawed;
    if (canFreeze && !wasFrozen) freeze();
    signalPids(pids(), signal);
    if (canFreeze && !wasFrozen) thaw();
}

std::vector<pid_t> CgroupV2Manager::pids() {
    return subtreePids(fs_, dir_);
}

void CgroupV2Manager::destroy() {
    if (!fs_.exists(dir_)) return;
    if (!pids().empty()) killAll(SIGKILL);
    removeCgroupTree(fs_, dir_);
}

nlohmann::json CgroupV2Manager::toJson() const {
    return {{"version", 2}, {"mountPoint", mountPoint_}, {"dir", dir_}};
}

void CgroupV2Manager::write(const std::string& file, const std::string& value) {
    fs_.write(path(file), value);
}

}  // namespace berth::runtime::cgroups
