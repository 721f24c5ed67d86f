// Writes archive entries beneath a layer root, fd-relative and without following symlinks:
// parents are opened with openat2(RESOLVE_IN_ROOT|RESOLVE_NO_SYMLINKS), the last component
// with O_NOFOLLOW/AT_SYMLINK_NOFOLLOW, and an entry whose parent path meets a symlink is
// rejected. Independent of libarchive: the tar driver (layer_unpacker.cpp) fills TarEntry.
#pragma once

#include <sys/types.h>
#include <time.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "common/fd.hpp"
#include "store/unpack/layer_unpacker.hpp"

namespace berth::store {

struct TarEntry {
    std::string name;  // as in the archive
    mode_t type = 0;   // S_IFREG, S_IFDIR, S_IFLNK, S_IFCHR, S_IFBLK, S_IFIFO
    mode_t perm = 0;   // 07777 bits
    uid_t uid = 0;
    gid_t gid = 0;
    timespec mtime{};
    timespec atime{};  // tv_nsec == UTIME_OMIT when the archive has none
    dev_t rdev = 0;
    std::string linkName;  // symlink target, or hardlink target path when `hardlink`
    bool hardlink = false;
    std::vector<std::pair<std::string, std::string>> xattrs;
};

// Supplies a regular file's data: returns the next block (offset within the file, pointer,
// length; length 0 at the end). Offsets may skip (sparse files).
struct DataBlock {
    int64_t offset = 0;
    const void* data = nullptr;
    size_t size = 0;
};
using DataFn = std::function<DataBlock()>;

class LayerWriter {
  public:
    struct Settings {
        WhiteoutMode whiteouts = WhiteoutMode::Overlay;
        bool preserveOwners = false;
        bool privileged = false;  // root: trusted.* xattrs, device nodes
    };
    LayerWriter(int rootFd, Settings settings);

    // Writes one entry; throws berth::Error (message without the entry name: the caller adds it).
    void write(const TarEntry& entry, const DataFn& data);
    // Applies the directory mtimes deferred until their contents were written.
    void finish();

    uint64_t skippedDevices() const { return skippedDevices_; }
    uint64_t skippedXattrs() const { return skippedXattrs_; }

  private:
    // O_PATH fd of the directory holding comps[0..n-1], creating missing dirs (0755).
    // Shared so a cache flush (after removing a directory) cannot close an fd still in use.
    std::shared_ptr<UniqueFd> parentDir(const std::vector<std::string>& comps, size_t n);
    UniqueFd openDirNoFollow(const std::vector<std::string>& comps, size_t n, bool create);
    // Removes parent/name whatever it is (recursively for a directory, never following links).
    void removeEntry(int parentFd, const std::string& name);
    // WhiteoutMode::Apply opaque dir: removes what earlier layers put under dirFd (relPath).
    void removeChildren(int dirFd, const std::string& relPath);
    void markWritten(const std::vector<std::string>& comps);

    void writeFile(int parentFd, const std::string& name, const TarEntry& e, const DataFn& data);
    void writeDir(int parentFd, const std::string& name, const std::string& rel, const TarEntry& e);
    void writeSymlink(int parentFd, const std::string& name, const TarEntry& e);
    void writeHardlink(int parentFd, const std::string& name, const TarEntry& e);
    void writeSpecial(int parentFd, const std::string& name, const TarEntry& e);
    void writeWhiteout(int parentFd, const std::string& name, const std::string& rel);
    void writeOpaque(const std::vector<std::string>& dirComps);
    // Owner, mode (after chown: chown clears setuid/setgid), xattrs (after chown: it clears
    // security.capability), times, of an entry just created at parentFd/name.
    void applyMetadataAt(int parentFd, const std::string& name, const TarEntry& e, bool symlink);
    void applyXattrs(int fd, const std::string& procPath, const TarEntry& e);

    int rootFd_;
    Settings settings_;
    struct DirFixup {
        std::string path;
        timespec mtime;
        int perm;  // -1: already applied
    };
    std::shared_ptr<UniqueFd> rootShared_;
    std::unordered_map<std::string, std::shared_ptr<UniqueFd>> dirCache_;
    std::vector<DirFixup> dirFixups_;
    std::unordered_set<std::string> written_;  // WhiteoutMode::Apply: paths of this layer
    uint64_t skippedDevices_ = 0;
    uint64_t skippedXattrs_ = 0;
};

}  // namespace berth::store
