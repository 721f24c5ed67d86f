// ImageStore::Impl::storeLayerFrom: one layer from a tar stream, for `import` and `commit`.
#include <fcntl.h>
#include <unistd.h>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "store/image/store_impl.hpp"

namespace berth::store {

ImageLayerRecord ImageStore::Impl::storeLayerFrom(
    int fd, const std::string& source, const UnpackOptions& opts,
    const std::function<Digest(const Digest&)>& chainIdOf) {
    BlobWriter writer = blobs.writer();
    ReadFn tee = [&](void* buf, size_t len) -> size_t {
        for (;;) {
            ssize_t n = ::read(fd, buf, len);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw SysError("read " + source);
            if (n > 0) writer.write(buf, static_cast<size_t>(n));
            return static_cast<size_t>(n);
        }
    };
    std::string scratch = scratchDir("layer");
    try {
        UnpackResult res = unpackLayer(tee, scratch + "/layer", opts);
        char drain[65536];  // the blob is the whole stream, padding after the tar included
        while (tee(drain, sizeof drain) > 0) {
        }
        ImageLayerRecord layer;
        layer.diffId = Digest::parse(res.diffId);
        layer.chainId = chainIdOf(layer.diffId);
        layer.diffSize = res.size;
        layer.mediaType = media::ociLayerType(res.compression);
        layer.size = directorySize(scratch + "/layer");
        layer.blob = writer.commit();
        layer.blobSize = writer.bytesWritten();
        std::string dir = layerDir(layer.chainId);
        if (::renameat2(AT_FDCWD, (scratch + "/layer").c_str(), AT_FDCWD, dir.c_str(),
                        RENAME_NOREPLACE) < 0 &&
            errno != EEXIST && errno != ENOTEMPTY)
            throw SysError("rename layer into " + dir);
        removeAll(scratch);
        return layer;
    } catch (...) {
        removeAll(scratch);
        throw;
    }
}

}  // namespace berth::store
