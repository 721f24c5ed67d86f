// The image store: the one API the CLI, the engine and the API server use for images.
//
// On disk, under the state root (ARCHITECTURE.md "State on disk"):
//   blobs/sha256/<hex>   configs, manifests, layer blobs (as loaded: plain, gzip or zstd tars)
//   layers/<chain-id>/   unpacked layer dirs in overlay form (lowerdirs), shared by images
//   berth.db             SQLite (WAL): images, references, layers (by chain ID), ref counts
//   store.lock           flock: loads/imports hold it shared, gc/cleanup exclusive
//   tmp/                 scratch (decompressed outer archives, save staging)
// The image ID is the digest of the image config (as in Docker). References are kept in Docker's
// normalised form ("docker.io/library/busybox:latest"); the rows returned here carry the familiar
// form Docker prints ("busybox:latest").
//
// Every operation is one SQLite transaction; several processes may use one root at once.
// A crash (kill -9) at any point leaves a store that lists fine: blobs and layer dirs become
// visible only complete (temp + fsync + rename), and the next open removes temp leftovers.
//
// Errors are berth::Error with a message naming what was wrong; an unknown image throws
// ImageNotFound ("No such image: foo:latest").
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "store/digest.hpp"

namespace berth::store {

class ImageNotFound : public Error {
  public:
    // No errno suffix: the message is exactly Docker's.
    explicit ImageNotFound(const std::string& what) : Error("No such image: " + what) {}
};

// A reference to an image already tagged to another ID, or an image in use, and similar refusals.
class ImageConflict : public Error {
  public:
    explicit ImageConflict(const std::string& msg) : Error(msg) {}
};

enum class ArchiveFormat {
    Docker,  // docker-archive: manifest.json + repositories (+ OCI layout inside, as Docker 25+)
    Oci,     // oci-archive: a tar of an OCI image layout (oci-layout, index.json, blobs/)
};

struct LoadedImage {
    Digest id;                      // config digest
    std::vector<std::string> refs;  // familiar refs tagged by this load ("busybox:latest")
};

struct LoadResult {
    std::vector<LoadedImage> images;
    // What `docker load` prints: "Loaded image: busybox:latest" for each ref, or
    // "Loaded image ID: sha256:<hex>" for an image without refs.
    std::vector<std::string> messages;
};

struct LoadOptions {
    // Progress/log lines (e.g. "Loading layer sha256:ab..  3/4"); may be empty.
    std::function<void(const std::string&)> progress;
};

struct ImportOptions {
    std::string ref;                   // "" → untagged image
    std::vector<std::string> changes;  // Dockerfile lines: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL,
                                       // USER, VOLUME, WORKDIR, ONBUILD, STOPSIGNAL
    std::string message;               // history comment
    std::string platform;              // "" → linux/amd64 ("os/arch[/variant]")
};

// `docker commit`: a container's changes as one more layer on top of its image.
struct CommitOptions {
    std::string parent;     // the image the container was made from ("sha256:<hex>")
    nlohmann::json config;  // the new image config document; its rootfs.diff_ids must be the
                            // parent's: the store appends the new layer's diff_id
    std::string ref;        // "" → untagged
};

// One row of `docker images`.
struct ImageSummary {
    Digest id;
    std::string parentId;                  // "" for loaded images (Docker: empty too)
    std::vector<std::string> repoTags;     // familiar: "busybox:latest"
    std::vector<std::string> repoDigests;  // familiar: "busybox@sha256:..."
    int64_t created = 0;                   // unix seconds, from the config's "created"
    std::string createdAt;                 // RFC 3339 as in the config ("" if none)
    uint64_t size = 0;                     // bytes of the unpacked layers (Docker's Size)
    std::map<std::string, std::string> labels;
    int containers = -1;  // -1: not computed (the engine fills it in)
    bool dangling() const { return repoTags.empty() && repoDigests.empty(); }
};

// One row of `docker history`, newest first.
struct HistoryRow {
    std::string id;  // the image ID on the top row, "<missing>" below (as Docker for loaded images)
    int64_t created = 0;  // unix seconds
    std::string createdAt;
    std::string createdBy;
    uint64_t size = 0;  // the layer's unpacked size; 0 for empty_layer rows
    std::string comment;
    std::vector<std::string> tags;  // on the top row
    bool emptyLayer = false;
};

// Lines of `docker rmi` / `docker image prune`, in order.
struct RemoveLine {
    enum Kind { Untagged, Deleted } kind;
    std::string value;  // "busybox:latest", "busybox@sha256:..", or "sha256:<id>"
    std::string str() const { return (kind == Untagged ? "Untagged: " : "Deleted: ") + value; }
};

// Which containers use an image: returns their IDs (empty: unused). Given by the engine; the
// store itself knows nothing about containers.
using InUseFn = std::function<std::vector<std::string>(const Digest& imageId)>;

struct PruneResult {
    std::vector<RemoveLine> lines;
    uint64_t spaceReclaimed = 0;  // bytes
};

struct GcResult {
    size_t blobsRemoved = 0;
    size_t layersRemoved = 0;
    size_t tempRemoved = 0;
    uint64_t bytesFreed = 0;
};

// `docker system df`, images part.
struct DiskUsage {
    size_t images = 0;
    size_t active = 0;          // images some container uses (per InUseFn)
    uint64_t size = 0;          // bytes of all layers (shared layers counted once)
    uint64_t reclaimable = 0;   // bytes only unused images hold
    uint64_t blobBytes = 0;     // bytes under blobs/ (compressed layers, configs, manifests)
    std::vector<ImageSummary> rows;  // `system df -v`; `containers` filled from InUseFn
};

// What the engine needs to build a container from an image.
struct ImageLayers {
    Digest id;
    std::vector<Digest> diffIds;        // bottom first
    std::vector<Digest> chainIds;       // bottom first
    std::vector<std::string> dirs;      // layers/<chain-id>, TOPMOST FIRST (overlay lowerdir order)
};

class ImageStore {
  public:
    // Opens (creating if needed) the store under root (e.g. /var/lib/berth). Cleans what a
    // crashed process left (temp blobs, half unpacked layers, scratch) when no other process is
    // loading. Throws berth::Error naming the root on failure.
    static ImageStore open(const std::string& root);

    ImageStore(ImageStore&&) noexcept;
    ImageStore& operator=(ImageStore&&) noexcept;
    ~ImageStore();

    const std::string& root() const;

    // ---- lookup
    // A reference ("busybox", "busybox:1", "x@sha256:..") or an ID / unique ID prefix
    // ("sha256:69f3..", "69f3"). Throws ImageNotFound; an ambiguous prefix throws Error.
    Digest resolve(std::string_view refOrId) const;
    std::optional<Digest> tryResolve(std::string_view refOrId) const;

    // ---- load / save / import
    // Loads every image of a docker-archive tar, an OCI layout dir or an oci-archive tar (the
    // format is detected; a gzip/zstd-compressed tar is accepted). Layers are unpacked in
    // parallel into layers/<chain-id>/ (skipped when that layer is already there); each layer's
    // diff_id is verified against the config. Refs in the archive are tagged (moved from any
    // previous image, as Docker does).
    LoadResult load(const std::string& path, const LoadOptions& opts = {});
    // The same from a stream (e.g. stdin); copied to scratch first when not seekable.
    LoadResult load(int fd, const LoadOptions& opts = {});

    // Writes the images named by refs (refs or IDs) to outPath as one archive (temp + rename).
    // Docker: layers as uncompressed tars; `docker load` accepts it and keeps the image IDs.
    // Oci: blobs as stored, OCI media types, index.json annotated with the refs.
    void save(const std::vector<std::string>& refs, const std::string& outPath,
              ArchiveFormat format = ArchiveFormat::Docker);
    void save(const std::vector<std::string>& refs, int outFd,
              ArchiveFormat format = ArchiveFormat::Docker);

    // `docker import`: a rootfs tarball (plain/gzip/zstd) becomes a single-layer image with the
    // given changes applied to its config. Returns the new image ID.
    Digest importRootfs(const std::string& tarPath, const ImportOptions& opts);
    Digest importRootfs(int fd, const ImportOptions& opts);
    // `docker commit`: the layer tar at layerTarFd (read from its current offset; -1: no new
    // layer, the history entry is then marked empty_layer) on top of the parent's layers.
    // Returns the new image ID.
    Digest commit(int layerTarFd, const CommitOptions& opts);

    // ---- queries
    // Every image (dangling ones included), newest first. The CLI filters (dangling, label,
    // reference, before, since) and formats.
    std::vector<ImageSummary> list() const;
    ImageSummary summary(std::string_view refOrId) const;
    // `docker image inspect` JSON for one image: Id, RepoTags, RepoDigests, Parent, Comment,
    // Created, DockerVersion, Author, Config, Architecture, Variant, Os, Size, GraphDriver,
    // RootFS, Metadata.
    nlohmann::json inspect(std::string_view refOrId) const;
    std::vector<HistoryRow> history(std::string_view refOrId) const;
    // The image config exactly as stored (its sha256 is the image ID), parsed.
    nlohmann::json config(std::string_view refOrId) const;

    // ---- changes
    // `docker tag SRC TARGET`: target is normalised (":latest" added). Moves the tag if it
    // pointed at another image.
    void tag(std::string_view source, std::string_view target);

    // `docker rmi`. By reference: untags; deletes the image when it was its last reference (or
    // with force). By ID: refused if it has several repo refs unless force. Refused while
    // inUse(id) is non-empty unless force ("conflict: unable to remove repository reference ...
    // (must force) - container <id> is using its referenced image <id>").
    // inUse may be empty (= nothing in use).
    std::vector<RemoveLine> remove(std::string_view refOrId, bool force, const InUseFn& inUse = {});

    // `docker image prune`: dangling images (all unused images with all=true), skipping those
    // inUse reports. Then gc().
    PruneResult prune(bool all, const InUseFn& inUse = {});

    // Removes blobs and layer dirs no image references, and temp leftovers.
    GcResult gc();

    DiskUsage diskUsage(const InUseFn& inUse = {}) const;

    // ---- for the engine (snapshots)
    ImageLayers layers(std::string_view refOrId) const;
    // layers/<chain-id> for one chain ID.
    std::string layerDir(const Digest& chainId) const;

    struct Impl;

  private:
    explicit ImageStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace berth::store
