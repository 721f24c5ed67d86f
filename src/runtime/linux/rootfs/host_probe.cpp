#include "runtime/linux/rootfs/host_probe.hpp"

#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

#include <cerrno>

#include "common/file_io.hpp"
#include "runtime/linux/rootfs/mount_options.hpp"

namespace berth::runtime::rootfs {

FileKind RealHostProbe::kindOf(const std::string& hostPath, int* err) {
    struct stat st {};
    if (::stat(hostPath.c_str(), &st) < 0) {
        if (err) *err = errno;
        return FileKind::Missing;
    }
    return S_ISDIR(st.st_mode) ? FileKind::Directory : FileKind::Other;
}

unsigned long RealHostProbe::mountFlagsOf(const std::string& hostPath) {
    struct statvfs sv {};
    if (::statvfs(hostPath.c_str(), &sv) < 0) return 0;
    return mountFlagsFromStatvfs(sv.f_flag);
}

long RealHostProbe::fsTypeOf(const std::string& hostPath) {
    struct statfs sf {};
    if (::statfs(hostPath.c_str(), &sf) < 0) return 0;
    return static_cast<long>(sf.f_type);
}

bool RealHostProbe::cgroup2Unified() {
    return fsTypeOf("/sys/fs/cgroup") == CGROUP2_SUPER_MAGIC;
}

std::vector<CgroupHierarchy> RealHostProbe::cgroupV1() {
    return cgroupV1Hierarchies(parseMountInfo(readFile("/proc/self/mountinfo")),
                               parseProcCgroup(readFile("/proc/self/cgroup")));
}

std::string RealHostProbe::cgroup2Path() {
    for (auto& g : parseProcCgroup(readFile("/proc/self/cgroup")))
        if (g.hierarchyId == 0 && g.controllers.empty()) return g.path;
    return "/";
}

}  // namespace berth::runtime::rootfs
