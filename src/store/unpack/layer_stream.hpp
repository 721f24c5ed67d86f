// The uncompressed tar stream of a layer blob: reads the blob, detects and undoes its
// compression, and hashes the result (the layer's diff_id, OCI image-spec config.md
// "rootfs.diff_ids"). With `pipeline`, reading + decompressing + hashing run on a producer
// thread, so the tar writer on the calling thread overlaps with them (2 cores per layer).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/digest.hpp"
#include "store/unpack/decompressor.hpp"
#include "store/unpack/layer_unpacker.hpp"

namespace berth::store {

class LayerStream {
  public:
    LayerStream(ReadFn read, size_t bufferSize, bool pipeline);
    ~LayerStream();  // stops and joins the producer
    LayerStream(const LayerStream&) = delete;
    LayerStream& operator=(const LayerStream&) = delete;

    // Next chunk of uncompressed data (valid until the next call); size 0 at the end.
    // Throws the producer's error (corrupt/truncated compression, read error).
    size_t next(const void** data);
    // Reads and hashes whatever is left (tar padding after the end-of-archive blocks).
    void drain();

    Compression compression() const { return compression_; }
    uint64_t compressedBytes() const { return compressedBytes_; }
    uint64_t uncompressedBytes() const { return uncompressedBytes_; }
    // "sha256:<hex>" of all uncompressed bytes; call after next() returned 0 or drain().
    std::string digest();

  private:
    struct Chunk {
        std::vector<unsigned char> data;
        size_t size = 0;
    };
    // Fills chunk with the next uncompressed bytes; false at end of stream.
    bool produce(Chunk& chunk);
    void producerLoop();

    ReadFn read_;
    size_t bufferSize_;
    Compression compression_ = Compression::None;
    std::unique_ptr<Decompressor> decompressor_;
    std::vector<unsigned char> inBuf_;
    const unsigned char* inPos_ = nullptr;
    size_t inLen_ = 0;
    bool inputEnded_ = false;
    uint64_t compressedBytes_ = 0;
    uint64_t uncompressedBytes_ = 0;
    Sha256Hasher sha_;
    std::string digest_;

    // Pipeline state: full chunks flow producer → consumer, empty ones back.
    bool pipeline_;
    std::thread producer_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::unique_ptr<Chunk>> full_;
    std::deque<std::unique_ptr<Chunk>> empty_;
    bool producerDone_ = false;
    bool stop_ = false;
    std::exception_ptr error_;
    std::unique_ptr<Chunk> current_;  // the chunk the consumer is reading
};

}  // namespace berth::store
