// <root>/trash: removed containers' directories, deleted in the background.
//
// `rm` renames a container's directory into the trash (one rename) instead of deleting its files
// in place: on a filesystem mounted with `discard` every unlink that frees blocks waits for a
// synchronous discard (ext4 without a journal: ~13 per container, 4 ms each under load; that was
// most of `rm -f`). One deleter process at a time empties the trash: it holds a flock on the
// trash directory while it works, so a removal starts one only when none is at work, and system
// check leaves the trash alone meanwhile.
#pragma once

#include <string>
#include <vector>

namespace berth::engine::trash {

// Moves dir into trashDir (created if missing) under `name`, then makes sure a deleter empties
// it. A dir that cannot be moved is deleted here. A missing dir is fine.
void discard(const std::string& trashDir, const std::string& dir, const std::string& name);

// What a crash left in trashDir (paths), or nothing while a deleter is at work.
std::vector<std::string> leftovers(const std::string& trashDir);

}  // namespace berth::engine::trash
