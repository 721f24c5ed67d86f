// ImageStore::importRootfs (`docker import`): a rootfs tarball becomes a one-layer image.
#include <fcntl.h>

#include "common/error.hpp"
#include "common/log.hpp"
#include "common/strings.hpp"
#include "store/image/config_changes.hpp"
#include "store/image/store_impl.hpp"

namespace berth::store {

using nlohmann::json;

namespace {

Digest importFrom(ImageStore::Impl& s, int fd, const std::string& source, const ImportOptions& opts) {
    std::optional<Reference> ref;
    if (!opts.ref.empty()) {
        ref = Reference::parseWithDefaultTag(opts.ref);
        if (ref->hasDigest()) throw Error("import: cannot tag with a digest reference: " + opts.ref, EINVAL);
    }
    std::string os = "linux", arch = "amd64", variant;
    if (!opts.platform.empty()) {
        auto parts = split(opts.platform, '/');
        if (parts.size() < 2 || parts.size() > 3 || parts[0].empty() || parts[1].empty())
            throw Error("import: invalid platform \"" + opts.platform + "\" (want os/arch[/variant])", EINVAL);
        os = parts[0], arch = parts[1], variant = parts.size() == 3 ? parts[2] : "";
    }
    json cfg = json::object();
    applyConfigChanges(cfg, opts.changes);  // before any I/O: a bad change fails fast

    UniqueFd lk = s.lock(false);
    UnpackOptions o;
    o.layerName = source;
    // The only layer: its chain ID is its diff ID.
    ImageLayerRecord layer =
        s.storeLayerFrom(fd, source, o, [](const Digest& diffId) { return diffId; });

    std::string now = rfc3339Now();
    json config = {{"architecture", arch},
                   {"comment", opts.message.empty() ? "Imported from " + source : opts.message},
                   {"config", cfg},
                   {"created", now},
                   {"history", json::array({{{"created", now},
                                             {"comment", opts.message.empty() ? "Imported from " + source : opts.message}}})},
                   {"os", os},
                   {"rootfs", {{"type", "layers"}, {"diff_ids", json::array({layer.diffId.str()})}}}};
    if (!variant.empty()) config["variant"] = variant;
    Digest id = s.blobs.put(config.dump());
    ImageRecord rec;
    rec.id = id;
    rec.created = parseRfc3339(now);
    rec.createdAt = now;
    rec.size = layer.size;
    rec.layers.push_back(layer);
    s.db.transaction([&] {
        s.db.insertImage(rec);
        if (ref) s.tagLocked(*ref, id, nullptr);
    });
    return id;
}

}  // namespace

Digest ImageStore::importRootfs(const std::string& tarPath, const ImportOptions& opts) {
    return withContext("import " + tarPath, [&] {
        UniqueFd fd(::open(tarPath.c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd) throw SysError("open " + tarPath);
        return importFrom(*impl_, fd.get(), tarPath, opts);
    });
}

Digest ImageStore::importRootfs(int fd, const ImportOptions& opts) {
    return withContext("import", [&] { return importFrom(*impl_, fd, "-", opts); });
}

}  // namespace berth::store
