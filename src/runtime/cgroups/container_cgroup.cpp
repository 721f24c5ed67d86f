#include "runtime/cgroups/container_cgroup.hpp"

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/log.hpp"
#include "runtime/cgroups/device_rules.hpp"

namespace berth::runtime::cgroups {

CgroupPlan planContainerCgroup(const oci::Spec& spec, const std::string& containerId) {
    CgroupPlan plan;
    plan.request.containerId = containerId;
    if (spec.linux) {
        plan.request.cgroupsPath = spec.linux->cgroupsPath;
        if (spec.linux->resources)
            plan.resources = oci::parseLinuxResources(*spec.linux->resources);
    }
    // runc always installs device rules: the spec's, then linux.devices, then the standard set.
    plan.resources.devices = containerDeviceRules(
        plan.resources.devices, spec.linux ? spec.linux->devices : std::vector<oci::Device>{});
    return plan;
}

std::unique_ptr<CgroupManager> setupContainerCgroup(const CgroupPlan& plan, CgroupFs& fs) {
    auto manager = makeCgroupManager(fs, plan.request);
    manager->create();
    try {
        manager->apply(plan.resources);
    } catch (Error& e) {
        try {
            manager->destroy();
        } catch (const std::exception& cleanup) {
            logWarn(std::string("removing the cgroup after a failed create: ") + cleanup.what());
        }
        throw e.addContext("linux.resources");
    }
    return manager;
}

void saveContainerCgroup(const std::string& stateDir, const CgroupManager& manager) {
    writeFileReplace(stateDir + "/cgroup.json", manager.toJson().dump(), 0600);
}

std::unique_ptr<CgroupManager> loadContainerCgroup(const std::string& stateDir, CgroupFs& fs) {
    std::string path = stateDir + "/cgroup.json";
    if (!pathExists(path)) return nullptr;
    nlohmann::json saved;
    try {
        saved = nlohmann::json::parse(readFile(path));
    } catch (const nlohmann::json::exception& e) {
        throw Error(path + ": " + e.what());
    }
    return openCgroupManager(fs, saved);
}

bool containerCgroupFrozen(const std::string& stateDir, CgroupFs& fs) {
    try {
        auto manager = loadContainerCgroup(stateDir, fs);
        return manager && manager->freezerState() != FreezerState::Thawed;
    } catch (const Error&) {
        return false;  // the cgroup is gone: the container is not paused
    }
}

}  // namespace berth::runtime::cgroups
