// Layer unpack: a layer blob (plain, gzip or zstd tar) streamed into a layer directory.
//
// Contract with the callers (image load/pull, snapshot drivers):
// - unpackLayer() never leaves a half-written layer. It unpacks into a fresh temp dir next to
//   the target ("<layerDir>.unpack-<random>"), and renames it onto `layerDir` only after the
//   whole archive was read, written and (if given) its diff_id checked. On any failure the temp
//   dir is removed, `layerDir` is not created, and a berth::Error is thrown whose message names
//   the layer and the entry:  layer sha256:ab..: entry "../x": path escapes the layer
// - `layerDir` must not exist (EEXIST otherwise); its parent must. A crash mid-unpack leaves only
//   "*.unpack-*" siblings, which removeStaleUnpackDirs() deletes at the next start.
// - No archive entry can create or write anything outside the layer dir: every path is resolved
//   beneath the layer's dir fd with openat2(RESOLVE_IN_ROOT|RESOLVE_NO_SYMLINKS) and the last
//   component is never followed (O_NOFOLLOW / AT_SYMLINK_NOFOLLOW). Entries with "..", absolute
//   paths, or whose parent is a symlink (made earlier in the same tar or not) are rejected, as
//   are hardlinks whose target is outside or not a regular entry of this layer.
// - Thread-safe: concurrent calls (different layerDirs) share no state; call one per layer from
//   several threads to unpack an image's layers in parallel. Each call may itself use a second
//   thread for decompression (UnpackOptions::pipeline).
// - The blob is read sequentially from the fd's current offset to EOF (a pipe works).
//
// Whiteouts (OCI image-spec layer.md "Whiteouts"):
// - WhiteoutMode::Overlay (default; layer dirs used as overlayfs lowerdirs): ".wh.<name>" becomes
//   a char device 0:0 named <name> (an existing entry of that name is removed first);
//   ".wh..wh..opq" sets xattr trusted.overlay.opaque="y" on its directory. Needs root (trusted.*
//   xattrs); as non-root "user.overlay.opaque" is used instead (overlayfs "userxattr" form).
// - WhiteoutMode::Apply (copying fallback driver: each layer applied onto the same rootfs dir,
//   see applyLayer()): ".wh.<name>" deletes <name>; ".wh..wh..opq" empties the directory of what
//   earlier layers put there (entries of this layer are kept).
// - WhiteoutMode::None (extractArchive(), `cp` into a container): ".wh." names are plain files.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>

namespace berth::store {

enum class Compression { None, Gzip, Zstd };

// From the first bytes of a blob (4 are enough): gzip 1f 8b, zstd 28 b5 2f fd, else None
// (a tar, or garbage that the tar reader will reject).
Compression detectCompression(const unsigned char* head, size_t len);
const char* compressionName(Compression c);

// None: ".wh." names are ordinary files (`cp` into a container, as Docker's plain Untar).
enum class WhiteoutMode { Overlay, Apply, None };

struct UnpackOptions {
    // Names the layer in errors and logs, e.g. the blob digest "sha256:<hex>".
    std::string layerName;
    WhiteoutMode whiteouts = WhiteoutMode::Overlay;
    // chown entries to their uid:gid (needs CAP_CHOWN). Default: when running as root.
    // When false, files are owned by the caller and setuid/setgid bits are still applied.
    std::optional<bool> preserveOwners;
    // Every entry owned by this uid:gid instead (docker cp into a container without -a: its root).
    std::optional<std::pair<uid_t, gid_t>> owner;
    // bzip2 and xz accepted too (a tar a user gave, as Docker's Untar does); the diff_id is then
    // of the stream as given.
    bool anyCompression = false;
    // If set ("sha256:<hex>"), the uncompressed stream must hash to it, or the unpack fails
    // (and nothing is left).
    std::optional<std::string> expectedDiffId;
    // Decompress on a second thread, overlapping with the writes (2 cores per layer).
    bool pipeline = true;
    // Read/decompress chunk size.
    size_t bufferSize = size_t{1} << 20;
};

struct UnpackResult {
    std::string diffId;           // "sha256:<hex>" of the uncompressed tar stream
    uint64_t size = 0;            // bytes of the uncompressed tar stream
    uint64_t compressedSize = 0;  // bytes read from the blob
    Compression compression = Compression::None;
    uint64_t entries = 0;  // tar entries processed
    uint64_t fileBytes = 0;  // data of the regular files (hardlinks not counted): docker cp's count
};

// Reads up to len bytes into buf; returns 0 at end of stream; throws on error.
using ReadFn = std::function<size_t(void* buf, size_t len)>;
// A ReadFn over an fd (read errors say "read <what>").
ReadFn fdReader(int fd, const std::string& what);

// Unpacks the blob at blobFd into layerDir (created; see the contract above).
UnpackResult unpackLayer(int blobFd, const std::string& layerDir, const UnpackOptions& opts);
// The same from any byte source (e.g. a member of an outer archive being read).
UnpackResult unpackLayer(const ReadFn& read, const std::string& layerDir,
                         const UnpackOptions& opts);

// Applies a layer onto an existing directory in place (no temp dir, no atomicity): for the
// copying snapshot driver, with opts.whiteouts normally WhiteoutMode::Apply. Same path safety.
UnpackResult applyLayer(const ReadFn& read, int rootDirFd, const UnpackOptions& opts);
// A tar a user gave extracted in place beneath dirFd (docker cp from stdin into a container, with
// opts.whiteouts normally WhiteoutMode::None): applyLayer's driver and path safety; errors name
// the entry, not a layer.
UnpackResult extractArchive(const ReadFn& read, int dirFd, const UnpackOptions& opts);

// Removes "*.unpack-*" temp dirs that a crashed unpack left in `parentDir`. Returns how many.
int removeStaleUnpackDirs(const std::string& parentDir);

}  // namespace berth::store
