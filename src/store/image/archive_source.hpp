// Read access to the files of an image archive by path: a tar file (docker-archive,
// oci-archive) indexed once so that members are read in place with pread (several layers
// concurrently, no extraction), or an OCI layout directory.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "common/fd.hpp"
#include "store/unpack/layer_unpacker.hpp"

namespace berth::store {

class ArchiveSource {
  public:
    virtual ~ArchiveSource() = default;
    virtual bool has(const std::string& path) const = 0;
    virtual uint64_t size(const std::string& path) const = 0;
    // A reader over the member from its start; independent readers may run on several threads.
    virtual ReadFn open(const std::string& path) const = 0;
    // Small members (manifests, configs); throws if larger than maxSize.
    std::string readAll(const std::string& path, uint64_t maxSize = 64u << 20) const;

    // A tar (plain; the caller decompresses first). Throws naming the archive if it is not a tar.
    static std::unique_ptr<ArchiveSource> tar(UniqueFd fd, const std::string& name);
    static std::unique_ptr<ArchiveSource> directory(const std::string& dir);
};

}  // namespace berth::store
