// <root>/trash: removed containers' directories, deleted in the background.
//
// `rm` renames a container's directory into the trash (one rename) instead of deleting its files
// in place: on a filesystem mounted with `discard` every unlink that frees blocks waits for a
// synchronous discard (ext4 without a journal: ~13 per container, 4 ms each under load; that was
// most of `rm -f`). One deleter process at a time empties the trash: it holds a flock on the
// trash directory while it works, so a removal starts one only when none is at work, and system
// check leaves the trash alone meanwhile.
//
// The deleter is berth-trash (src/tools), a small static binary spawned with posix_spawn: the
// remover's page tables are not copied and it waits for nothing but the exec (a fork of the
// whole CLI, then waiting for its child to fork again, cost the CLI ~1.5 ms after each removal).
// This library is its own (berth_engine_trash): berth-trash links only the deleter's objects.
#pragma once

#include <string>
#include <vector>

namespace berth::engine::trash {

// Moves dir into trashDir (created if missing) under `name`, then makes sure a deleter empties
// it: deleterPath (berth-trash) is started unless one is at work; if it cannot be started the
// trash is emptied here. A dir that cannot be moved is deleted here. A missing dir is fine.
void discard(const std::string& trashDir, const std::string& dir, const std::string& name,
             const std::string& deleterPath);

// What a crash left in trashDir (paths), or nothing while a deleter is at work.
std::vector<std::string> leftovers(const std::string& trashDir);

// Deletes everything in trashDir, a few entries at a time (discards proceed in parallel on the
// device; one after another they were the cost). What cannot be deleted stays.
void empty(const std::string& trashDir);

// berth-trash's main: `berth-trash TRASHDIR` with descriptor kLockFd open on TRASHDIR and
// flocked (by the remover that started it). Empties it at a low CPU and I/O priority, then
// unlocks; returns the exit status.
constexpr int kLockFd = 3;
int runDeleter(int argc, char** argv);

}  // namespace berth::engine::trash
