// The host facts the rootfs plan depends on (is a bind source a directory, which flags does its
// mount carry, which cgroup hierarchies exist). An interface so plan builders run in unit tests
// against a fake; RealHostProbe asks the kernel.
#pragma once

#include <string>
#include <vector>

#include "runtime/linux/rootfs/cgroup_hierarchies.hpp"

namespace berth::runtime::rootfs {

enum class FileKind { Missing, Directory, Other };

class HostProbe {
  public:
    virtual ~HostProbe() = default;
    // stat(2) following symlinks (bind sources are host paths the config chose). Missing sets
    // *err to the errno (ENOENT, EACCES, ...).
    virtual FileKind kindOf(const std::string& hostPath, int* err) = 0;
    // MS_* flags of the mount holding hostPath (statvfs f_flag), 0 if unknown.
    virtual unsigned long mountFlagsOf(const std::string& hostPath) = 0;
    // statfs f_type of hostPath, 0 if it cannot be stat'ed.
    virtual long fsTypeOf(const std::string& hostPath) = 0;
    // /sys/fs/cgroup is a cgroup2 mount (unified mode).
    virtual bool cgroup2Unified() = 0;
    // The process's cgroup v1 hierarchies (hybrid/legacy hosts).
    virtual std::vector<CgroupHierarchy> cgroupV1() = 0;
    // The process's path in the cgroup2 hierarchy ("/" when unknown).
    virtual std::string cgroup2Path() = 0;
};

class RealHostProbe : public HostProbe {
  public:
    FileKind kindOf(const std::string& hostPath, int* err) override;
    unsigned long mountFlagsOf(const std::string& hostPath) override;
    long fsTypeOf(const std::string& hostPath) override;
    bool cgroup2Unified() override;
    std::vector<CgroupHierarchy> cgroupV1() override;
    std::string cgroup2Path() override;
};

}  // namespace berth::runtime::rootfs
