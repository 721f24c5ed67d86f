// ImageStore::commit (`docker commit`): a container's diff tar becomes the top layer of a new
// image whose lower layers are its parent's (shared: the same chain IDs, ref-counted).
#include <fcntl.h>
#include <unistd.h>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/log.hpp"
#include "store/image/store_impl.hpp"

namespace berth::store {

using nlohmann::json;

Digest ImageStore::commit(int layerTarFd, const CommitOptions& opts) {
    auto& s = *impl_;
    return withContext("commit", [&] {
        std::optional<Reference> ref;
        if (!opts.ref.empty()) {
            ref = Reference::parseWithDefaultTag(opts.ref);
            if (ref->hasDigest()) throw Error("cannot tag with a digest reference: " + opts.ref, EINVAL);
        }
        Digest parentId = s.resolve(opts.parent);
        ImageRecord parent = s.record(parentId);
        json config = opts.config;

        UniqueFd lk = s.lock(false);
        ImageRecord rec;
        rec.layers = parent.layers;
        rec.size = parent.size;
        rec.parent = parentId.str();
        if (layerTarFd >= 0) {
            BlobWriter writer = s.blobs.writer();
            ReadFn tee = [&](void* buf, size_t len) -> size_t {
                for (;;) {
                    ssize_t n = ::read(layerTarFd, buf, len);
                    if (n < 0 && errno == EINTR) continue;
                    if (n < 0) throw SysError("read the layer tar");
                    if (n > 0) writer.write(buf, static_cast<size_t>(n));
                    return static_cast<size_t>(n);
                }
            };
            std::string scratch = s.scratchDir("commit");
            ImageLayerRecord layer;
            try {
                UnpackOptions o;
                o.layerName = "commit";
                o.pipeline = false;
                UnpackResult res = unpackLayer(tee, scratch + "/layer", o);
                char drain[65536];
                while (tee(drain, sizeof drain) > 0) {
                }
                layer.diffId = Digest::parse(res.diffId);
                std::vector<Digest> diffIds;
                for (auto& l : parent.layers) diffIds.push_back(l.diffId);
                diffIds.push_back(layer.diffId);
                layer.chainId = chainIds(diffIds).back();
                layer.diffSize = res.size;
                layer.mediaType = media::kOciLayer;
                layer.size = directorySize(scratch + "/layer");
                layer.blob = writer.commit();
                layer.blobSize = writer.bytesWritten();
                std::string dir = s.layerDir(layer.chainId);
                if (::renameat2(AT_FDCWD, (scratch + "/layer").c_str(), AT_FDCWD, dir.c_str(),
                                RENAME_NOREPLACE) < 0 &&
                    errno != EEXIST && errno != ENOTEMPTY)
                    throw SysError("rename layer into " + dir);
                removeAll(scratch);
            } catch (...) {
                removeAll(scratch);
                throw;
            }
            if (!config["rootfs"].is_object()) config["rootfs"] = {{"type", "layers"}};
            if (!config["rootfs"]["diff_ids"].is_array()) config["rootfs"]["diff_ids"] = json::array();
            config["rootfs"]["diff_ids"].push_back(layer.diffId.str());
            rec.layers.push_back(layer);
            rec.size += layer.size;
        }
        std::string created = config.value("created", rfc3339Now());
        Digest id = s.blobs.put(config.dump());
        rec.id = id;
        rec.created = parseRfc3339(created);
        rec.createdAt = created;
        s.db.transaction([&] {
            s.db.insertImage(rec);
            if (ref) s.tagLocked(*ref, id, nullptr);
        });
        return id;
    });
}

}  // namespace berth::store
