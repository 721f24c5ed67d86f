#include "runtime/cgroups/text_fields.hpp"
#include "runtime/cgroups/cgroup_layout.hpp"

#include <algorithm>
#include <cctype>
#include <set>

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

bool underRoot(const std::string& path, const std::string& root) {
    return path == root || startsWith(path, root + "/");
}

}  // namespace

std::string unescapeMountinfo(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size() &&
            std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
            out += char(std::stoi(s.substr(i + 1, 3), nullptr, 8));
            i += 3;
        } else {
            out += s[i];
        }
    }
    return out;
}

CgroupLayout parseCgroupLayout(const std::string& mountinfo, const std::string& selfCgroup,
                               const std::string& cgroupRoot) {
    CgroupLayout layout;
    // Own cgroup per hierarchy: "4:memory:/a/b", "1:cpu,cpuacct:/", "0::/x" (v2).
    std::map<std::string, std::string> ownByController;
    std::string ownUnified = "/";
    for (const auto& line : textLines(selfCgroup)) {
        auto first = line.find(':');
        auto second = line.find(':', first + 1);
        if (first == std::string::npos || second == std::string::npos) continue;
        std::string ctls = line.substr(first + 1, second - first - 1);
        std::string path = line.substr(second + 1);
        if (ctls.empty()) {
            ownUnified = path;
            continue;
        }
        for (auto& c : split(ctls, ',')) ownByController[c] = path;
    }

    for (const auto& line : textLines(mountinfo)) {
        auto dash = line.find(" - ");
        if (dash == std::string::npos) continue;
        std::vector<std::string> pre = split(line.substr(0, dash), ' ');
        std::vector<std::string> post = split(line.substr(dash + 3), ' ');
        if (pre.size() < 5 || post.size() < 3) continue;
        std::string root = unescapeMountinfo(pre[3]);
        std::string mountPoint = unescapeMountinfo(pre[4]);
        const std::string& fstype = post[0];
        if (!underRoot(mountPoint, cgroupRoot)) continue;
        if (fstype == "cgroup2") {
            layout.unifiedMount = mountPoint;
            layout.unifiedMountRoot = root;
            layout.unifiedOwnPath = ownUnified;
        } else if (fstype == "cgroup") {
            V1Hierarchy h;
            for (auto& opt : split(post[2], ','))
                if (isV1Controller(opt)) h.controllers.push_back(opt);
            if (h.controllers.empty()) continue;
            // A hierarchy mounted twice (bind) counts once: keep the first mount point.
            bool dup = std::any_of(layout.v1.begin(), layout.v1.end(), [&](const V1Hierarchy& o) {
                return o.controllers == h.controllers;
            });
            if (dup) continue;
            h.mountPoint = mountPoint;
            h.mountRoot = root;
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
    if (mountRoot != "/" && underRoot(own, mountRoot)) own = own.substr(mountRoot.size());
    return cleanPath(mountPoint + "/" + own + "/" + cgroupsPath);
}

}  // namespace berth::runtime::cgroups
