#include "runtime/cgroups/cgroup_layout.hpp"

#include <algorithm>
#include <set>

#include "common/proc_cgroup.hpp"
#include "common/safe_path.hpp"
#include "common/strings.hpp"

namespace berth::runtime::cgroups {
namespace {

bool isV1Controller(const std::string& opt) {
    static const std::set<std::string> known = {
        "cpuset",  "cpu",      "cpuacct",    "blkio",   "memory", "devices", "freezer",
        "net_cls", "net_prio", "perf_event", "hugetlb", "pids",   "rdma",    "misc"};
    return known.count(opt) || startsWith(opt, "name=");
}

}  // namespace

CgroupLayout parseCgroupLayout(const std::string& mountinfo, const std::string& selfCgroup,
                               const std::string& cgroupRoot) {
    CgroupLayout layout;
    // Own cgroup per hierarchy: "4:memory:/a/b", "1:cpu,cpuacct:/", "0::/x" (v2).
    std::map<std::string, std::string> ownByController;
    std::string ownUnified = "/";
    for (const auto& g : parseProcCgroup(selfCgroup)) {
        if (g.controllers.empty()) ownUnified = g.path;
        for (auto& c : g.controllers) ownByController[c] = g.path;
    }

    for (const auto& m : parseMountInfo(mountinfo)) {
        if (!isPathWithin(m.mountPoint, cgroupRoot)) continue;
        if (m.fstype == "cgroup2") {
            layout.unifiedMount = m.mountPoint;
            layout.unifiedMountRoot = m.root;
            layout.unifiedOwnPath = ownUnified;
        } else if (m.fstype == "cgroup") {
            V1Hierarchy h;
            for (auto& opt : split(m.superOptions, ','))
                if (isV1Controller(opt)) h.controllers.push_back(opt);
            if (h.controllers.empty()) continue;
            // A hierarchy mounted twice (bind) counts once: keep the first mount point.
            bool dup = std::any_of(layout.v1.begin(), layout.v1.end(), [&](const V1Hierarchy& o) {
                return o.controllers == h.controllers;
            });
            if (dup) continue;
            h.mountPoint = m.mountPoint;
            h.mountRoot = m.root;
            auto own = ownByController.find(h.controllers.front());
            h.ownPath = own != ownByController.end() ? own->second : "/";
            layout.v1.push_back(std::move(h));
        }
    }
    layout.pureV2 = layout.v1.empty() && layout.unifiedMount == cgroupRoot;
    return layout;
}

std::string resolveCgroupDir(const std::string& mountPoint, const std::string& mountRoot,
                             const std::string& ownPath, const std::string& cgroupsPath) {
    if (!cgroupsPath.empty() && cgroupsPath[0] == '/') return cleanPath(mountPoint + cgroupsPath);
    // Relative: below our own cgroup. Our path is relative to the hierarchy root; the mount
    // shows mountRoot of it (inside a cgroup namespace or a bind of a sub-tree).
    std::string own = ownPath;
    if (mountRoot != "/" && isPathWithin(own, mountRoot)) own = own.substr(mountRoot.size());
    return cleanPath(mountPoint + "/" + own + "/" + cgroupsPath);
}

}  // namespace berth::runtime::cgroups
