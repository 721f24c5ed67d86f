// One container's cgroup, behind one interface with two backends:
//   v1/CgroupV1Manager: a directory per mounted v1 hierarchy (cpu, memory, ...). On a hybrid host
//       (v1 controllers plus a cgroup2 mount, e.g. /sys/fs/cgroup/unified) the process is also
//       placed in the unified hierarchy, like runc, and controllers that live only there
//       (hugetlb on this host) are set there.
//   v2/CgroupV2Manager: one directory in the cgroup2 hierarchy (pure v2 hosts).
// makeCgroupManager() detects which one the host needs (cgroup_layout.hpp).
//
// Lifecycle in the runtime: create() → apply() → the init process joins (clone3
// CLONE_INTO_CGROUP via cloneIntoFd(), or addProcess() before the child is released) →
// freeze/thaw/stats/update while it runs → destroy() on delete. Between runtime invocations
// the resolved paths are kept in the container state (toJson/openCgroupManager), because a
// relative cgroupsPath depends on the cgroup of the process that created it.
#pragma once

#include <sys/types.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/fd.hpp"
#include "oci/linux_resources.hpp"
#include "runtime/cgroups/cgroup_fs.hpp"
#include "runtime/cgroups/cgroup_layout.hpp"
#include "runtime/cgroups/cgroup_stats.hpp"

namespace berth::runtime::cgroups {

enum class FreezerState { Thawed, Freezing, Frozen };

// Readiness of OOM notifications: poll fd() for POLLIN, then call readOomKills().
class OomWatcher {
  public:
    virtual ~OomWatcher() = default;
    virtual int fd() const = 0;
    // New OOM kills since the last call (0 for a spurious wake-up); -1 once the cgroup is gone.
    virtual int readOomKills() = 0;
};

class CgroupManager {
  public:
    virtual ~CgroupManager() = default;

    virtual bool isUnifiedOnly() const = 0;  // pure cgroup v2 host

    // Makes the directories (every missing level). On failure removes what it made and throws.
    virtual void create() = 0;
    // Writes every field present in r. update=true: a live change (memory ordering against the
    // current values, checkBeforeUpdate). Throws naming the field, the file and the value.
    virtual void apply(const oci::LinuxResources& r, bool update = false) = 0;
    // Moves pid into the cgroup. alreadyInUnified: it was cloned there with CLONE_INTO_CGROUP,
    // only the v1 hierarchies remain (hybrid).
    virtual void addProcess(pid_t pid, bool alreadyInUnified = false) = 0;
    // Directory fd of the leaf in the cgroup2 hierarchy, for clone3(CLONE_INTO_CGROUP); invalid
    // when there is no cgroup2 hierarchy. On a hybrid host it covers the unified hierarchy only.
    virtual UniqueFd cloneIntoFd() = 0;

    virtual void freeze() = 0;  // returns once every task is frozen
    virtual void thaw() = 0;
    virtual FreezerState freezerState() = 0;

    // Signals every process in the cgroup (and nested cgroups).
    virtual void killAll(int signal) = 0;
    virtual std::vector<pid_t> pids() = 0;  // recursive, sorted, unique
    virtual CgroupStats stats() = 0;
    virtual std::unique_ptr<OomWatcher> watchOom() = 0;

    // Kills what is left, then removes nested dirs bottom-up and the leaf (EBUSY retried).
    // Missing dirs are fine: destroy() twice is harmless.
    virtual void destroy() = 0;

    // The resolved directories, for the container state.
    virtual nlohmann::json toJson() const = 0;
};

struct CgroupRequest {
    std::string cgroupsPath;  // linux.cgroupsPath: absolute, relative (to our own cgroup), or ""
    std::string containerId;  // "" path → "/berth/<id>"
};

// Detects the host's layout (/proc/self/mountinfo, /proc/self/cgroup, read through fs) and
// resolves the paths.
std::unique_ptr<CgroupManager> makeCgroupManager(CgroupFs& fs, const CgroupRequest& request);
// With a layout already known (tests).
std::unique_ptr<CgroupManager> makeCgroupManager(CgroupFs& fs, const CgroupLayout& layout,
                                                 const CgroupRequest& request);

// Re-opens a manager from CgroupManager::toJson() output.
std::unique_ptr<CgroupManager> openCgroupManager(CgroupFs& fs, const nlohmann::json& saved);

// The process-wide real seam.
CgroupFs& realCgroupFs();

}  // namespace berth::runtime::cgroups
