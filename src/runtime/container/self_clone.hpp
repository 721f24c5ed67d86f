// CVE-2019-5736: a container must never reach a writable runtime binary on the host through
// /proc/<init>/exe (a "#!/proc/self/exe" entrypoint makes the init re-execute it; a process
// in the container then reopens it for writing once it exits). Before forking the init, the
// verbs that start container processes re-execute the runtime so that /proc/self/exe names a
// file nobody can write through:
//  - fast path (root, Linux >= 5.12): a private, detached, read-only bind mount of the binary
//    (open_tree OPEN_TREE_CLONE + mount_setattr MOUNT_ATTR_RDONLY). Nothing is copied, the
//    page cache is shared with the host binary, and the mount is in no namespace: nobody can
//    remount it read-write, and it vanishes with its last user. Writes through it fail EROFS.
//  - fallback (no CAP_SYS_ADMIN, old kernel): a sealed memfd copy of the binary (runc's way).
#pragma once

namespace berth::runtime {

// Re-executes the current binary from a protected image with the same argv and environment,
// unless already running from one. Returns only when already protected; throws SysError when
// neither protection can be set up.
void ensureProtectedSelf(char** argv);

}  // namespace berth::runtime
