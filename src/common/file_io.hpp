// Whole-file reads and crash-safe writes.
#pragma once

#include <string>
#include <string_view>

namespace berth {

// Reads a whole file; throws SysError naming the path.
std::string readFile(const std::string& path);
// Reads a file relative to a directory fd (dirfd may be AT_FDCWD).
std::string readFileAt(int dirfd, const std::string& path);

// Writes a whole file (create/truncate) without the crash-safety dance: for /proc and cgroup files.
void writeFile(const std::string& path, std::string_view data);

// Crash-safe replace: write "<path>.tmp-<pid>", fsync, rename over path, fsync the directory.
// A reader sees the old content or the new, never a mix.
void writeFileAtomic(const std::string& path, std::string_view data, unsigned mode = 0644);

// Atomic replace without fsync (temp + rename): a reader sees the old content or the new, but
// a crash may lose the write. For runtime state under /run that dies with the machine anyway
// (berth-runtime's state.json, cgroup.json, pid files): fsync there is pure start-path cost.
void writeFileReplace(const std::string& path, std::string_view data, unsigned mode = 0644);

// mkdir -p; existing directories are fine.
void mkdirAll(const std::string& path, unsigned mode = 0755);

// rm -rf that never crosses a mount point and never follows symlinks.
void removeAll(const std::string& path);

bool pathExists(const std::string& path);

}  // namespace berth
