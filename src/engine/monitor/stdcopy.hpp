// Docker's stdcopy framing (moby pkg/stdcopy) of an attach stream without a tty: each chunk of
// output goes as an 8-byte header [stream: 1 stdout | 2 stderr, 0, 0, 0, size as big-endian
// uint32] and then the chunk. The monitor writes it; the engine and the tests take it apart.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "engine/monitor/json_log.hpp"

namespace berth::monitor {

constexpr size_t kStdcopyHeaderSize = 8;

// The header of a frame that carries len bytes of stream's output.
std::array<char, kStdcopyHeaderSize> stdcopyHeader(Stream stream, size_t len);

// Hands each complete frame at the front of buffered to sink and erases them; an incomplete last
// frame stays for the next read to complete (append each chunk read, then call this).
void takeStdcopyFrames(std::string& buffered,
                       const std::function<void(Stream, std::string_view)>& sink);

}  // namespace berth::monitor
