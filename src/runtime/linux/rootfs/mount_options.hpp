// Parsing of config.json mount options (config.md "mounts", runc/crun option names) into the
// mount(2) flags, propagation, mount_setattr(2) attributes and filesystem data they stand for.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace berth::runtime::rootfs {

struct MountOptions {
    unsigned long flags = 0;                 // MS_* to set (ro, nosuid, bind, ...)
    unsigned long clearFlags = 0;            // MS_* explicitly cleared (rw, suid, dev, exec, ...)
    std::vector<unsigned long> propagation;  // MS_PRIVATE|MS_REC, ... in option order
    // Recursive attributes ("rro", "rnosuid", ...) applied with mount_setattr(AT_RECURSIVE).
    uint64_t recAttrSet = 0;
    uint64_t recAttrClr = 0;
    std::string data;             // options the kernel flags don't know: "size=64m,mode=755"
    bool idmap = false;           // "idmap" or "ridmap": an idmapped bind mount
    bool idmapRecursive = false;  // "ridmap": submounts are idmapped too

    bool isBind() const;       // "bind" or "rbind"
    bool isRecursive() const;  // "rbind"
    // Flags that need a remount after a bind (a bind mount ignores them): ro, nosuid, ...
    unsigned long bindRemountFlags() const;
};

// Parses options in order; later options win over earlier ones ("ro,rw" is rw).
// Unknown options pass through to the filesystem as data. Throws berth::Error for an option
// that is malformed (e.g. empty).
MountOptions parseMountOptions(const std::vector<std::string>& options);

// "private", "rshared", ... → MS_* propagation flags; 0 for "". Throws berth::Error naming the
// value for anything else (used for linux.rootfsPropagation).
unsigned long parsePropagation(const std::string& value);

// The MS_* flags a statvfs(3) f_flag implies (ST_RDONLY → MS_RDONLY, ...), for remounts that must
// keep the flags the kernel locks in a user namespace.
unsigned long mountFlagsFromStatvfs(unsigned long stFlags);

// Flags of an existing mount a bind remount must carry over unless the options cleared them:
// nosuid/nodev/noexec and the atime mode (locked when the mount came from a more privileged
// user namespace; dropping them makes the remount fail with EPERM).
unsigned long lockedFlagsToKeep(unsigned long sourceFlags, const MountOptions& opts);

}  // namespace berth::runtime::rootfs
