#include "common/proc_cgroup.hpp"

#include <algorithm>
#include <cstdlib>

#include "common/safe_path.hpp"
#include "common/strings.hpp"

namespace berth {

std::vector<CgroupMembership> parseProcCgroup(std::string_view text) {
    std::vector<CgroupMembership> out;
    for (auto& line : split(text, '\n')) {
        auto c1 = line.find(':');
        auto c2 = c1 == std::string::npos ? c1 : line.find(':', c1 + 1);
        if (c2 == std::string::npos) continue;
        CgroupMembership m;
        m.hierarchyId = std::atoi(line.substr(0, c1).c_str());
        std::string ctl = line.substr(c1 + 1, c2 - c1 - 1);
        if (!ctl.empty()) m.controllers = split(ctl, ',');
        m.path = line.substr(c2 + 1);
        out.push_back(std::move(m));
    }
    return out;
}

bool mountsHierarchyOf(const MountInfoEntry& m, const CgroupMembership& g) {
    if (g.controllers.empty()) return m.fstype == "cgroup2";
    if (m.fstype != "cgroup") return false;
    auto options = split(m.superOptions, ',');  // rw, the controllers, name=..., xattr
    return std::all_of(g.controllers.begin(), g.controllers.end(), [&](const std::string& c) {
        return std::find(options.begin(), options.end(), c) != options.end();
    });
}

std::string cgroupDirThrough(const MountInfoEntry& m, const CgroupMembership& g) {
    std::string rel = g.path;
    if (m.root != "/" && isPathWithin(rel, m.root))
        rel = rel.substr(m.root.size());
    if (rel.empty() || rel == "/") return m.mountPoint;
    return m.mountPoint + (rel[0] == '/' ? "" : "/") + rel;
}

}  // namespace berth
