#include "store/unpack/decompressor.hpp"

#include <isa-l/igzip_lib.h>
#include <zstd.h>

#include <cstring>
#include <string>

#include "common/error.hpp"

namespace berth::store {

Compression detectCompression(const unsigned char* head, size_t len) {
    if (len >= 2 && head[0] == 0x1f && head[1] == 0x8b) return Compression::Gzip;
    if (len >= 4 && head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd)
        return Compression::Zstd;
    return Compression::None;
}

const char* compressionName(Compression c) {
    switch (c) {
        case Compression::Gzip:
            return "gzip";
        case Compression::Zstd:
            return "zstd";
        case Compression::None:
            break;
    }
    return "none";
}

namespace {

class PlainStream final : public Decompressor {
  public:
    size_t step(const unsigned char*& in, size_t& inLen, unsigned char* out, size_t outCap,
                bool inputEnded) override {
        size_t n = inLen < outCap ? inLen : outCap;
        std::memcpy(out, in, n);
        in += n;
        inLen -= n;
        ended_ = inputEnded && inLen == 0;
        return n;
    }
    bool finished() const override { return ended_; }

  private:
    bool ended_ = false;
};

// isa-l inflate with ISAL_GZIP: parses each member's header, checks its CRC32 and ISIZE.
// A gzip blob may hold several members back to back (RFC 1952 §2.2); we restart after each.
class GzipStream final : public Decompressor {
  public:
    GzipStream() : state_(std::make_unique<inflate_state>()) { reset(); }

    size_t step(const unsigned char*& in, size_t& inLen, unsigned char* out, size_t outCap,
                bool inputEnded) override {
        size_t produced = 0;
        while (produced < outCap) {
            if (memberDone_) {
                if (inLen == 0) break;
                reset();
            }
            state_->next_in = const_cast<unsigned char*>(in);
            state_->avail_in = static_cast<uint32_t>(inLen > UINT32_MAX ? UINT32_MAX : inLen);
            uint32_t before = state_->avail_in;
            state_->next_out = out + produced;
            size_t room = outCap - produced;
            state_->avail_out = static_cast<uint32_t>(room > UINT32_MAX ? UINT32_MAX : room);
            uint32_t outBefore = state_->avail_out;
            int rc = isal_inflate(state_.get());
            size_t consumed = before - state_->avail_in;
            in += consumed;
            inLen -= consumed;
            produced += outBefore - state_->avail_out;
            if (rc < 0)
                throw Error("gzip: corrupt data (isa-l error " + std::to_string(rc) + ")", EINVAL);
            if (state_->block_state == ISAL_BLOCK_FINISH) {
                memberDone_ = true;
                continue;
            }
            if (consumed == 0 && outBefore == state_->avail_out) break;  // needs more input
        }
        if (inputEnded && inLen == 0 && !memberDone_ && produced == 0)
            throw Error("gzip: truncated stream", EIO);
        return produced;
    }
    bool finished() const override { return memberDone_; }

  private:
    void reset() {
        isal_inflate_init(state_.get());
        state_->crc_flag = ISAL_GZIP;
        memberDone_ = false;
    }
    std::unique_ptr<inflate_state> state_;
    bool memberDone_ = false;
};

class ZstdStream final : public Decompressor {
  public:
    ZstdStream() : ctx_(ZSTD_createDStream()) {
        if (!ctx_) throw Error("zstd: out of memory", ENOMEM);
    }
    ~ZstdStream() override { ZSTD_freeDStream(ctx_); }

    size_t step(const unsigned char*& in, size_t& inLen, unsigned char* out, size_t outCap,
                bool inputEnded) override {
        if (inLen == 0 && frameDone_) return 0;  // clean end between frames
        ZSTD_inBuffer ib{in, inLen, 0};
        ZSTD_outBuffer ob{out, outCap, 0};
        size_t rc = ZSTD_decompressStream(ctx_, &ob, &ib);
        if (ZSTD_isError(rc)) throw Error(std::string("zstd: ") + ZSTD_getErrorName(rc), EINVAL);
        in += ib.pos;
        inLen -= ib.pos;
        // rc == 0: a frame is complete and fully flushed; further frames may follow.
        frameDone_ = rc == 0;
        if (inputEnded && inLen == 0 && ob.pos == 0 && !frameDone_)
            throw Error("zstd: truncated stream", EIO);
        return ob.pos;
    }
    bool finished() const override { return frameDone_; }

  private:
    ZSTD_DStream* ctx_;
    bool frameDone_ = false;
};

}  // namespace

std::unique_ptr<Decompressor> makeDecompressor(Compression c) {
    switch (c) {
        case Compression::Gzip:
            return std::make_unique<GzipStream>();
        case Compression::Zstd:
            return std::make_unique<ZstdStream>();
        case Compression::None:
            break;
    }
    return std::make_unique<PlainStream>();
}

}  // namespace berth::store
