#include "engine/monitor/stdcopy.hpp"

namespace berth::monitor {

std::array<char, kStdcopyHeaderSize> stdcopyHeader(Stream stream, size_t len) {
    return {static_cast<char>(stream == Stream::Stdout ? 1 : 2),
            0,
            0,
            0,
            static_cast<char>(len >> 24),
            static_cast<char>(len >> 16),
            static_cast<char>(len >> 8),
            static_cast<char>(len)};
}

void takeStdcopyFrames(std::string& buffered,
                       const std::function<void(Stream, std::string_view)>& sink) {
    size_t off = 0;
    while (buffered.size() - off >= kStdcopyHeaderSize) {
        auto* h = reinterpret_cast<const unsigned char*>(buffered.data() + off);
        size_t len = (size_t{h[4]} << 24) | (size_t{h[5]} << 16) | (size_t{h[6]} << 8) | h[7];
        if (buffered.size() - off < kStdcopyHeaderSize + len) break;
        sink(h[0] == 2 ? Stream::Stderr : Stream::Stdout,
             std::string_view(buffered).substr(off + kStdcopyHeaderSize, len));
        off += kStdcopyHeaderSize + len;
    }
    buffered.erase(0, off);
}

}  // namespace berth::monitor
