// linux.maskedPaths and linux.readonlyPaths (config-linux.md), applied after pivot_root inside
// the container's root. Every lookup is fd-relative inside the root and uses the new mount API
// (open_tree/move_mount/fsmount), so nothing depends on the container's /proc.
#pragma once

#include <sys/types.h>

#include <string>

namespace berth::runtime::rootfs {

enum class MaskAction { ReadOnlyTmpfs, BindDevNull };

// A directory is hidden under an empty read-only tmpfs; anything else (files, devices, and a
// symlink itself — never what it points to) under /dev/null, as runc does.
MaskAction maskActionFor(mode_t fileType);

// Masks `path` inside the root; a path that does not exist is skipped (it hides nothing).
void maskPath(int rootFd, const std::string& path);

// Makes `path` and every mount below it read-only (a recursive read-only bind of itself);
// a missing path is skipped.
void readonlyPath(int rootFd, const std::string& path);

}  // namespace berth::runtime::rootfs
