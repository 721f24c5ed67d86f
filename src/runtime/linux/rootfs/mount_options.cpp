#include "runtime/linux/rootfs/mount_options.hpp"

#include <linux/mount.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include <string_view>

#include "common/error.hpp"

namespace berth::runtime::rootfs {
namespace {

constexpr unsigned long kAtimeFlags = MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME;

struct FlagOption {
    std::string_view name;
    bool clear;  // the option clears the flag instead of setting it
    unsigned long flag;
};

// The mount(8) option names runc and crun accept (runc libcontainer/specconv mountFlags).
constexpr FlagOption kFlagOptions[] = {
    {"acl", false, MS_POSIXACL},
    {"async", true, MS_SYNCHRONOUS},
    {"atime", true, MS_NOATIME},
    {"bind", false, MS_BIND},
    {"defaults", false, 0},
    {"dev", true, MS_NODEV},
    {"diratime", true, MS_NODIRATIME},
    {"dirsync", false, MS_DIRSYNC},
    {"exec", true, MS_NOEXEC},
    {"iversion", false, MS_I_VERSION},
    {"lazytime", false, MS_LAZYTIME},
    {"loud", true, MS_SILENT},
    {"mand", false, MS_MANDLOCK},
    {"noacl", true, MS_POSIXACL},
    {"noatime", false, MS_NOATIME},
    {"nodev", false, MS_NODEV},
    {"nodiratime", false, MS_NODIRATIME},
    {"noexec", false, MS_NOEXEC},
    {"noiversion", true, MS_I_VERSION},
    {"nolazytime", true, MS_LAZYTIME},
    {"nomand", true, MS_MANDLOCK},
    {"norelatime", true, MS_RELATIME},
    {"nostrictatime", true, MS_STRICTATIME},
    {"nosuid", false, MS_NOSUID},
    {"nosymfollow", false, MS_NOSYMFOLLOW},
    {"rbind", false, MS_BIND | MS_REC},
    {"relatime", false, MS_RELATIME},
    {"remount", false, MS_REMOUNT},
    {"ro", false, MS_RDONLY},
    {"rw", true, MS_RDONLY},
    {"silent", false, MS_SILENT},
    {"strictatime", false, MS_STRICTATIME},
    {"suid", true, MS_NOSUID},
    {"sync", false, MS_SYNCHRONOUS},
};

struct PropagationOption {
    std::string_view name;
    unsigned long flags;
};

constexpr PropagationOption kPropagationOptions[] = {
    {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

struct AttrOption {
    std::string_view name;
    bool clear;
    uint64_t attr;
};

// Recursive variants (runc 1.1+, crun): applied with mount_setattr(2) AT_RECURSIVE.
constexpr AttrOption kRecAttrOptions[] = {
    {"rro", false, MOUNT_ATTR_RDONLY},
    {"rrw", true, MOUNT_ATTR_RDONLY},
    {"rnosuid", false, MOUNT_ATTR_NOSUID},
    {"rsuid", true, MOUNT_ATTR_NOSUID},
    {"rnodev", false, MOUNT_ATTR_NODEV},
    {"rdev", true, MOUNT_ATTR_NODEV},
    {"rnoexec", false, MOUNT_ATTR_NOEXEC},
    {"rexec", true, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", false, MOUNT_ATTR_NODIRATIME},
    {"rdiratime", true, MOUNT_ATTR_NODIRATIME},
    {"rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW},
    {"rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW},
};

// The atime mode is one field (MOUNT_ATTR__ATIME): setting one clears the others.
struct AtimeOption {
    std::string_view name;
    uint64_t attr;  // value inside MOUNT_ATTR__ATIME
};
constexpr AtimeOption kRecAtimeOptions[] = {
    {"rrelatime", MOUNT_ATTR_RELATIME},
    {"rnorelatime", MOUNT_ATTR_STRICTATIME},  // like runc: norelatime = strictatime
    {"rnoatime", MOUNT_ATTR_NOATIME},
    {"ratime", MOUNT_ATTR_RELATIME},  // kernel default
    {"rstrictatime", MOUNT_ATTR_STRICTATIME},
    {"rnostrictatime", MOUNT_ATTR_RELATIME},
};

void appendData(std::string& data, const std::string& opt) {
    if (!data.empty()) data += ',';
    data += opt;
}

}  // namespace

bool MountOptions::isBind() const {
    return flags & MS_BIND;
}
bool MountOptions::isRecursive() const {
    return (flags & MS_BIND) && (flags & MS_REC);
}

unsigned long MountOptions::bindRemountFlags() const {
    return flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
}

MountOptions parseMountOptions(const std::vector<std::string>& options) {
    MountOptions out;
    for (const auto& opt : options) {
        if (opt.empty()) throw Error("empty mount option", EINVAL);
        bool known = false;
        for (const auto& f : kFlagOptions) {
            if (opt != f.name) continue;
            if (f.clear) {
                out.flags &= ~f.flag;
                out.clearFlags |= f.flag;
            } else {
                // One atime mode at a time, as mount(8): the last one given wins.
                if (f.flag & kAtimeFlags & ~MS_NODIRATIME)
                    out.flags &= ~(kAtimeFlags & ~MS_NODIRATIME);
                out.flags |= f.flag;
                out.clearFlags &= ~f.flag;
            }
            known = true;
            break;
        }
        if (known) continue;
        for (const auto& p : kPropagationOptions) {
            if (opt != p.name) continue;
            out.propagation.push_back(p.flags);
            known = true;
            break;
        }
        if (known) continue;
        for (const auto& a : kRecAttrOptions) {
            if (opt != a.name) continue;
            (a.clear ? out.recAttrClr : out.recAttrSet) |= a.attr;
            (a.clear ? out.recAttrSet : out.recAttrClr) &= ~a.attr;
            known = true;
            break;
        }
        if (known) continue;
        for (const auto& a : kRecAtimeOptions) {
            if (opt != a.name) continue;
            out.recAttrClr |= MOUNT_ATTR__ATIME;
            out.recAttrSet = (out.recAttrSet & ~MOUNT_ATTR__ATIME) | a.attr;
            known = true;
            break;
        }
        if (known) continue;
        if (opt == "idmap" || opt == "ridmap") {
            out.idmap = true;
            out.idmapRecursive = opt == "ridmap";
            continue;
        }
        // runc's own extension: copy the image's content into a tmpfs; not implemented, and
        // not filesystem data either, so it must not reach the kernel.
        if (opt == "tmpcopyup") continue;
        appendData(out.data, opt);
    }
    return out;
}

unsigned long parsePropagation(const std::string& value) {
    if (value.empty()) return 0;
    for (const auto& p : kPropagationOptions)
        if (value == p.name) return p.flags;
    throw Error("unknown propagation \"" + value +
                    "\" (want shared, slave, private, unbindable or their r* forms)",
                EINVAL);
}

unsigned long mountFlagsFromStatvfs(unsigned long st) {
    unsigned long f = 0;
    if (st & ST_RDONLY) f |= MS_RDONLY;
    if (st & ST_NOSUID) f |= MS_NOSUID;
    if (st & ST_NODEV) f |= MS_NODEV;
    if (st & ST_NOEXEC) f |= MS_NOEXEC;
    if (st & ST_SYNCHRONOUS) f |= MS_SYNCHRONOUS;
    if (st & ST_MANDLOCK) f |= MS_MANDLOCK;
    if (st & ST_NOATIME) f |= MS_NOATIME;
    if (st & ST_NODIRATIME) f |= MS_NODIRATIME;
    if (st & ST_RELATIME) f |= MS_RELATIME;
#ifdef ST_NOSYMFOLLOW
    if (st & ST_NOSYMFOLLOW) f |= MS_NOSYMFOLLOW;
#endif
    return f;
}

unsigned long lockedFlagsToKeep(unsigned long sourceFlags, const MountOptions& opts) {
    unsigned long keep = sourceFlags & (MS_NOSUID | MS_NODEV | MS_NOEXEC) & ~opts.clearFlags;
    // The atime mode is locked as a whole: keep the source's unless the options chose one.
    bool atimeChosen = (opts.flags | opts.clearFlags) & kAtimeFlags;
    if (!atimeChosen) keep |= sourceFlags & kAtimeFlags;
    return keep;
}

}  // namespace berth::runtime::rootfs
