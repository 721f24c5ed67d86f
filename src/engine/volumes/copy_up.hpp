// Docker's copy-up: the first time an empty volume is mounted over a path the image has, the
// image's content there is copied into the volume (moby container.CopyImagePathContent +
// copyExistingContents), keeping owners, modes, timestamps, xattrs, symlinks, hard links and
// device nodes. The directory's own owner and mode are copied even when it is empty.
#pragma once

#include <string>

namespace berth::engine {

// Copies the image path `pathInRoot` (resolved inside the rootfs dir fd, symlinks cannot leave
// it: openat2 RESOLVE_IN_ROOT) into `destDir` when destDir is empty. Nothing happens when the
// path does not exist in the image or is not a directory. Returns whether it copied. Throws
// Error naming the file that failed.
// pendingMarker (if not ""): a file that exists while the copy runs (made once a copy is due,
// removed when it is complete), so a copy killed midway is found by `system check`, which
// empties the volume again (engine/check/volume_leftovers.hpp).
bool copyUpImagePath(int rootfsFd, const std::string& pathInRoot, const std::string& destDir,
                     const std::string& pendingMarker = "");

// The marker's name in a volume's directory (beside _data).
inline constexpr const char* kCopyUpPendingFile = "copy-up.pending";

}  // namespace berth::engine
