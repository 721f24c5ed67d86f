// ImageStore::save: docker-archive as Docker 25+ writes it (manifest.json + an OCI layout with
// uncompressed layers, which older Dockers load through manifest.json too) and oci-archive
// (blobs as stored, OCI media types). Written to a temp file and renamed into place.
#include <fcntl.h>
#include <unistd.h>

#include <set>

#include "common/error.hpp"
#include "store/image/store_impl.hpp"
#include "store/image/tar_writer.hpp"
#include "store/unpack/layer_stream.hpp"

namespace berth::store {

using nlohmann::json;

namespace {

struct SaveItem {
    ImageRecord rec;
    std::vector<Reference> refs;  // tags to record in the archive
};

std::vector<SaveItem> collect(const ImageStore::Impl& s, const std::vector<std::string>& names) {
    std::vector<SaveItem> items;
    for (const auto& n : names) {
        Digest id = s.resolve(n);
        std::optional<Reference> ref;
        try {
            Reference r = Reference::parseWithDefaultTag(n);
            if (!r.hasDigest() && s.db.ref(r.str())) ref = r;
        } catch (const Error&) {
        }
        SaveItem* it = nullptr;
        for (auto& i : items)
            if (i.rec.id == id) it = &i;
        if (!it) {
            items.push_back({s.record(id), {}});
            it = &items.back();
        }
        if (ref && std::find(it->refs.begin(), it->refs.end(), *ref) == it->refs.end())
            it->refs.push_back(*ref);
    }
    if (items.empty()) throw Error("save: no images given", EINVAL);
    return items;
}

ReadFn blobReader(std::shared_ptr<UniqueFd> fd) {
    return [fd](void* buf, size_t len) -> size_t {
        for (;;) {
            ssize_t n = ::read(fd->get(), buf, len);
            if (n >= 0) return static_cast<size_t>(n);
            if (errno != EINTR) throw SysError("read blob");
        }
    };
}

// The layer's uncompressed tar, verified against its diff_id while it is written.
void writeUncompressedLayer(const ImageStore::Impl& s, TarWriter& tw, const ImageLayerRecord& l) {
    auto fd = std::make_shared<UniqueFd>(s.blobs.open(l.blob));
    LayerStream stream(blobReader(fd), size_t{1} << 20, true);
    tw.header("blobs/sha256/" + l.diffId.hex(), '0', l.diffSize, 0644);
    uint64_t written = 0;
    const void* data;
    while (size_t n = stream.next(&data)) {
        if (written + n > l.diffSize) throw Error("layer " + l.diffId.str() + ": longer than recorded", EIO);
        tw.write(data, n);
        written += n;
    }
    stream.drain();
    if (written != l.diffSize || stream.digest() != l.diffId.str())
        throw Error("layer " + l.diffId.str() + ": blob " + l.blob.str() +
                        " does not decompress to its diff_id (store corrupt?)",
                    EIO);
    tw.pad(l.diffSize);
}

void writeBlob(const ImageStore::Impl& s, TarWriter& tw, const Digest& d) {
    auto fd = std::make_shared<UniqueFd>(s.blobs.open(d));
    tw.file("blobs/sha256/" + d.hex(), s.blobs.size(d), blobReader(fd));
}

json configDescriptor(const ImageStore::Impl& s, const Digest& id) {
    return {{"mediaType", media::kOciConfig}, {"digest", id.str()}, {"size", s.blobs.size(id)}};
}

json indexEntry(const std::string& manifest, const std::vector<Reference>& refs, size_t i) {
    json e = {{"mediaType", media::kOciManifest},
              {"digest", sha256Of(manifest).str()},
              {"size", manifest.size()}};
    if (i < refs.size())
        e["annotations"] = {{"io.containerd.image.name", refs[i].str()},
                            {"org.opencontainers.image.ref.name", refs[i].familiarString()}};
    return e;
}

void saveDocker(const ImageStore::Impl& s, const std::vector<SaveItem>& items, int fd) {
    TarWriter tw(fd);
    tw.dir("blobs");
    tw.dir("blobs/sha256");
    std::set<Digest> written;
    json manifestJson = json::array();
    json index = {{"schemaVersion", 2}, {"mediaType", media::kOciIndex}, {"manifests", json::array()}};
    for (const auto& it : items) {
        const ImageRecord& rec = it.rec;
        if (written.insert(rec.id).second) writeBlob(s, tw, rec.id);
        json layers = json::array(), layerPaths = json::array();
        for (const auto& l : rec.layers) {
            if (written.insert(l.diffId).second) writeUncompressedLayer(s, tw, l);
            layers.push_back({{"mediaType", media::kOciLayer}, {"digest", l.diffId.str()}, {"size", l.diffSize}});
            layerPaths.push_back("blobs/sha256/" + l.diffId.hex());
        }
        json m = {{"schemaVersion", 2},
                  {"mediaType", media::kOciManifest},
                  {"config", configDescriptor(s, rec.id)},
                  {"layers", layers}};
        std::string mb = m.dump();
        Digest md = sha256Of(mb);
        if (written.insert(md).second) tw.file("blobs/sha256/" + md.hex(), mb);
        json tags = json::array();
        for (const auto& r : it.refs) tags.push_back(r.familiarString());
        manifestJson.push_back({{"Config", "blobs/sha256/" + rec.id.hex()},
                                {"RepoTags", it.refs.empty() ? json(nullptr) : tags},
                                {"Layers", layerPaths}});
        for (size_t i = 0; i < std::max<size_t>(1, it.refs.size()); ++i)
            index["manifests"].push_back(indexEntry(mb, it.refs, i));
    }
    tw.file("index.json", index.dump());
    tw.file("manifest.json", manifestJson.dump());
    tw.file("oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
    tw.finish();
}

std::string ociLayerMediaType(const std::string& mt) {
    if (mt == media::kDockerLayerGzip || mt == media::kDockerForeignLayerGzip) return media::kOciLayerGzip;
    if (mt == media::kDockerLayer) return media::kOciLayer;
    return mt;
}

void saveOci(const ImageStore::Impl& s, const std::vector<SaveItem>& items, int fd) {
    TarWriter tw(fd);
    tw.file("oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
    tw.dir("blobs");
    tw.dir("blobs/sha256");
    std::set<Digest> written;
    json index = {{"schemaVersion", 2}, {"mediaType", media::kOciIndex}, {"manifests", json::array()}};
    for (const auto& it : items) {
        const ImageRecord& rec = it.rec;
        if (written.insert(rec.id).second) writeBlob(s, tw, rec.id);
        // The manifest loaded from an OCI layout is kept (its digest is the image's repo
        // digest); otherwise one is made.
        std::string mb;
        if (!rec.manifest.empty()) {
            std::string old = s.blobs.read(Digest::parse(rec.manifest));
            if (json::parse(old, nullptr, false).value("mediaType", std::string(media::kOciManifest)) ==
                media::kOciManifest)
                mb = old;
        }
        json layers = json::array();
        for (const auto& l : rec.layers) {
            if (written.insert(l.blob).second) writeBlob(s, tw, l.blob);
            layers.push_back({{"mediaType", ociLayerMediaType(l.mediaType)}, {"digest", l.blob.str()}, {"size", l.blobSize}});
        }
        if (mb.empty())
            mb = json({{"schemaVersion", 2},
                       {"mediaType", media::kOciManifest},
                       {"config", configDescriptor(s, rec.id)},
                       {"layers", layers}})
                     .dump();
        Digest md = sha256Of(mb);
        if (written.insert(md).second) tw.file("blobs/sha256/" + md.hex(), mb);
        for (size_t i = 0; i < std::max<size_t>(1, it.refs.size()); ++i)
            index["manifests"].push_back(indexEntry(mb, it.refs, i));
    }
    tw.file("index.json", index.dump());
    tw.finish();
}

}  // namespace

void ImageStore::save(const std::vector<std::string>& refs, int outFd, ArchiveFormat format) {
    UniqueFd lk = impl_->lock(false);  // gc() must not remove the blobs while they are read
    std::vector<SaveItem> items;
    impl_->db.read([&] { items = collect(*impl_, refs); });
    if (format == ArchiveFormat::Oci)
        saveOci(*impl_, items, outFd);
    else
        saveDocker(*impl_, items, outFd);
}

void ImageStore::save(const std::vector<std::string>& refs, const std::string& outPath,
                      ArchiveFormat format) {
    for (const auto& r : refs) impl_->resolve(r);  // "No such image" before touching outPath
    withContext("save " + outPath, [&] {
        std::string tmp = outPath + ".tmp-" + std::to_string(::getpid());
        UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
        if (!fd) throw SysError("create " + tmp);
        try {
            save(refs, fd.get(), format);
            if (::fsync(fd.get()) < 0) throw SysError("fsync " + tmp);
            if (::rename(tmp.c_str(), outPath.c_str()) < 0) throw SysError("rename " + tmp);
        } catch (...) {
            ::unlink(tmp.c_str());
            throw;
        }
    });
}

}  // namespace berth::store
