// Idmapped bind mounts (config.md "mounts": uidMappings/gidMappings, options idmap/ridmap):
// a detached copy of the source (open_tree) gets MOUNT_ATTR_IDMAP with a user namespace holding
// the mount's mappings, then is moved onto the target (move_mount). Kernel ≥ 5.12 and a
// filesystem that supports idmapping (ext4, xfs, btrfs, tmpfs ≥ 6.3, overlayfs).
#pragma once

#include <string>
#include <vector>

#include "common/fd.hpp"
#include "oci/runtime_spec.hpp"

namespace berth::runtime::rootfs {

// "containerID hostID size\n" lines, as /proc/<pid>/uid_map wants them.
std::string idMapText(const std::vector<oci::IdMapping>& mappings);

// A user namespace whose uid/gid maps are the given mappings (made by a short-lived child;
// the returned fd keeps the namespace alive). The caller needs CAP_SETUID/CAP_SETGID over the
// host IDs named.
UniqueFd makeMappedUserNamespace(const std::vector<oci::IdMapping>& uids,
                                 const std::vector<oci::IdMapping>& gids);

// Clones `source` (recursively with `recursiveTree`), idmaps it (submounts too with
// `recursiveIdmap`) and attaches it on targetFd.
void idmappedBind(const std::string& source, int targetFd, bool recursiveTree, bool recursiveIdmap,
                  int usernsFd);

}  // namespace berth::runtime::rootfs
