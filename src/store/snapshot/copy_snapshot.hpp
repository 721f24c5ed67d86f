// The copying snapshot driver, for where overlayfs is unavailable (e.g. a filesystem without
// trusted.* xattrs or d_type, or no CAP_SYS_ADMIN): a container rootfs is a full copy of its
// image's layers, applied bottom to top with the whiteouts applied (deletions done, opaque
// dirs emptied of lower content), so it shows the same tree as the overlay would.
#pragma once

#include <string>
#include <vector>

namespace berth::store {

class CopySnapshot {
  public:
    // Builds rootDir (must not exist; its parent must) from layer dirs in overlay form
    // (layer_unpacker.hpp, WhiteoutMode::Overlay), topmost first like overlay lowerdirs.
    // Like unpackLayer: built in "<rootDir>.copy-XXXXXX" and renamed into place on success;
    // nothing is left on failure. Every write goes through the unpacker's no-follow writer,
    // so a symlink in a lower layer can never redirect a copy out of the rootfs.
    static void create(const std::vector<std::string>& lowerDirsTopFirst,
                       const std::string& rootDir);
    static void remove(const std::string& rootDir);
};

}  // namespace berth::store
