// The rootfs setup as data: a list of steps (mkdir, mount, remount, mknod, symlink, ...) that
// plan builders compute from the spec as plain code (unit-tested as any user) and that
// PlanExecutor (plan_executor.hpp) performs with the real syscalls. Paths in Scope::Root steps
// are container paths, resolved inside the rootfs by the executor (openat2 RESOLVE_IN_ROOT,
// CVE-2021-30465); Scope::Host steps name host paths (the rootfs bind itself, "/").
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "oci/runtime_spec.hpp"

namespace berth::runtime::rootfs {

enum class Scope { Host, Root };

// What to create at a mount destination that does not exist yet.
enum class CreateTarget { None, Dir, File };

enum class StepKind {
    Mount,                   // mount(source, target, fstype, flags, data)
    Remount,                 // mount("", target, NULL, flags | MS_REMOUNT, data) on the top mount
    Propagation,             // mount("", target, NULL, flags) with flags = MS_SHARED|MS_REC ...
    SetAttr,                 // mount_setattr(target, AT_RECURSIVE, attrSet, attrClr)
    MakeParentMountPrivate,  // the mount holding target, if shared → private (pivot_root, leaks)
    Mkdir,                   // mkdir -p inside the root
    Mknod,                   // mknod + chown + chmod (mode carries the S_IF* type)
    Symlink,                 // symlink(linkTarget, target); replace: remove what is there first
};

struct Step {
    StepKind kind = StepKind::Mount;
    Scope scope = Scope::Root;
    std::string target;  // container path (Root) or host path (Host)

    // Mount
    std::string source;  // bind: a host path; else the filesystem's source name ("proc")
    std::string fstype;
    unsigned long flags = 0;  // Mount, Remount, Propagation
    std::string data;
    CreateTarget create = CreateTarget::None;
    bool sourceIsHostPath = false;  // bind: source is opened on the host, not in the root
    // When the kernel refuses the mount with EPERM (sysfs without an owned netns, mqueue
    // without an owned ipc ns in a user namespace), bind this host path instead (like runc).
    std::string fallbackBindSource;
    // Idmapped bind (non-empty mappings): the source is attached with these uid/gid maps.
    std::vector<oci::IdMapping> uidMappings;
    std::vector<oci::IdMapping> gidMappings;
    bool idmapRecursive = false;

    // SetAttr (mount_setattr)
    uint64_t attrSet = 0;
    uint64_t attrClr = 0;
    bool recursive = false;

    // Mkdir, Mknod
    mode_t mode = 0;
    dev_t device = 0;
    uid_t uid = 0;
    gid_t gid = 0;

    // Symlink
    std::string linkTarget;
    bool replace = false;

    // Names the config item for errors: "mounts[3] /data", "linux.devices[0] /dev/fuse".
    std::string what;
};

using Plan = std::vector<Step>;

// Readable one-line form of a step, for errors and test failure messages.
std::string describeStep(const Step& step);

}  // namespace berth::runtime::rootfs
