#include "engine/resources/cgroup_access.hpp"

#include <sys/sysinfo.h>

#include <algorithm>
#include <mutex>

#include "runtime/cgroups/cgroup_layout.hpp"

namespace berth::engine {

namespace cg = runtime::cgroups;

std::unique_ptr<cg::CgroupManager> openCgroupAt(const std::string& cgroupsPath) {
    static std::once_flag once;
    static cg::CgroupLayout layout;
    auto& fs = cg::realCgroupFs();
    std::call_once(once, [&] {
        layout = cg::parseCgroupLayout(fs.read("/proc/self/mountinfo"), fs.read("/proc/self/cgroup"));
    });
    return cg::makeCgroupManager(fs, layout, {cgroupsPath, ""});
}

std::string oomCounterFile(const std::string& cgroupsPath) {
    try {
        auto j = openCgroupAt(cgroupsPath)->toJson();
        if (j.value("version", 0) == 2) return j.at("dir").get<std::string>() + "/memory.events";
        for (auto& h : j.at("hierarchies")) {
            auto ctl = h.at("controllers").get<std::vector<std::string>>();
            if (std::find(ctl.begin(), ctl.end(), "memory") != ctl.end())
                return h.at("dir").get<std::string>() + "/memory.oom_control";
        }
        if (j.contains("unified") && j["unified"].is_object())
            return j["unified"].at("dir").get<std::string>() + "/memory.events";
    } catch (const std::exception&) {
    }
    return "";
}

bool cgroupFrozen(const std::string& cgroupsPath) {
    try {
        return openCgroupAt(cgroupsPath)->freezerState() != cg::FreezerState::Thawed;
    } catch (const std::exception&) {
        return false;  // no cgroup (gone, or never made): nothing is frozen
    }
}

void thawCgroup(const std::string& cgroupsPath) {
    try {
        openCgroupAt(cgroupsPath)->thaw();
    } catch (const std::exception&) {
    }
}

uint64_t hostMemoryBytes() {
    struct sysinfo si {};
    if (::sysinfo(&si) != 0) return 0;
    return uint64_t(si.totalram) * si.mem_unit;
}

}  // namespace berth::engine
