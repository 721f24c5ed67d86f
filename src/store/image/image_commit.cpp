// ImageStore::commit (`docker commit`): a container's diff tar becomes the top layer of a new
// image whose lower layers are its parent's (shared: the same chain IDs, ref-counted).
#include "common/error.hpp"
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
            UnpackOptions o;
            o.layerName = "commit";
            o.pipeline = false;
            auto onParentsChain = [&](const Digest& diffId) {
                std::vector<Digest> diffIds;
                for (auto& l : parent.layers) diffIds.push_back(l.diffId);
                diffIds.push_back(diffId);
                return chainIds(diffIds).back();
            };
            ImageLayerRecord layer =
                s.storeLayerFrom(layerTarFd, "the layer tar", o, onParentsChain);
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
