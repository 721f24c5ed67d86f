#include "runtime/exec/cgroup_join.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/proc_cgroup.hpp"

namespace berth::runtime {

std::vector<std::string> cgroupProcsFilesFor(const std::string& procPidCgroup,
                                             const std::string& mountinfo) {
    auto mounts = parseMountInfo(mountinfo);
    std::vector<std::string> files;
    for (const auto& g : parseProcCgroup(procPidCgroup)) {
        auto m = std::find_if(mounts.begin(), mounts.end(),
                              [&](const MountInfoEntry& e) { return mountsHierarchyOf(e, g); });
        if (m == mounts.end()) continue;
        std::string file = cgroupDirThrough(*m, g) + "/cgroup.procs";
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
