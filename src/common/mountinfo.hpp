#pragma once
// /proc/<pid>/mountinfo (proc(5)), parsed as a plain function over its text so the decisions
// built on it are unit-testable: the runtime's rootfs and cgroup code and the engine's unmounting
// all read the mount table through it.

#include <string>
#include <string_view>
#include <vector>

namespace berth {

struct MountInfoEntry {
    int id = 0;
    int parentId = 0;
    std::string root;            // path of the mount's root inside its filesystem (unescaped)
    std::string mountPoint;      // unescaped
    std::string options;         // per-mount options: "rw,nosuid,relatime"
    std::string optionalFields;  // "shared:1 master:2"
    std::string fstype;
    std::string source;          // unescaped
    std::string superOptions;    // "rw,cpu,cpuacct"

    bool isShared() const;
};

// One entry per well-formed line, in the table's order (a later mount on the same point hides
// the earlier ones).
std::vector<MountInfoEntry> parseMountInfo(std::string_view text);

// A field with mountinfo's escapes undone: the kernel writes space, tab, newline and backslash
// as \ooo (fs/proc_namespace.c, mangle()).
std::string unescapeMountInfoField(std::string_view field);

// The entry whose mount point is the longest prefix of path (the mount that holds path).
// Returns nullptr when none matches (never for an absolute path on a sane table).
const MountInfoEntry* findMountHolding(const std::vector<MountInfoEntry>& mounts,
                                       const std::string& path);

}  // namespace berth
