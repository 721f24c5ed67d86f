// Image model: OCI image-spec 1.1 and Docker manifest v2 schema 2 documents (index / manifest
// list, manifest, config), parsed with nlohmann-json. Every parse error names the document and
// the field: `manifest sha256:ab..: field "layers[2].digest": invalid digest "x"`.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/digest.hpp"
#include "store/unpack/layer_unpacker.hpp"

namespace berth::store {

namespace media {
inline constexpr const char* kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr const char* kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* kOciConfig = "application/vnd.oci.image.config.v1+json";
inline constexpr const char* kOciLayer = "application/vnd.oci.image.layer.v1.tar";
inline constexpr const char* kOciLayerGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr const char* kOciLayerZstd = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr const char* kDockerList =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr const char* kDockerManifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr const char* kDockerConfig = "application/vnd.docker.container.image.v1+json";
inline constexpr const char* kDockerLayer = "application/vnd.docker.image.rootfs.diff.tar";
inline constexpr const char* kDockerLayerGzip =
    "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr const char* kDockerForeignLayerGzip =
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

bool isIndex(std::string_view mt);
bool isManifest(std::string_view mt);
bool isLayer(std::string_view mt);
// The OCI layer media type for a compression (what `save --format oci` writes).
const char* ociLayerType(Compression c);
}  // namespace media

struct Platform {
    std::string os;
    std::string architecture;
    std::string variant;
};

struct Descriptor {
    std::string mediaType;
    Digest digest;
    uint64_t size = 0;
    std::map<std::string, std::string> annotations;
    std::optional<Platform> platform;
    nlohmann::json toJson() const;
};

struct Index {
    std::vector<Descriptor> manifests;
    std::map<std::string, std::string> annotations;
};

struct Manifest {
    std::string mediaType;  // from the document, or the one it was referenced with
    Descriptor config;
    std::vector<Descriptor> layers;
};

struct HistoryEntry {
    std::string created;
    std::string createdBy;
    std::string author;
    std::string comment;
    bool emptyLayer = false;
};

// The parts of an image config the store uses; `raw` keeps the document (its exact bytes are
// the blob whose digest is the image ID, so the store never re-serialises a loaded config).
struct ImageConfig {
    nlohmann::json raw;
    std::string architecture;
    std::string os;
    std::string variant;
    std::string created;  // RFC 3339, may be ""
    std::string author;
    std::string comment;
    std::string dockerVersion;
    std::vector<Digest> diffIds;
    std::vector<HistoryEntry> history;
    std::map<std::string, std::string> labels;
    nlohmann::json config;  // "config" (Docker's Config / OCI ImageConfig); null if absent
};

// `what` names the document in errors ("index.json", "manifest sha256:..").
Index parseIndex(std::string_view json, const std::string& what);
Manifest parseManifest(std::string_view json, const std::string& what);
ImageConfig parseImageConfig(std::string_view json, const std::string& what);
// Either kind, by mediaType or by shape ("manifests" vs "layers").
bool looksLikeIndex(const nlohmann::json& doc);

// The manifest to use from an index: linux/amd64 (a descriptor without platform counts as a
// match when it is the only one). Throws naming the platforms offered when none fits.
const Descriptor& choosePlatform(const std::vector<Descriptor>& manifests,
                                 const std::string& what, const std::string& os = "linux",
                                 const std::string& arch = "amd64");

// RFC 3339 → unix seconds (0 if empty or unparsable).
int64_t parseRfc3339(std::string_view s);

// Chain IDs of a diff_id list, bottom first.
std::vector<Digest> chainIds(const std::vector<Digest>& diffIds);

}  // namespace berth::store
