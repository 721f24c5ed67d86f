// Mounts on the host under a container's directory (its overlay rootfs, and anything a crash
// left stacked there), read from /proc/self/mountinfo.
#pragma once

#include <string>
#include <vector>

namespace berth::engine {

// Mount points at or under dir (absolute, no trailing '/'), deepest first, one entry per mount
// (a path mounted twice appears twice). mountinfo: the text of /proc/self/mountinfo, "" = read it.
std::vector<std::string> mountsUnder(const std::string& dir, const std::string& mountinfo = "");

// Unmounts everything at or under dir (lazily when busy). Returns the mount points unmounted;
// throws SysError naming the one that would not go.
std::vector<std::string> unmountAllUnder(const std::string& dir);

}  // namespace berth::engine
