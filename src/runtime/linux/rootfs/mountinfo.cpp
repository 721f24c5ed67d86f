#include "runtime/linux/rootfs/mountinfo.hpp"

#include <sstream>

#include "common/strings.hpp"

namespace berth::runtime::rootfs {
namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo (fs/proc_namespace.c).
std::string unescapeOctal(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '7' &&
            s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
            out +=
                static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
            i += 3;
        } else {
            out += s[i];
        }
    }
    return out;
}

bool isUnder(const std::string& path, const std::string& dir) {
    if (dir == "/") return !path.empty() && path[0] == '/';
    return path == dir || (startsWith(path, dir) && path[dir.size()] == '/');
}

}  // namespace

bool MountInfoEntry::isShared() const {
    for (auto& f : split(optionalFields, ' '))
        if (startsWith(f, "shared:")) return true;
    return false;
}

std::vector<MountInfoEntry> parseMountInfo(const std::string& text) {
    std::vector<MountInfoEntry> out;
    for (auto& line : split(text, '\n')) {
        if (line.empty()) continue;
        auto fields = split(line, ' ');
        // id parent major:minor root mountpoint options [optional...] - fstype source superopts
        size_t sep = 0;
        for (size_t i = 6; i < fields.size(); ++i)
            if (fields[i] == "-") {
                sep = i;
                break;
            }
        if (sep == 0 || sep + 2 >= fields.size()) continue;
        MountInfoEntry e;
        e.id = std::atoi(fields[0].c_str());
        e.parentId = std::atoi(fields[1].c_str());
        e.root = unescapeOctal(fields[3]);
        e.mountPoint = unescapeOctal(fields[4]);
        e.options = fields[5];
        for (size_t i = 6; i < sep; ++i) {
            if (!e.optionalFields.empty()) e.optionalFields += ' ';
            e.optionalFields += fields[i];
        }
        e.fstype = fields[sep + 1];
        e.source = unescapeOctal(fields[sep + 2]);
        if (sep + 3 < fields.size()) e.superOptions = fields[sep + 3];
        out.push_back(std::move(e));
    }
    return out;
}

const MountInfoEntry* findMountHolding(const std::vector<MountInfoEntry>& mounts,
                                       const std::string& path) {
    const MountInfoEntry* best = nullptr;
    // Later entries shadow earlier ones mounted on the same point: take the last longest match.
    for (auto& m : mounts)
        if (isUnder(path, m.mountPoint) &&
            (!best || m.mountPoint.size() >= best->mountPoint.size()))
            best = &m;
    return best;
}

std::vector<CgroupMembership> parseProcCgroup(const std::string& text) {
    std::vector<CgroupMembership> out;
    for (auto& line : split(text, '\n')) {
        if (line.empty()) continue;
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

std::vector<CgroupHierarchy> cgroupV1Hierarchies(const std::vector<MountInfoEntry>& mounts,
                                                 const std::vector<CgroupMembership>& groups) {
    // In mount order (as runc mounts them, so a container's /proc/mounts reads the same).
    std::vector<CgroupHierarchy> out;
    for (auto& m : mounts) {
        if (m.fstype != "cgroup") continue;
        for (auto& g : groups) {
            if (g.controllers.empty()) continue;  // the v2 line "0::/path"
            bool seen = false;
            for (auto& h : out) seen = seen || h.subsystems == join(g.controllers, ",");
            if (seen) continue;  // a hierarchy mounted twice: its first mount
            auto opts = split(m.superOptions, ',');
            bool all = true;
            for (auto& c : g.controllers) {
                bool found = false;
                for (auto& o : opts) found = found || o == c;
                all = all && found;
            }
            if (!all) continue;
            CgroupHierarchy h;
            h.hostMountPoint = m.mountPoint;
            h.subsystems = join(g.controllers, ",");
            h.controllers = g.controllers;
            // The mount may show a subtree of the hierarchy (m.root); the process path is
            // relative to the hierarchy's root.
            std::string rel = g.path;
            if (m.root != "/" && isUnder(rel, m.root)) rel = rel.substr(m.root.size());
            if (rel.empty()) rel = "/";
            h.processDir = m.mountPoint + (rel == "/" ? "" : rel);
            out.push_back(std::move(h));
            break;
        }
    }
    return out;
}

}  // namespace berth::runtime::rootfs
