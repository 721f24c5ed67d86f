// ImageStore internals shared by the files that implement it (image_store.cpp: queries and
// changes; image_loader.cpp: load; image_saver.cpp: save; image_import.cpp: import; gc.cpp).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/fd.hpp"
#include "store/blob_store.hpp"
#include "store/image/image_model.hpp"
#include "store/image/metadata_db.hpp"
#include "store/image_store.hpp"
#include "store/reference.hpp"
#include "store/unpack/layer_unpacker.hpp"

namespace berth::store {

struct ImageStore::Impl {
    explicit Impl(const std::string& root);

    std::string root;
    std::string layersDir;  // <root>/layers
    std::string tmpDir;     // <root>/tmp
    BlobStore blobs;
    MetadataDb db;

    // store.lock: shared while a load/import writes blobs and layer dirs that the DB does not
    // reference yet; exclusive for gc and for the startup cleanup, so neither removes them.
    UniqueFd lock(bool exclusive, bool wait = true) const;
    std::string layerDir(const Digest& chainId) const { return layersDir + "/" + chainId.hex(); }
    // An anonymous scratch file under tmp/ (O_TMPFILE: gone when closed, even on kill -9).
    UniqueFd scratchFile() const;
    // A scratch dir under tmp/ ("<prefix>-XXXXXX"), removed by the startup cleanup if orphaned.
    std::string scratchDir(const std::string& prefix) const;

    Digest resolve(std::string_view refOrId) const;
    std::optional<Digest> tryResolve(std::string_view refOrId) const;
    ImageRecord record(const Digest& id) const;
    ImageConfig configOf(const Digest& id) const;
    ImageSummary summaryOf(const ImageRecord& rec) const;
    // Tags ref → id in a transaction-less context (caller holds one); returns messages.
    void tagLocked(const Reference& ref, const Digest& id, std::vector<std::string>* messages);
    // Removes the files of released layers and unreferenced blobs when no load is running.
    void releaseFiles(const std::vector<Digest>& chains, const std::vector<Digest>& blobs);
    // A layer from the tar stream on fd (`import`'s tarball, `commit`'s diff), read once: the
    // bytes go to a blob as they are, and through the unpacker into layers/<chain id> (a dir
    // already there, the same content, is kept). chainIdOf: the chain ID from the diff ID (the
    // layer's place on its parent's chain). Caller holds lock(false). Throws SysError naming
    // `source` when fd cannot be read.
    ImageLayerRecord storeLayerFrom(int fd, const std::string& source, const UnpackOptions& opts,
                                    const std::function<Digest(const Digest&)>& chainIdOf);
};

// Docker's layer DiffSize: bytes of regular files and symlinks, each inode once.
uint64_t directorySize(const std::string& dir);

}  // namespace berth::store
