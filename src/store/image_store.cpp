// ImageStore: opening, lookup and queries (list, inspect, history, layers). Changes are in
// image/image_changes.cpp, load/save/import in image/image_{loader,saver,import}.cpp.
#include "store/image_store.hpp"

#include <fcntl.h>
#include <ftw.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <set>

#include "common/dir_entries.hpp"
#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/log.hpp"
#include "common/strings.hpp"
#include "store/image/store_impl.hpp"
#include "store/unpack/layer_unpacker.hpp"

namespace berth::store {

using nlohmann::json;

namespace {

thread_local std::set<ino_t>* tlInodes;
thread_local uint64_t tlSize;

int sizeVisit(const char*, const struct stat* st, int type, FTW*) {
    if (type == FTW_D || type == FTW_DP || st->st_size == 0) return 0;
    if (S_ISREG(st->st_mode) || S_ISLNK(st->st_mode)) {
        if (tlInodes->insert(st->st_ino).second) tlSize += static_cast<uint64_t>(st->st_size);
    }
    return 0;
}

void clearDir(const std::string& dir) {
    for (const auto& n : dirEntries(dir)) {
        try {
            removeAll(dir + "/" + n);
        } catch (const std::exception& e) {
            logWarn(std::string("image store cleanup: ") + e.what());
        }
    }
}

}  // namespace

uint64_t directorySize(const std::string& dir) {
    std::set<ino_t> inodes;
    tlInodes = &inodes;
    tlSize = 0;
    if (::nftw(dir.c_str(), sizeVisit, 32, FTW_PHYS) < 0) throw SysError("walk " + dir);
    return tlSize;
}

ImageStore::Impl::Impl(const std::string& r)
    : root(r),
      layersDir(r + "/layers"),
      tmpDir(r + "/tmp"),
      blobs((mkdirAll(r, 0700), r)),
      db((mkdirAll(r + "/layers", 0700), mkdirAll(r + "/tmp", 0700), r + "/berth.db")) {
    // What a crashed (kill -9) load left: half unpacked layers, scratch dirs. Only when no other
    // process is loading: their in-progress files look the same.
    if (UniqueFd lk = lock(true, false)) {
        int n = removeStaleUnpackDirs(layersDir);
        if (n > 0) logInfo("image store: removed " + std::to_string(n) + " half-unpacked layers");
        clearDir(tmpDir);
    }
}

UniqueFd ImageStore::Impl::lock(bool exclusive, bool wait) const {
    UniqueFd fd(::open((root + "/store.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd) throw SysError("open " + root + "/store.lock");
    int op = (exclusive ? LOCK_EX : LOCK_SH) | (wait ? 0 : LOCK_NB);
    while (::flock(fd.get(), op) < 0) {
        if (errno == EINTR) continue;
        if (errno == EWOULDBLOCK && !wait) return UniqueFd();
        throw SysError("lock " + root + "/store.lock");
    }
    return fd;
}

UniqueFd ImageStore::Impl::scratchFile() const {
    UniqueFd fd(::open(tmpDir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
    if (fd) return fd;
    std::string t = tmpDir + "/scratch-XXXXXX";
    fd = UniqueFd(::mkostemp(t.data(), O_CLOEXEC));
    if (!fd) throw SysError("create scratch file in " + tmpDir);
    ::unlink(t.c_str());
    return fd;
}

std::string ImageStore::Impl::scratchDir(const std::string& prefix) const {
    std::string t = tmpDir + "/" + prefix + "-XXXXXX";
    if (!::mkdtemp(t.data())) throw SysError("create scratch dir in " + tmpDir);
    return t;
}

std::optional<Digest> ImageStore::Impl::tryResolve(std::string_view input) const {
    std::string s(input);
    if (s.empty()) return std::nullopt;
    std::string hex = startsWith(s, "sha256:") ? s.substr(7) : s;
    if (looksLikeIdPrefix(s) && hex.size() == 64) {
        Digest d = Digest::fromHex(hex);
        return db.hasImage(d) ? std::optional<Digest>(d) : std::nullopt;
    }
    try {
        Reference r = Reference::parseWithDefaultTag(s);
        std::string name = r.hasDigest() ? r.withoutTag().str() : r.str();
        if (auto ref = db.ref(name)) return ref->imageId;
        // name@<manifest digest> of an image loaded from an OCI layout without a digest ref.
        if (r.hasDigest()) {
            for (const auto& img : db.images())
                if (img.manifest == r.digest()->str()) return img.id;
        }
    } catch (const Error&) {
        if (!looksLikeIdPrefix(s)) throw;
    }
    if (looksLikeIdPrefix(s)) {
        auto ids = db.idsWithPrefix(hex);
        if (ids.size() > 1)
            throw Error("image ID prefix \"" + s + "\" is ambiguous (" + std::to_string(ids.size()) +
                            " images)",
                        EINVAL);
        if (ids.size() == 1) return ids[0];
    }
    return std::nullopt;
}

Digest ImageStore::Impl::resolve(std::string_view input) const {
    if (auto d = tryResolve(input)) return *d;
    std::string shown(input);
    if (!looksLikeIdPrefix(input)) {
        try {
            shown = Reference::parseWithDefaultTag(input).familiarString();
        } catch (const Error&) {
        }
    }
    throw ImageNotFound(shown);
}

ImageRecord ImageStore::Impl::record(const Digest& id) const {
    auto r = db.image(id);
    if (!r) throw ImageNotFound(id.str());
    return *r;
}

ImageConfig ImageStore::Impl::configOf(const Digest& id) const {
    return parseImageConfig(blobs.read(id), "config " + id.str());
}

ImageSummary ImageStore::Impl::summaryOf(const ImageRecord& rec) const {
    ImageSummary s;
    s.id = rec.id;
    s.parentId = rec.parent;
    s.created = rec.created;
    s.createdAt = rec.createdAt;
    s.size = rec.size;
    for (const auto& ref : db.refsOf(rec.id)) {
        std::string fam = Reference::parse(ref.name).familiarString();
        (ref.isDigest ? s.repoDigests : s.repoTags).push_back(fam);
    }
    try {
        s.labels = configOf(rec.id).labels;
    } catch (const Error& e) {
        logWarn("image " + rec.id.str() + ": " + e.what());
    }
    return s;
}

void ImageStore::Impl::tagLocked(const Reference& ref, const Digest& id,
                                 std::vector<std::string>* messages) {
    RefRecord r;
    r.isDigest = ref.hasDigest();
    r.name = r.isDigest ? ref.withoutTag().str() : ref.str();
    r.imageId = id;
    auto prev = db.setRef(r);
    if (prev && messages)
        messages->push_back("The image " + ref.familiarString() +
                            " already exists, renaming the old one with ID " + prev->str() +
                            " to empty string");
    db.setLastTagTime(id, rfc3339Now());
}

void ImageStore::Impl::releaseFiles(const std::vector<Digest>& chains,
                                    const std::vector<Digest>& blobDigests) {
    // A load in progress may be about to use a released layer: leave the files to gc() then.
    UniqueFd lk = lock(true, false);
    if (!lk) return;
    for (const auto& c : chains) {
        if (db.hasLayer(c)) continue;
        std::string dir = layerDir(c);
        if (!pathExists(dir)) continue;
        // Renamed away first, so a crash mid-delete never leaves a partial layers/<chain>.
        std::string gone = scratchDir("gone");
        if (::rename(dir.c_str(), (gone + "/l").c_str()) < 0) {
            logWarn("image store: move " + dir + ": " + std::strerror(errno));
            continue;
        }
        removeAll(gone);
    }
    std::set<Digest> live;
    for (const auto& d : db.referencedBlobs()) live.insert(d);
    for (const auto& b : blobDigests)
        if (!live.count(b)) blobs.remove(b);
}

// ---- ImageStore

ImageStore::ImageStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ImageStore::ImageStore(ImageStore&&) noexcept = default;
ImageStore& ImageStore::operator=(ImageStore&&) noexcept = default;
ImageStore::~ImageStore() = default;

ImageStore ImageStore::open(const std::string& root) {
    return withContext("open image store " + root,
                       [&] { return ImageStore(std::make_unique<Impl>(root)); });
}

const std::string& ImageStore::root() const { return impl_->root; }
Digest ImageStore::resolve(std::string_view r) const { return impl_->resolve(r); }
std::optional<Digest> ImageStore::tryResolve(std::string_view r) const {
    return impl_->tryResolve(r);
}
std::string ImageStore::layerDir(const Digest& chainId) const {
    return impl_->layerDir(chainId);
}

std::vector<ImageSummary> ImageStore::list() const {
    std::vector<ImageSummary> out;
    impl_->db.read([&] {
        for (const auto& rec : impl_->db.images()) out.push_back(impl_->summaryOf(rec));
    });
    return out;
}

ImageSummary ImageStore::summary(std::string_view refOrId) const {
    ImageSummary s;
    impl_->db.read([&] { s = impl_->summaryOf(impl_->record(impl_->resolve(refOrId))); });
    return s;
}

nlohmann::json ImageStore::config(std::string_view refOrId) const {
    return impl_->configOf(impl_->resolve(refOrId)).raw;
}

ImageLayers ImageStore::layers(std::string_view refOrId) const {
    ImageRecord rec = impl_->record(impl_->resolve(refOrId));
    ImageLayers l;
    l.id = rec.id;
    for (const auto& lr : rec.layers) {
        l.diffIds.push_back(lr.diffId);
        l.chainIds.push_back(lr.chainId);
        l.dirs.insert(l.dirs.begin(), impl_->layerDir(lr.chainId));
    }
    return l;
}

namespace {

// Docker's container Config with every field it prints, overlaid with the image's values.
json dockerConfig(const json& c) {
    json out = {{"Hostname", ""},      {"Domainname", ""},   {"User", ""},
                {"AttachStdin", false}, {"AttachStdout", false}, {"AttachStderr", false},
                {"Tty", false},        {"OpenStdin", false}, {"StdinOnce", false},
                {"Env", nullptr},      {"Cmd", nullptr},     {"Image", ""},
                {"Volumes", nullptr},  {"WorkingDir", ""},   {"Entrypoint", nullptr},
                {"OnBuild", nullptr},  {"Labels", nullptr}};
    if (c.is_object())
        for (const auto& [k, v] : c.items()) out[k] = v;
    return out;
}

}  // namespace

nlohmann::json ImageStore::inspect(std::string_view refOrId) const {
    Digest id = impl_->resolve(refOrId);
    ImageRecord rec = impl_->record(id);
    ImageSummary sum = impl_->summaryOf(rec);
    ImageConfig cfg = impl_->configOf(id);
    json j;
    j["Id"] = id.str();
    j["RepoTags"] = sum.repoTags;
    j["RepoDigests"] = sum.repoDigests;
    j["Parent"] = rec.parent;
    j["Comment"] = cfg.comment;
    j["Created"] = cfg.created;
    j["DockerVersion"] = cfg.dockerVersion;
    j["Author"] = cfg.author;
    j["Config"] = dockerConfig(cfg.config);
    j["Architecture"] = cfg.architecture;
    if (!cfg.variant.empty()) j["Variant"] = cfg.variant;
    j["Os"] = cfg.os;
    j["Size"] = rec.size;
    json data = json::object();
    std::vector<std::string> lowers;
    for (size_t i = 0; i < rec.layers.size(); ++i) {
        std::string dir = impl_->layerDir(rec.layers[i].chainId);
        if (i + 1 == rec.layers.size())
            data["UpperDir"] = dir;
        else
            lowers.insert(lowers.begin(), dir);
    }
    if (!lowers.empty()) data["LowerDir"] = join(lowers, ":");
    j["GraphDriver"] = {{"Data", data}, {"Name", "overlay"}};
    json diffIds = json::array();
    for (const auto& d : cfg.diffIds) diffIds.push_back(d.str());
    j["RootFS"] = {{"Type", "layers"}, {"Layers", diffIds}};
    j["Metadata"] = {
        {"LastTagTime", rec.lastTagTime.empty() ? "0001-01-01T00:00:00Z" : rec.lastTagTime}};
    return j;
}

std::vector<HistoryRow> ImageStore::history(std::string_view refOrId) const {
    Digest id = impl_->resolve(refOrId);
    ImageRecord rec = impl_->record(id);
    ImageSummary sum = impl_->summaryOf(rec);
    ImageConfig cfg = impl_->configOf(id);
    std::vector<HistoryRow> rows;
    size_t layer = 0;
    auto entries = cfg.history;
    if (entries.empty())  // no history: one row per layer, as Docker shows
        for (size_t i = 0; i < rec.layers.size(); ++i) entries.push_back(HistoryEntry{cfg.created, "", "", "", false});
    for (const auto& h : entries) {
        HistoryRow r;
        r.id = "<missing>";
        r.createdAt = h.created;
        r.created = parseRfc3339(h.created);
        r.createdBy = h.createdBy;
        r.comment = h.comment;
        r.emptyLayer = h.emptyLayer;
        if (!h.emptyLayer && layer < rec.layers.size()) r.size = rec.layers[layer++].size;
        rows.insert(rows.begin(), std::move(r));
    }
    if (!rows.empty()) {
        rows.front().id = id.str();
        rows.front().tags = sum.repoTags;
    }
    return rows;
}

}  // namespace berth::store
