// ImageStore::load: docker-archive (legacy and the OCI-layout-inside variant Docker 25+ writes),
// OCI layout directories and oci-archive tars. Each layer member is read once, in place, and
// teed into its blob and into the unpacker; layers unpack in parallel into layers/<chain-id>.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/log.hpp"
#include "store/image/archive_source.hpp"
#include "store/image/store_impl.hpp"
#include "store/unpack/layer_stream.hpp"

namespace berth::store {

using nlohmann::json;

namespace {

struct PlannedLayer {
    std::string member;
    std::optional<Digest> blob;  // known for OCI (descriptor), computed for docker-archive
    std::optional<uint64_t> blobSize;
    std::string mediaType;  // "" → from the detected compression
    Digest diffId;
    Digest chainId;
};

struct PlannedImage {
    std::string configBytes;
    Digest id;
    ImageConfig config;
    std::string manifestBytes;  // OCI loads: stored as a blob (keeps the manifest digest)
    std::vector<PlannedLayer> layers;
    std::vector<Reference> refs;
    std::string what;
};

std::string blobPath(const Digest& d) { return "blobs/sha256/" + d.hex(); }

void planLayers(PlannedImage& img, const std::vector<PlannedLayer>& members) {
    if (members.size() != img.config.diffIds.size())
        throw Error(img.what + ": " + std::to_string(members.size()) + " layers but the config lists " +
                        std::to_string(img.config.diffIds.size()) + " diff_ids",
                    EINVAL);
    auto chains = chainIds(img.config.diffIds);
    for (size_t i = 0; i < members.size(); ++i) {
        PlannedLayer l = members[i];
        l.diffId = img.config.diffIds[i];
        l.chainId = chains[i];
        img.layers.push_back(std::move(l));
    }
}

std::vector<PlannedImage> planDockerArchive(const ArchiveSource& src) {
    std::vector<PlannedImage> out;
    json m = json::parse(src.readAll("manifest.json"), nullptr, false);
    if (m.is_discarded() || !m.is_array())
        throw Error("manifest.json: not a JSON array", EINVAL);
    for (size_t i = 0; i < m.size(); ++i) {
        const json& e = m[i];
        std::string f = "manifest.json: [" + std::to_string(i) + "]";
        if (!e.is_object() || !e.contains("Config") || !e["Config"].is_string())
            throw Error(f + ": field \"Config\": missing or not a string", EINVAL);
        PlannedImage img;
        std::string cfgPath = e["Config"];
        img.configBytes = src.readAll(cfgPath);
        img.id = sha256Of(img.configBytes);
        img.what = "image " + img.id.str();
        img.config = parseImageConfig(img.configBytes, "config " + cfgPath);
        if (!e.contains("Layers") || !e["Layers"].is_array())
            throw Error(f + ": field \"Layers\": missing or not an array", EINVAL);
        std::vector<PlannedLayer> members;
        for (const auto& l : e["Layers"]) {
            if (!l.is_string()) throw Error(f + ": field \"Layers\": not a string", EINVAL);
            PlannedLayer pl;
            pl.member = l.get<std::string>();
            members.push_back(pl);
        }
        planLayers(img, members);
        if (auto t = e.find("RepoTags"); t != e.end() && t->is_array())
            for (const auto& r : *t)
                if (r.is_string()) img.refs.push_back(Reference::parseWithDefaultTag(r.get<std::string>()));
        out.push_back(std::move(img));
    }
    return out;
}

std::optional<Reference> refFromAnnotations(const std::map<std::string, std::string>& a) {
    if (auto it = a.find("io.containerd.image.name"); it != a.end()) {
        try {
            return Reference::parseWithDefaultTag(it->second);
        } catch (const Error&) {
        }
    }
    if (auto it = a.find("org.opencontainers.image.ref.name"); it != a.end()) {
        // A bare tag ("latest") names no repository: nothing to tag.
        if (it->second.find_first_of("/:@") == std::string::npos) return std::nullopt;
        try {
            return Reference::parseWithDefaultTag(it->second);
        } catch (const Error&) {
        }
    }
    return std::nullopt;
}

std::vector<PlannedImage> planOciLayout(const ArchiveSource& src) {
    if (src.has("oci-layout")) {
        json l = json::parse(src.readAll("oci-layout"), nullptr, false);
        if (l.is_discarded() || !l.is_object() || !l.contains("imageLayoutVersion"))
            throw Error("oci-layout: field \"imageLayoutVersion\": missing", EINVAL);
    }
    Index index = parseIndex(src.readAll("index.json"), "index.json");
    std::vector<PlannedImage> out;
    for (size_t i = 0; i < index.manifests.size(); ++i) {
        const Descriptor& top = index.manifests[i];
        Descriptor d = top;
        std::string what = "index.json manifests[" + std::to_string(i) + "]";
        // Nested indexes (manifest lists): pick linux/amd64.
        std::string doc;
        for (int depth = 0;; ++depth) {
            doc = src.readAll(blobPath(d.digest));
            if (sha256Of(doc) != d.digest) throw Error(what + ": blob " + d.digest.str() + " does not match its digest", EINVAL);
            json j = json::parse(doc, nullptr, false);
            if (j.is_discarded()) throw Error("manifest " + d.digest.str() + ": not valid JSON", EINVAL);
            if (!(media::isIndex(d.mediaType) || looksLikeIndex(j))) break;
            if (depth > 4) throw Error(what + ": indexes nested too deep", EINVAL);
            Index sub = parseIndex(doc, "index " + d.digest.str());
            d = choosePlatform(sub.manifests, "index " + d.digest.str());
        }
        std::string mwhat = "manifest " + d.digest.str();
        Manifest man = parseManifest(doc, mwhat);
        PlannedImage img;
        img.manifestBytes = doc;
        img.configBytes = src.readAll(blobPath(man.config.digest));
        img.id = sha256Of(img.configBytes);
        if (img.id != man.config.digest)
            throw Error(mwhat + ": config blob does not match digest " + man.config.digest.str(), EINVAL);
        img.what = "image " + img.id.str();
        img.config = parseImageConfig(img.configBytes, "config " + img.id.str());
        std::vector<PlannedLayer> members;
        for (const auto& ld : man.layers) {
            PlannedLayer pl;
            pl.member = blobPath(ld.digest);
            pl.blob = ld.digest;
            pl.blobSize = ld.size;
            pl.mediaType = ld.mediaType;
            members.push_back(pl);
        }
        planLayers(img, members);
        if (auto r = refFromAnnotations(top.annotations)) img.refs.push_back(*r);
        out.push_back(std::move(img));
    }
    return out;
}

// Copies (decompressing if needed) everything from read into an anonymous scratch file.
UniqueFd spool(const ImageStore::Impl& s, ReadFn read) {
    UniqueFd out = s.scratchFile();
    LayerStream stream(std::move(read), size_t{1} << 20, true);
    const void* data;
    while (size_t n = stream.next(&data)) {
        const char* p = static_cast<const char*>(data);
        while (n > 0) {
            ssize_t w = ::write(out.get(), p, n);
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) throw SysError("write scratch file in " + s.tmpDir);
            p += w;
            n -= static_cast<size_t>(w);
        }
    }
    return out;
}

ReadFn fdReader(int fd) {
    return [fd](void* buf, size_t len) -> size_t {
        for (;;) {
            ssize_t n = ::read(fd, buf, len);
            if (n >= 0) return static_cast<size_t>(n);
            if (errno != EINTR) throw SysError("read archive");
        }
    };
}

struct LayerJob {
    const PlannedLayer* plan;
    ImageLayerRecord result;
};

// One layer: blob (if not stored yet) and layer dir (if not unpacked yet), from one read.
void runLayerJob(ImageStore::Impl& s, const ArchiveSource& src, LayerJob& job, bool known,
                 const LoadOptions& opts) {
    const PlannedLayer& p = *job.plan;
    ImageLayerRecord& r = job.result;
    r.chainId = p.chainId;
    r.diffId = p.diffId;
    std::string dir = s.layerDir(p.chainId);
    bool haveDir = pathExists(dir);
    bool haveBlob = p.blob && s.blobs.has(*p.blob);
    if (known && haveDir && haveBlob) {
        r.blob = *p.blob;
        r.blobSize = s.blobs.size(*p.blob);
        return;  // sizes and media type were filled from the DB
    }
    std::optional<BlobWriter> writer;
    if (!haveBlob) writer.emplace(s.blobs.writer());
    ReadFn in = src.open(p.member);
    ReadFn tee = [&](void* buf, size_t len) -> size_t {
        size_t n = in(buf, len);
        if (writer && n) writer->write(buf, n);
        return n;
    };
    if (known && haveDir) {
        // Unpacked already (another image shares it): only the blob is missing. Store it,
        // checking that it decompresses to the diff_id, without unpacking again.
        LayerStream stream(tee, size_t{1} << 20, true);
        const void* data;
        while (stream.next(&data) > 0) {
        }
        stream.drain();
        if (stream.digest() != p.diffId.str())
            throw Error("layer " + p.member + ": content is " + stream.digest() +
                            ", the config says " + p.diffId.str(),
                        EINVAL);
        r.blob = writer->commit(p.blob, p.blobSize);
        r.blobSize = writer->bytesWritten();
        if (r.mediaType.empty()) r.mediaType = media::ociLayerType(stream.compression());
        return;
    }
    UnpackOptions o;
    o.layerName = p.diffId.str();
    o.expectedDiffId = p.diffId.str();
    // Unpacked in a scratch dir under tmp/ and renamed into place: a concurrent load of the
    // same layer may win the rename (then ours is dropped); a crash leaves only tmp/ leftovers.
    std::string scratch = s.scratchDir("layer");
    std::string target = scratch + "/layer";
    try {
        UnpackResult res = unpackLayer(tee, target, o);
        char drain[65536];
        while (tee(drain, sizeof drain) > 0) {
        }
        if (writer) {
            r.blob = writer->commit(p.blob, p.blobSize);
            r.blobSize = writer->bytesWritten();
        } else {
            r.blob = *p.blob;
            r.blobSize = s.blobs.size(*p.blob);
        }
        r.diffSize = res.size;
        r.mediaType = !p.mediaType.empty() ? p.mediaType : media::ociLayerType(res.compression);
        r.size = directorySize(target);
        if (!haveDir && ::renameat2(AT_FDCWD, target.c_str(), AT_FDCWD, dir.c_str(), RENAME_NOREPLACE) < 0 &&
            errno != EEXIST && errno != ENOTEMPTY)
            throw SysError("rename " + target + " to " + dir);
    } catch (...) {
        removeAll(scratch);
        throw;
    }
    removeAll(scratch);
    if (opts.progress) opts.progress("Loaded layer " + p.diffId.str());
}

LoadResult loadFrom(ImageStore::Impl& s, const ArchiveSource& src, const LoadOptions& opts) {
    std::vector<PlannedImage> plan;
    if (src.has("manifest.json"))
        plan = planDockerArchive(src);
    else if (src.has("index.json"))
        plan = planOciLayout(src);
    else
        throw Error("neither a docker-archive (no manifest.json) nor an OCI layout (no index.json)",
                    EINVAL);
    // Shared: gc and the startup cleanup must not remove what we write before the DB commit.
    UniqueFd lk = s.lock(false);

    // One job per distinct chain ID; sizes of layers the DB knows come from it.
    std::map<Digest, LayerJob> jobs;
    std::map<Digest, bool> known;
    std::set<Digest> complete;  // already stored with every layer dir: nothing to unpack
    for (const auto& img : plan) {
        auto rec = s.db.image(img.id);
        if (!rec) continue;
        bool all = true;
        for (const auto& l : rec->layers)
            all = all && pathExists(s.layerDir(l.chainId)) && s.blobs.has(l.blob);
        if (all) complete.insert(img.id);
    }
    for (const auto& img : plan) {
        if (complete.count(img.id)) continue;
        for (const auto& l : img.layers) {
            if (jobs.count(l.chainId)) continue;
            LayerJob j{&l, {}};
            auto sizes = s.db.layerSizes(l.chainId);
            known[l.chainId] = sizes.has_value();
            if (sizes) {
                j.result.size = sizes->first;
                j.result.diffSize = sizes->second;
                j.result.mediaType = l.mediaType;
            }
            jobs.emplace(l.chainId, std::move(j));
        }
    }
    std::vector<LayerJob*> queue;
    for (auto& [c, j] : jobs) queue.push_back(&j);
    // Parallel across layers (each unpack also pipelines its decompression on a second thread).
    // One thread per layer up to a bound: layers differ a lot in size, and a thread waiting on
    // the disk (fsync of a blob) should not hold back a core that could inflate another layer.
    unsigned hw = std::max(8u, std::thread::hardware_concurrency());
    size_t nThreads = std::min<size_t>(queue.size(), hw);
    std::atomic<size_t> next{0};
    std::mutex mu;
    std::exception_ptr firstError;
    auto worker = [&] {
        for (;;) {
            size_t i = next++;
            if (i >= queue.size()) return;
            {
                std::lock_guard g(mu);
                if (firstError) return;
            }
            try {
                runLayerJob(s, src, *queue[i], known[queue[i]->plan->chainId], opts);
            } catch (...) {
                std::lock_guard g(mu);
                if (!firstError) firstError = std::current_exception();
            }
        }
    };
    std::vector<std::thread> threads;
    for (size_t t = 1; t < nThreads; ++t) threads.emplace_back(worker);
    worker();
    for (auto& t : threads) t.join();
    if (firstError) std::rethrow_exception(firstError);

    // Configs and manifests, then one transaction for every image and ref.
    std::vector<ImageRecord> records;
    for (const auto& img : plan) {
        if (complete.count(img.id)) {
            records.push_back(*s.db.image(img.id));
            continue;
        }
        s.blobs.put(img.configBytes, img.id);
        ImageRecord rec;
        rec.id = img.id;
        if (!img.manifestBytes.empty()) rec.manifest = s.blobs.put(img.manifestBytes).str();
        rec.createdAt = img.config.created;
        rec.created = parseRfc3339(img.config.created);
        for (const auto& l : img.layers) {
            ImageLayerRecord lr = jobs.at(l.chainId).result;
            if (!l.mediaType.empty()) lr.mediaType = l.mediaType;
            if (lr.mediaType.empty()) lr.mediaType = media::kOciLayer;
            rec.size += lr.size;
            rec.layers.push_back(std::move(lr));
        }
        records.push_back(std::move(rec));
    }
    LoadResult result;
    s.db.transaction([&] {
        for (size_t i = 0; i < plan.size(); ++i) {
            s.db.insertImage(records[i]);
            LoadedImage li{plan[i].id, {}};
            for (const auto& ref : plan[i].refs) {
                s.tagLocked(ref, plan[i].id, &result.messages);
                li.refs.push_back(ref.familiarString());
                result.messages.push_back("Loaded image: " + ref.familiarString());
            }
            if (li.refs.empty()) result.messages.push_back("Loaded image ID: " + plan[i].id.str());
            result.images.push_back(std::move(li));
        }
    });
    return result;
}

}  // namespace

LoadResult ImageStore::load(const std::string& path, const LoadOptions& opts) {
    return withContext("load " + path, [&] {
        struct stat st {};
        if (::stat(path.c_str(), &st) < 0) throw SysError("stat " + path);
        if (S_ISDIR(st.st_mode)) return loadFrom(*impl_, *ArchiveSource::directory(path), opts);
        UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        if (!fd) throw SysError("open " + path);
        return load(fd.get(), opts);
    });
}

LoadResult ImageStore::load(int fd, const LoadOptions& opts) {
    // A plain tar in a regular file is read in place; a compressed tar or a stream is spooled
    // (decompressed) into an anonymous scratch file first.
    struct stat st {};
    if (::fstat(fd, &st) < 0) throw SysError("stat archive");
    unsigned char head[4] = {};
    bool seekable = S_ISREG(st.st_mode);
    if (seekable && st.st_size >= 4 && ::pread(fd, head, 4, 0) == 4 &&
        detectCompression(head, 4) == Compression::None) {
        UniqueFd dup(::fcntl(fd, F_DUPFD_CLOEXEC, 3));
        if (!dup) throw SysError("dup archive fd");
        return loadFrom(*impl_, *ArchiveSource::tar(std::move(dup), "archive"), opts);
    }
    if (seekable) ::lseek(fd, 0, SEEK_SET);
    UniqueFd spooled = spool(*impl_, fdReader(fd));
    return loadFrom(*impl_, *ArchiveSource::tar(std::move(spooled), "archive"), opts);
}

}  // namespace berth::store
