#include "runtime/cgroups/text_fields.hpp"
#include "runtime/exec/cgroup_join.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/strings.hpp"

namespace berth::runtime {
namespace {

struct CgroupMount {
    std::string mountPoint;
    std::string root;  // the mount's root inside the hierarchy ("/" on the host)
    bool v2 = false;
    std::vector<std::string> options;  // super options: controllers, name=...
};

// mountinfo escapes spaces etc. as \040.
std::string unescape(const std::string& s) {
    auto isOctal = [](char c) { return c >= '0' && c <= '7'; };
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size() && isOctal(s[i + 1]) && isOctal(s[i + 2]) &&
            isOctal(s[i + 3])) {
            out +=
                static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
            i += 3;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::vector<CgroupMount> cgroupMounts(const std::string& mountinfo) {
    std::vector<CgroupMount> out;
    for (const auto& line : cgroups::textLines(mountinfo)) {
        auto dash = line.find(" - ");
        if (dash == std::string::npos) continue;
        auto before = split(line.substr(0, dash), ' ');
        auto after = split(line.substr(dash + 3), ' ');
        if (before.size() < 5 || after.size() < 3) continue;
        const std::string& fstype = after[0];
        if (fstype != "cgroup" && fstype != "cgroup2") continue;
        out.push_back(CgroupMount{unescape(before[4]), unescape(before[3]), fstype == "cgroup2",
                                  split(after[2], ',')});
    }
    return out;
}

std::string joinPath(const std::string& mountPoint, const std::string& mountRoot,
                     const std::string& cgroupPath) {
    // The path in /proc/<pid>/cgroup is relative to the hierarchy root; the mount may expose a
    // sub-tree of it (root != "/").
    std::string rel = cgroupPath;
    if (mountRoot != "/" && startsWith(rel, mountRoot)) rel = rel.substr(mountRoot.size());
    if (rel.empty() || rel == "/") return mountPoint + "/cgroup.procs";
    return mountPoint + (rel[0] == '/' ? "" : "/") + rel + "/cgroup.procs";
}

}  // namespace

std::vector<std::string> cgroupProcsFilesFor(const std::string& procPidCgroup,
                                             const std::string& mountinfo) {
    auto mounts = cgroupMounts(mountinfo);
    std::vector<std::string> files;
    for (const auto& line : cgroups::textLines(procPidCgroup)) {
        // "hierarchy-id:controller-list:path"; the path may itself contain ':'.
        auto first = line.find(':');
        auto second = first == std::string::npos ? first : line.find(':', first + 1);
        if (second == std::string::npos) continue;
        std::string controllers = line.substr(first + 1, second - first - 1);
        std::string path = line.substr(second + 1);
        const CgroupMount* match = nullptr;
        for (const auto& m : mounts) {
            if (controllers.empty()) {
                if (m.v2) match = &m;
            } else if (!m.v2) {
                auto wanted = split(controllers, ',');
                bool all = std::all_of(wanted.begin(), wanted.end(), [&](const std::string& c) {
                    return std::find(m.options.begin(), m.options.end(), c) != m.options.end();
                });
                if (all) match = &m;
            }
            if (match) break;
        }
        if (!match) continue;
        std::string file = joinPath(match->mountPoint, match->root, path);
        if (std::find(files.begin(), files.end(), file) == files.end()) files.push_back(file);
    }
    return files;
}

void joinCgroupsOf(pid_t initPid, pid_t pid) {
    std::string procCgroup = readFile("/proc/" + std::to_string(initPid) + "/cgroup");
    for (const auto& file : cgroupProcsFilesFor(procCgroup, readFile("/proc/self/mountinfo"))) {
        if (!pathExists(file)) continue;  // e.g. a v2 mount whose tree the init isn't in
        withContext("join cgroup " + file, [&] { writeFile(file, std::to_string(pid)); });
    }
}

}  // namespace berth::runtime
