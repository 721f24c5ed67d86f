// Path resolution that can never leave a root directory (CVE-2021-30465 and friends).
// Every lookup inside an untrusted tree (a container rootfs, a layer dir) goes through these:
// openat2(RESOLVE_IN_ROOT) treats the root fd as "/", so "..", absolute symlinks and
// relative symlinks all stay inside; RESOLVE_NO_MAGICLINKS refuses /proc/self/fd tricks.
#pragma once

#include <string>
#include <string_view>

#include "common/fd.hpp"

namespace berth {

// Opens `path` (absolute or relative; interpreted inside the root) beneath rootfd.
// flags as for open(2); O_CLOEXEC is always added. Throws SysError naming the path.
UniqueFd openInRoot(int rootfd, const std::string& path, int flags, unsigned mode = 0);

// Like openInRoot but returns an invalid fd (and sets errno) instead of throwing.
UniqueFd tryOpenInRoot(int rootfd, const std::string& path, int flags, unsigned mode = 0);

// Like tryOpenInRoot, but no symlink is followed anywhere on the path, not even one staying
// inside the root (fails with ELOOP): for writing untrusted archives, where a symlink planted
// by an earlier entry must not redirect a later one.
UniqueFd tryOpenInRootNoSymlinks(int rootfd, const std::string& path, int flags, unsigned mode = 0);

// Creates every missing directory of `path` inside the root (mkdir -p, resolved in root) and
// returns an O_PATH|O_DIRECTORY fd on the last one. Symlinks met on the way are followed
// only within the root.
UniqueFd mkdirAllInRoot(int rootfd, const std::string& path, unsigned mode = 0755);

// "/proc/self/fd/N": a path for syscalls that take no fd (mount(2)); the fd pins the inode.
std::string fdPath(int fd);

// Splits "a/b/c" into directory part and base name ("a/b", "c"); leading/trailing '/' ignored.
std::pair<std::string, std::string> splitParent(const std::string& path);

// Lexically cleans a path: collapses "//", removes ".", resolves ".." without going above "/".
std::string cleanPath(const std::string& path);

// Lexically, whether path is dir or below it: "/a/b" and "/a" are within "/a", "/ab" is not;
// every absolute path is within "/". Neither path is cleaned first.
bool isPathWithin(std::string_view path, std::string_view dir);

}  // namespace berth
