// Streaming decompressors behind one interface: isa-l inflate for gzip (multi-member, CRC
// checked), libzstd for zstd (multi-frame), and a pass-through for plain tars.
#pragma once

#include <cstddef>
#include <memory>

#include "store/unpack/layer_unpacker.hpp"

namespace berth::store {

class Decompressor {
  public:
    virtual ~Decompressor() = default;
    // Feeds compressed input (in/inLen, advanced as consumed) and writes decompressed bytes to
    // out (up to outCap). Returns bytes written. `inputEnded`: no more input will come; then a
    // truncated stream throws. Throws berth::Error on corrupt data.
    virtual size_t step(const unsigned char*& in, size_t& inLen, unsigned char* out, size_t outCap,
                        bool inputEnded) = 0;
    // True once the stream reached a clean end (all members/frames complete) with no input left.
    virtual bool finished() const = 0;
};

std::unique_ptr<Decompressor> makeDecompressor(Compression c);

}  // namespace berth::store
