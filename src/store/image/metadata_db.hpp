// Image metadata in SQLite (berth.db through store/db/sqlite_db: WAL, busy_timeout, one connection
// per process shared with the container records and the events journal): images, their layers,
// references, and the layers table keyed by chain ID with a reference count (how many images use
// the layer). Several processes may open one database: writers take BEGIN IMMEDIATE and wait up
// to busy_timeout; each store operation is one transaction (transaction()).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/db/sqlite_db.hpp"
#include "store/digest.hpp"

namespace berth::store {

struct ImageLayerRecord {
    Digest chainId;
    Digest diffId;
    Digest blob;            // the layer blob as stored (may be compressed)
    std::string mediaType;  // of the blob
    uint64_t blobSize = 0;
    uint64_t diffSize = 0;  // bytes of the uncompressed tar
    uint64_t size = 0;      // unpacked size (Docker's DiffSize)
};

struct ImageRecord {
    Digest id;
    std::string manifest;  // digest of the stored manifest blob, "" if none
    int64_t created = 0;
    std::string createdAt;
    uint64_t size = 0;
    std::string parent;
    std::string lastTagTime;
    std::vector<ImageLayerRecord> layers;  // bottom first
};

struct RefRecord {
    std::string name;  // normalised: docker.io/library/busybox:latest or ...@sha256:..
    Digest imageId;
    bool isDigest = false;
};

class MetadataDb {
  public:
    // This process's shared connection to path (db::SqliteDb::shared), tables created if missing.
    explicit MetadataDb(const std::string& path);
    explicit MetadataDb(std::shared_ptr<db::SqliteDb> conn);
    ~MetadataDb();
    MetadataDb(const MetadataDb&) = delete;
    MetadataDb& operator=(const MetadataDb&) = delete;

    // Runs fn in one write transaction (BEGIN IMMEDIATE ... COMMIT; ROLLBACK on throw).
    void transaction(const std::function<void()>& fn);
    // A read transaction (consistent snapshot across several queries).
    void read(const std::function<void()>& fn) const;

    bool hasImage(const Digest& id) const;
    // Inserts the image with its layers; bumps each layer's ref count. No-op if present.
    // Returns true if inserted.
    bool insertImage(const ImageRecord& img);
    std::optional<ImageRecord> image(const Digest& id) const;
    std::vector<ImageRecord> images() const;
    // IDs whose hex starts with prefix.
    std::vector<Digest> idsWithPrefix(const std::string& hexPrefix) const;
    // Deletes the image and its refs; drops layer ref counts; returns the chain IDs whose
    // count reached zero (their rows are deleted too).
    std::vector<Digest> deleteImage(const Digest& id);

    // Points name at id; returns the image it pointed at before (if another).
    std::optional<Digest> setRef(const RefRecord& ref);
    bool removeRef(const std::string& name);
    std::optional<RefRecord> ref(const std::string& name) const;
    std::vector<RefRecord> refsOf(const Digest& id) const;
    std::vector<RefRecord> refs() const;
    void setLastTagTime(const Digest& id, const std::string& t);

    // Layers known to the DB (any ref count) and their unpacked sizes.
    bool hasLayer(const Digest& chainId) const;
    // {unpacked size, uncompressed tar size} of a layer the DB knows.
    std::optional<std::pair<uint64_t, uint64_t>> layerSizes(const Digest& chainId) const;
    int layerRefCount(const Digest& chainId) const;
    std::vector<Digest> layerChainIds() const;
    std::vector<Digest> referencedBlobs() const;

    const std::shared_ptr<db::SqliteDb>& connection() const { return conn_; }

  private:
    std::shared_ptr<db::SqliteDb> conn_;
};

}  // namespace berth::store
