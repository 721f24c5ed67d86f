// ImageStore::importRootfs (`docker import`): a rootfs tarball becomes a one-layer image.
#include <fcntl.h>
#include <unistd.h>

#include "common/error.hpp"
#include "common/file_io.hpp"
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
    BlobWriter writer = s.blobs.writer();
    ReadFn tee = [&](void* buf, size_t len) -> size_t {
        for (;;) {
            ssize_t n = ::read(fd, buf, len);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw SysError("read " + source);
            if (n > 0) writer.write(buf, static_cast<size_t>(n));
            return static_cast<size_t>(n);
        }
    };
    std::string scratch = s.scratchDir("import");
    ImageLayerRecord layer;
    try {
        UnpackOptions o;
        o.layerName = source;
        UnpackResult res = unpackLayer(tee, scratch + "/layer", o);
        char drain[65536];
        while (tee(drain, sizeof drain) > 0) {
        }
        layer.diffId = Digest::parse(res.diffId);
        layer.chainId = layer.diffId;
        layer.diffSize = res.size;
        layer.mediaType = media::ociLayerType(res.compression);
        layer.size = directorySize(scratch + "/layer");
        layer.blob = writer.commit();
        layer.blobSize = writer.bytesWritten();
        std::string dir = s.layerDir(layer.chainId);
        if (::renameat2(AT_FDCWD, (scratch + "/layer").c_str(), AT_FDCWD, dir.c_str(), RENAME_NOREPLACE) < 0 &&
            errno != EEXIST)
            throw SysError("rename layer into " + dir);
        removeAll(scratch);
    } catch (...) {
        removeAll(scratch);
        throw;
    }

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
