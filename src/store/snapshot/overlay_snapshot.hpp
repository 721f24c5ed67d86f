// A container rootfs as an overlay of image layers: lowerdirs (read-only, topmost first) plus a
// writable upper and its work dir (Documentation/filesystems/overlayfs.rst).
//
// Mounted with the new mount API, one "lowerdir+" per layer (Linux 6.8+), so the length of the
// layer list is not bounded by the 4 KiB legacy mount data (images with > 50 layers still
// mount); older kernels fall back to mount(2) with a "lowerdir=a:b:c" string while it fits.
#pragma once

#include <string>
#include <vector>

namespace berth::store {

struct OverlayLayout {
    std::vector<std::string> lowerDirs;  // topmost first (overlayfs order)
    std::string upperDir;                // empty: a read-only overlay of the lowers
    std::string workDir;                 // required with upperDir; same filesystem as upper
    std::string mergedDir;               // the mount point (created if missing)
    // "volatile" (Linux 5.10+): overlay never syncs the upper fs, not even on unmount (which
    // otherwise syncs the whole filesystem holding the upper dir: 3-100 ms on a busy host).
    // After a crash the upper is unusable (work/work/incompat/volatile stays; the kernel refuses
    // to mount it again): only for uppers that are thrown away anyway (`run --rm`).
    bool volatileUpper = false;
};

// The mount options in overlayfs syntax, for display and for the legacy mount(2) path.
// Throws if a path holds a character the legacy syntax cannot carry (',' ':' '\n').
std::string legacyOverlayOptions(const OverlayLayout& layout);

class OverlaySnapshot {
  public:
    // Creates upper/work/merged when missing and mounts the overlay at mergedDir.
    static OverlaySnapshot mount(const OverlayLayout& layout);

    OverlaySnapshot() = default;
    OverlaySnapshot(OverlaySnapshot&& other) noexcept;
    OverlaySnapshot& operator=(OverlaySnapshot&& other) noexcept;
    OverlaySnapshot(const OverlaySnapshot&) = delete;
    OverlaySnapshot& operator=(const OverlaySnapshot&) = delete;
    ~OverlaySnapshot();  // unmounts if still mounted (errors logged)

    const OverlayLayout& layout() const { return layout_; }
    bool mounted() const { return mounted_; }
    // Unmounts (lazily if busy). Idempotent.
    void unmount();
    // Unmounts and deletes upper, work and merged dirs (the lowers are the store's).
    void remove();
    // Stops managing the mount without unmounting it (e.g. a container keeps running).
    void release() { mounted_ = false; }

  private:
    OverlayLayout layout_;
    bool mounted_ = false;
};

// Whether overlayfs with an upper dir can be mounted on the filesystem holding `dir`: mounts a
// tiny overlay in a temp dir under it and removes it again. Needs CAP_SYS_ADMIN.
bool overlaySupported(const std::string& dir);

// Unmounts a mount point left by a crash (EINVAL/ENOENT = not mounted: fine).
void unmountOverlay(const std::string& mergedDir);

}  // namespace berth::store
