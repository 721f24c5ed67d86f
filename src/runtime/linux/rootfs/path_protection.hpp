// linux.maskedPaths and linux.readonlyPaths (config-linux.md), applied after pivot_root inside
// the container's root. Every lookup is fd-relative inside the root and uses the new mount API
// (open_tree/move_mount/fsmount), so nothing depends on the container's /proc.
#pragma once

#include <sys/types.h>

#include <string>

#include "common/fd.hpp"

namespace berth::runtime::rootfs {

enum class MaskAction { ReadOnlyTmpfs, BindDevNull };

// A directory is hidden under an empty read-only tmpfs; anything else (files, devices, and a
// symlink itself — never what it points to) under /dev/null, as runc does.
MaskAction maskActionFor(mode_t fileType);

// Masks `path` inside the root; a path that does not exist is skipped (it hides nothing).
// devNull: the container's checked /dev/null, opened on the first file to mask and kept for
// the next ones (pass the same, initially empty, fd for every path of one root).
void maskPath(int rootFd, const std::string& path, UniqueFd& devNull);

// Makes `path` and every mount below it read-only (a recursive read-only bind of itself);
// a missing path is skipped.
void readonlyPath(int rootFd, const std::string& path);

}  // namespace berth::runtime::rootfs
