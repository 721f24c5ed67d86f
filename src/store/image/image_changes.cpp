// ImageStore changes: tag, remove (rmi), prune, gc, and the disk usage report.
#include <sys/stat.h>

#include <set>

#include "common/dir_entries.hpp"
#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/log.hpp"
#include "store/image/store_impl.hpp"
#include "store/unpack/layer_unpacker.hpp"

namespace berth::store {

namespace {

std::vector<std::string> usersOf(const InUseFn& inUse, const Digest& id) {
    return inUse ? inUse(id) : std::vector<std::string>{};
}

std::string shortOf(const std::string& id) {
    std::string h = id.rfind("sha256:", 0) == 0 ? id.substr(7) : id;
    return h.substr(0, 12);
}

std::string familiar(const RefRecord& r) { return Reference::parse(r.name).familiarString(); }

// Deletes an image row (refs included) inside the caller's transaction; appends Docker's lines
// and collects what to release on disk.
void deleteImageLocked(ImageStore::Impl& s, const Digest& id, std::vector<RemoveLine>& lines,
                       std::vector<Digest>& chains, std::vector<Digest>& blobs, uint64_t* freed) {
    ImageRecord rec = s.record(id);
    for (const auto& r : s.db.refsOf(id)) lines.push_back({RemoveLine::Untagged, familiar(r)});
    blobs.push_back(id);
    if (!rec.manifest.empty()) blobs.push_back(Digest::parse(rec.manifest));
    for (const auto& l : rec.layers) blobs.push_back(l.blob);
    auto released = s.db.deleteImage(id);
    lines.push_back({RemoveLine::Deleted, id.str()});
    for (auto it = rec.layers.rbegin(); it != rec.layers.rend(); ++it) {
        for (const auto& c : released)
            if (c == it->chainId) {
                lines.push_back({RemoveLine::Deleted, c.str()});
                if (freed) *freed += it->size;
            }
    }
    chains.insert(chains.end(), released.begin(), released.end());
}

}  // namespace

void ImageStore::tag(std::string_view source, std::string_view target) {
    Reference ref = Reference::parseWithDefaultTag(target);
    if (ref.hasDigest())
        throw Error("refusing to create a tag with a digest reference: " + std::string(target),
                    EINVAL);
    impl_->db.transaction([&] {
        Digest id = impl_->resolve(source);
        impl_->tagLocked(ref, id, nullptr);
    });
}

std::vector<RemoveLine> ImageStore::remove(std::string_view refOrId, bool force,
                                           const InUseFn& inUse) {
    std::vector<RemoveLine> lines;
    std::vector<Digest> chains, blobs;
    std::string input(refOrId);
    impl_->db.transaction([&] {
        Digest id = impl_->resolve(refOrId);
        auto refs = impl_->db.refsOf(id);
        // By reference unless the input is the ID (or a prefix of it) and no ref of that name.
        std::optional<RefRecord> byRef;
        try {
            Reference r = Reference::parseWithDefaultTag(input);
            byRef = impl_->db.ref(r.hasDigest() ? r.withoutTag().str() : r.str());
        } catch (const Error&) {  // an ID ("sha256:..", 64 hex) is no reference
        }
        auto users = usersOf(inUse, id);
        if (byRef) {
            if (refs.size() > 1) {  // other names remain: only untag
                impl_->db.removeRef(byRef->name);
                lines.push_back({RemoveLine::Untagged, familiar(*byRef)});
                return;
            }
            if (!users.empty() && !force)
                throw ImageConflict("conflict: unable to remove repository reference \"" + input +
                                    "\" (must force) - container " + shortOf(users[0]) +
                                    " is using its referenced image " + id.shortId());
        } else {
            std::set<std::string> repos;
            for (const auto& r : refs) repos.insert(Reference::parse(r.name).name());
            if (repos.size() > 1 && !force)
                throw ImageConflict("conflict: unable to delete " + id.shortId() +
                                    " (must be forced) - image is referenced in multiple "
                                    "repositories");
            if (!users.empty() && !force)
                throw ImageConflict("conflict: unable to delete " + id.shortId() +
                                    " (must be forced) - image is being used by stopped "
                                    "container " + shortOf(users[0]));
        }
        if (!users.empty()) {  // forced while in use: untag, keep the image for its containers
            for (const auto& r : refs) {
                impl_->db.removeRef(r.name);
                lines.push_back({RemoveLine::Untagged, familiar(r)});
            }
            return;
        }
        deleteImageLocked(*impl_, id, lines, chains, blobs, nullptr);
    });
    impl_->releaseFiles(chains, blobs);
    return lines;
}

PruneResult ImageStore::prune(bool all, const InUseFn& inUse) {
    PruneResult res;
    std::vector<Digest> chains, blobs;
    impl_->db.transaction([&] {
        for (const auto& rec : impl_->db.images()) {
            if (!all && !impl_->db.refsOf(rec.id).empty()) continue;
            if (!usersOf(inUse, rec.id).empty()) continue;
            deleteImageLocked(*impl_, rec.id, res.lines, chains, blobs, &res.spaceReclaimed);
        }
    });
    impl_->releaseFiles(chains, blobs);
    gc();
    return res;
}

GcResult ImageStore::gc() {
    GcResult g;
    UniqueFd lk = impl_->lock(true);
    std::set<Digest> liveBlobs, liveLayers;
    impl_->db.read([&] {
        for (const auto& d : impl_->db.referencedBlobs()) liveBlobs.insert(d);
        for (const auto& d : impl_->db.layerChainIds()) liveLayers.insert(d);
    });
    for (const auto& b : impl_->blobs.list()) {
        if (liveBlobs.count(b)) continue;
        try {
            g.bytesFreed += impl_->blobs.size(b);
        } catch (const Error&) {
        }
        impl_->blobs.remove(b);
        ++g.blobsRemoved;
    }
    g.tempRemoved += impl_->blobs.cleanTemp();
    g.tempRemoved += static_cast<size_t>(removeStaleUnpackDirs(impl_->layersDir));
    for (const auto& n : dirEntries(impl_->layersDir)) {
        if (!Digest::isValid("sha256:" + n)) continue;
        if (liveLayers.count(Digest::fromHex(n))) continue;
        std::string dir = impl_->layersDir + "/" + n;
        g.bytesFreed += directorySize(dir);
        std::string gone = impl_->scratchDir("gone");
        if (::rename(dir.c_str(), (gone + "/l").c_str()) < 0) throw SysError("move " + dir);
        removeAll(gone);
        ++g.layersRemoved;
    }
    for (const auto& n : dirEntries(impl_->tmpDir)) {
        removeAll(impl_->tmpDir + "/" + n);
        ++g.tempRemoved;
    }
    return g;
}

DiskUsage ImageStore::diskUsage(const InUseFn& inUse) const {
    DiskUsage du;
    std::map<Digest, uint64_t> layerSize;
    std::set<Digest> activeLayers;
    impl_->db.read([&] {
        for (const auto& rec : impl_->db.images()) {
            ImageSummary s = impl_->summaryOf(rec);
            auto users = usersOf(inUse, rec.id);
            s.containers = static_cast<int>(users.size());
            ++du.images;
            if (!users.empty()) ++du.active;
            for (const auto& l : rec.layers) {
                layerSize[l.chainId] = l.size;
                if (!users.empty()) activeLayers.insert(l.chainId);
            }
            du.rows.push_back(std::move(s));
        }
    });
    for (const auto& [c, sz] : layerSize) {
        du.size += sz;
        if (!activeLayers.count(c)) du.reclaimable += sz;
    }
    for (const auto& b : impl_->blobs.list()) {
        try {
            du.blobBytes += impl_->blobs.size(b);
        } catch (const Error&) {
        }
    }
    return du;
}

}  // namespace berth::store
