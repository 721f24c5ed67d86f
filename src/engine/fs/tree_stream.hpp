// File trees as streams of tar entries, for `cp`, `export` and `commit`:
//   source: walkTree (a tree beneath a dir fd, nothing followed); a tar stream is extracted by
//           the store's unpacker instead (store::extractArchive, same LayerWriter as DirSink)
//   sinks:  TarSink (a tar stream to an fd), DirSink (written beneath a dir fd through the
//           store's LayerWriter: no symlink is ever followed, no entry leaves the dir)
// Every path a source emits and a sink receives is relative ("etc/hosts"); ".." never occurs.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "store/unpack/layer_unpacker.hpp"
#include "store/unpack/layer_writer.hpp"

namespace berth::engine::fs {

class EntrySink {
  public:
    virtual ~EntrySink() = default;
    // size: bytes of a regular file's data (0 for other types); data supplies them.
    virtual void put(const store::TarEntry& e, int64_t size, const store::DataFn& data) = 0;
    virtual void finish() {}
};

// A tar (pax where needed, as Go's archive/tar writes for Docker) written to fd.
class TarSink : public EntrySink {
  public:
    explicit TarSink(int fd);
    ~TarSink() override;
    void put(const store::TarEntry& e, int64_t size, const store::DataFn& data) override;
    void finish() override;  // the end-of-archive blocks

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

struct DirSinkOptions {
    bool preserveOwners = true;
    // Every entry owned by this uid:gid (docker cp into a container without -a: its root).
    std::optional<std::pair<uid_t, gid_t>> owner;
};

// Entries written beneath dirFd (".wh." names are plain files here: WhiteoutMode::None).
class DirSink : public EntrySink {
  public:
    DirSink(int dirFd, DirSinkOptions opts);
    void put(const store::TarEntry& e, int64_t size, const store::DataFn& data) override;
    void finish() override;

  private:
    DirSinkOptions opts_;
    store::LayerWriter writer_;
};

struct WalkOptions {
    // commit: an overlay upper dir becomes an OCI layer: a 0:0 char device → ".wh.<name>", an
    // opaque dir → its entry plus "<dir>/.wh..wh..opq" (image-spec layer.md "Whiteouts").
    bool overlayWhiteouts = false;
    // Skips a path (relative to the walk's root, as emitted: "etc/hosts") and what is below it.
    std::function<bool(const std::string& rel)> skip;
};

// Emits parentFd/name as `asName` ("" for the walk root itself: only its children are emitted,
// named "child", "child/x") and, for a directory, everything below it. No symlink is followed:
// every open is O_NOFOLLOW relative to its parent's fd. Hardlinked files become tar hardlinks.
void walkTree(int parentFd, const std::string& name, const std::string& asName, EntrySink& sink,
              const WalkOptions& opts = {});

}  // namespace berth::engine::fs
