// Docker's stdcopy frames: what the monitor writes reads back, across any split of the bytes.
#include "engine/monitor/stdcopy.hpp"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

using namespace berth::monitor;

namespace {

std::string frame(Stream s, const std::string& payload) {
    auto h = stdcopyHeader(s, payload.size());
    return std::string(h.data(), h.size()) + payload;
}

}  // namespace

TEST(Stdcopy, HeaderIsDockers) {
    auto h = stdcopyHeader(Stream::Stderr, 0x01020304);
    EXPECT_EQ(std::string(h.data(), h.size()), std::string("\x02\0\0\0\x01\x02\x03\x04", 8));
    h = stdcopyHeader(Stream::Stdout, 5);
    EXPECT_EQ(std::string(h.data(), h.size()), std::string("\x01\0\0\0\0\0\0\x05", 8));
}

TEST(Stdcopy, TakesCompleteFramesWhateverTheChunks) {
    std::string stream = frame(Stream::Stdout, "out1\n") + frame(Stream::Stderr, "err\n") +
                         frame(Stream::Stdout, "") + frame(Stream::Stdout, std::string(300, 'x'));
    for (size_t chunk : {size_t(1), size_t(3), size_t(8), size_t(13), stream.size()}) {
        std::vector<std::pair<Stream, std::string>> got;
        std::string buffered;
        for (size_t off = 0; off < stream.size(); off += chunk) {
            buffered.append(stream, off, chunk);
            takeStdcopyFrames(buffered, [&](Stream s, std::string_view p) {
                got.emplace_back(s, std::string(p));
            });
        }
        EXPECT_TRUE(buffered.empty()) << chunk;
        ASSERT_EQ(got.size(), 4u) << chunk;
        EXPECT_EQ(got[0], std::make_pair(Stream::Stdout, std::string("out1\n")));
        EXPECT_EQ(got[1], std::make_pair(Stream::Stderr, std::string("err\n")));
        EXPECT_EQ(got[2], std::make_pair(Stream::Stdout, std::string()));
        EXPECT_EQ(got[3], std::make_pair(Stream::Stdout, std::string(300, 'x')));
    }
}

TEST(Stdcopy, KeepsAnIncompleteFrame) {
    std::string buffered = frame(Stream::Stderr, "abc").substr(0, 10);
    int calls = 0;
    takeStdcopyFrames(buffered, [&](Stream, std::string_view) { ++calls; });
    EXPECT_EQ(calls, 0);
    EXPECT_EQ(buffered.size(), 10u);
}
