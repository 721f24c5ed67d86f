// A minimal streaming tar writer (ustar, with pax records for long names and large sizes) for
// the archives `save` writes. Entries are written in order straight to an fd.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "store/unpack/layer_unpacker.hpp"

namespace berth::store {

class TarWriter {
  public:
    explicit TarWriter(int fd) : fd_(fd) {}
    void dir(const std::string& name);
    void file(const std::string& name, std::string_view data);
    // size bytes taken from read (which must supply exactly that many).
    void file(const std::string& name, uint64_t size, const ReadFn& read);
    // The two zero blocks that end an archive.
    void finish();

    // Low level: a header, then the caller writes size bytes with write() and calls pad().
    void header(const std::string& name, char type, uint64_t size, unsigned mode);
    void write(const void* data, size_t len);
    void pad(uint64_t size);

  private:
    int fd_;
};

}  // namespace berth::store
