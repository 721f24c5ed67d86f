#include "runtime/cgroups/cgroup_manager.hpp"

#include "common/error.hpp"
#include "runtime/cgroups/cgroup_layout.hpp"
#include "runtime/cgroups/v1/cgroup_v1_manager.hpp"
#include "runtime/cgroups/v2/cgroup_v2_manager.hpp"

namespace berth::runtime::cgroups {

CgroupFs& realCgroupFs() {
    static RealCgroupFs fs;
    return fs;
}

std::unique_ptr<CgroupManager> makeCgroupManager(CgroupFs& fs, const CgroupLayout& layout,
                                                 const CgroupRequest& request) {
    std::string path = request.cgroupsPath;
    if (path.empty()) {
        if (request.containerId.empty()) throw Error("cgroup: no cgroupsPath and no container id");
        path = "/berth/" + request.containerId;
    }
    if (path.find("..") != std::string::npos)
        throw Error("linux.cgroupsPath: \"" + path + "\" must not contain \"..\"");

    std::unique_ptr<CgroupV2Manager> unified;
    if (!layout.unifiedMount.empty())
        unified = std::make_unique<CgroupV2Manager>(
            fs, layout.unifiedMount,
            resolveCgroupDir(layout.unifiedMount, layout.unifiedMountRoot, layout.unifiedOwnPath,
                             path));
    if (layout.v1.empty()) {
        if (!unified) throw Error("cgroup: no cgroup hierarchy is mounted under /sys/fs/cgroup");
        return unified;
    }
    std::vector<V1Dir> dirs;
    for (auto& h : layout.v1)
        dirs.push_back({h.controllers, h.mountPoint,
                        resolveCgroupDir(h.mountPoint, h.mountRoot, h.ownPath, path)});
    return std::make_unique<CgroupV1Manager>(fs, std::move(dirs), std::move(unified));
}

std::unique_ptr<CgroupManager> makeCgroupManager(CgroupFs& fs, const CgroupRequest& request) {
    CgroupLayout layout =
        parseCgroupLayout(fs.read("/proc/self/mountinfo"), fs.read("/proc/self/cgroup"));
    return makeCgroupManager(fs, layout, request);
}

std::unique_ptr<CgroupManager> openCgroupManager(CgroupFs& fs, const nlohmann::json& saved) {
    try {
        auto openV2 = [&](const nlohmann::json& j) {
            return std::make_unique<CgroupV2Manager>(fs, j.at("mountPoint").get<std::string>(),
                                                     j.at("dir").get<std::string>());
        };
        if (saved.at("version").get<int>() == 2) return openV2(saved);
        std::vector<V1Dir> dirs;
        for (auto& h : saved.at("hierarchies"))
            dirs.push_back({h.at("controllers").get<std::vector<std::string>>(),
                            h.at("mountPoint").get<std::string>(), h.at("dir").get<std::string>()});
        std::unique_ptr<CgroupV2Manager> unified;
        if (saved.contains("unified") && !saved["unified"].is_null())
            unified = openV2(saved["unified"]);
        return std::make_unique<CgroupV1Manager>(fs, std::move(dirs), std::move(unified));
    } catch (const nlohmann::json::exception& e) {
        throw Error(std::string("container state: malformed cgroup paths: ") + e.what());
    }
}

}  // namespace berth::runtime::cgroups
