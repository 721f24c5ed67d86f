// Content-addressed blob store: <root>/blobs/sha256/<hex>.
// Every blob is written to <root>/blobs/tmp/, hashed while it is written, checked against the
// digest the caller expects, fsynced and renamed into place: a blob that is visible under its
// digest is always complete and correct. A writer holds flock() on its temp file, so the
// cleanup at the next open removes only temp files whose writer died (kill -9), never the
// in-progress file of another berth process.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/fd.hpp"
#include "store/digest.hpp"

namespace berth::store {

class BlobWriter {
  public:
    BlobWriter(BlobWriter&&) noexcept;
    BlobWriter& operator=(BlobWriter&&) = delete;
    ~BlobWriter();  // removes the temp file unless committed

    void write(const void* data, size_t len);
    void write(std::string_view s) { write(s.data(), s.size()); }
    uint64_t bytesWritten() const { return size_; }

    // Verifies (digest and, if given, size), fsyncs and renames into place. Throws berth::Error
    // naming both digests on a mismatch; the temp file is removed and nothing becomes visible.
    Digest commit(const std::optional<Digest>& expected = std::nullopt,
                  std::optional<uint64_t> expectedSize = std::nullopt);

  private:
    friend class BlobStore;
    BlobWriter(std::string blobsDir, std::string tmpPath, UniqueFd fd);
    std::string blobsDir_;
    std::string tmpPath_;
    UniqueFd fd_;
    Sha256Hasher hash_;
    uint64_t size_ = 0;
    bool done_ = false;
};

class BlobStore {
  public:
    // root is the state root; creates blobs/sha256 and blobs/tmp, and removes temp files left by
    // dead writers.
    explicit BlobStore(std::string root);

    std::string path(const Digest& d) const;
    bool has(const Digest& d) const;
    uint64_t size(const Digest& d) const;     // throws if absent
    UniqueFd open(const Digest& d) const;     // O_RDONLY; throws Error("blob ... not found")
    std::string read(const Digest& d) const;  // whole blob (manifests, configs)

    BlobWriter writer() const;
    // Writes data as a blob; if expected is given the content must hash to it.
    Digest put(std::string_view data, const std::optional<Digest>& expected = std::nullopt) const;
    // Copies everything readable from fd into a blob (verified against expected if given).
    Digest putFromFd(int fd, const std::optional<Digest>& expected = std::nullopt,
                     std::optional<uint64_t> expectedSize = std::nullopt) const;

    void remove(const Digest& d) const;  // absent is fine
    std::vector<Digest> list() const;
    // Removes temp files nobody holds locked; returns how many.
    size_t cleanTemp() const;

    const std::string& root() const { return root_; }

  private:
    std::string root_;
    std::string blobsDir_;  // <root>/blobs/sha256
    std::string tmpDir_;    // <root>/blobs/tmp
};

}  // namespace berth::store
