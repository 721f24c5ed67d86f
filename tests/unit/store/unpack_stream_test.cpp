// Decompression, diff_id and the all-or-nothing contract of unpackLayer (runs as any user).
#include <gtest/gtest.h>
#include <openssl/sha.h>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "store/unpack/layer_unpacker.hpp"
#include "support/test_support.hpp"
#include "unit/store/tar_builder.hpp"

using namespace berth;
using namespace berth::store;
using namespace berth::test;

namespace {

std::string sha256Hex(const std::string& data) {
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
    std::string out = "sha256:";
    const char* hex = "0123456789abcdef";
    for (unsigned char c : md) {
        out += hex[c >> 4];
        out += hex[c & 15];
    }
    return out;
}

std::string bigContent() {
    std::string big;
    for (int i = 0; i < 300000; ++i)
        big += std::to_string(static_cast<uint64_t>(i) * 7919u) + "\n";  // ~2 MB
    return big;
}

std::string sampleTar() {
    return TarBuilder().dir("d").file("d/big", bigContent()).file("d/small", "hello\n").bytes();
}

bool noTempLeft(const std::string& parent) {
    auto res = test::runCommand({"find", parent, "-maxdepth", "1", "-name", "*.unpack-*"});
    return res.out.empty();
}

}  // namespace

TEST(UnpackStream, DetectsCompressionFromMagic) {
    const unsigned char gz[] = {0x1f, 0x8b, 8, 0};
    const unsigned char zs[] = {0x28, 0xb5, 0x2f, 0xfd};
    const unsigned char tar[] = {'e', 't', 'c', '/'};
    EXPECT_EQ(detectCompression(gz, 4), Compression::Gzip);
    EXPECT_EQ(detectCompression(zs, 4), Compression::Zstd);
    EXPECT_EQ(detectCompression(tar, 4), Compression::None);
    EXPECT_EQ(detectCompression(zs, 2), Compression::None);
}

TEST(UnpackStream, PlainGzipZstdGiveTheSameTreeAndDiffId) {
    std::string tar = sampleTar();
    std::string want = sha256Hex(tar);
    TempDir tmp;
    struct Case {
        std::string name;
        std::string blob;
        Compression c;
    } cases[] = {{"plain", tar, Compression::None},
                 {"gzip", compress(tar, "gzip"), Compression::Gzip},
                 {"zstd", compress(tar, "zstd"), Compression::Zstd}};
    for (bool pipeline : {true, false}) {
        for (auto& c : cases) {
            std::string dir = tmp / (c.name + (pipeline ? "-p" : "-s"));
            UnpackOptions o;
            o.pipeline = pipeline;
            UnpackResult r = unpackString(c.blob, dir, o, 4096);
            EXPECT_EQ(r.diffId, want) << c.name;
            EXPECT_EQ(r.size, tar.size()) << c.name;
            EXPECT_EQ(r.compressedSize, c.blob.size()) << c.name;
            EXPECT_EQ(r.compression, c.c) << c.name;
            EXPECT_EQ(readFile(dir + "/d/small"), "hello\n") << c.name;
            EXPECT_TRUE(readFile(dir + "/d/big") == bigContent()) << c.name;
        }
    }
    EXPECT_TRUE(noTempLeft(tmp.path()));
}

TEST(UnpackStream, MultiMemberGzipIsOneStream) {
    std::string tar = sampleTar();
    size_t half = tar.size() / 2 + 123;  // members need not end on tar boundaries
    std::string blob = compress(tar.substr(0, half), "gzip") + compress(tar.substr(half), "gzip");
    TempDir tmp;
    UnpackResult r = unpackString(blob, tmp / "l");
    EXPECT_EQ(r.diffId, sha256Hex(tar));
    EXPECT_EQ(readFile(tmp / "l/d/small"), "hello\n");
}

TEST(UnpackStream, TruncatedOrCorruptBlobLeavesNothing) {
    std::string tar = sampleTar();
    std::string gz = compress(tar, "gzip");
    std::string zs = compress(tar, "zstd");
    std::string corrupt = gz;
    corrupt[corrupt.size() / 2] ^= 0x55;
    TempDir tmp;
    int i = 0;
    for (const std::string& blob : {gz.substr(0, gz.size() / 2), zs.substr(0, zs.size() - 10),
                                    tar.substr(0, tar.size() / 3), corrupt}) {
        std::string dir = tmp / ("l" + std::to_string(i++));
        EXPECT_THROW(unpackString(blob, dir), Error) << dir;
        EXPECT_FALSE(lexists(dir)) << dir;
    }
    EXPECT_TRUE(noTempLeft(tmp.path()));
}

TEST(UnpackStream, DiffIdMismatchIsRejected) {
    std::string tar = sampleTar();
    TempDir tmp;
    UnpackOptions o;
    o.layerName = "sha256:feed";
    o.expectedDiffId = "sha256:" + std::string(64, '0');
    try {
        unpackString(tar, tmp / "l", o);
        FAIL() << "accepted a wrong diff_id";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("layer sha256:feed: diff_id mismatch"),
                  std::string::npos)
            << e.what();
    }
    EXPECT_FALSE(lexists(tmp / "l"));
    o.expectedDiffId = sha256Hex(tar);
    EXPECT_EQ(unpackString(tar, tmp / "l", o).diffId, sha256Hex(tar));
}

TEST(UnpackStream, RefusesAnExistingTargetAndCleansStaleTemps) {
    TempDir tmp;
    mkdirAll(tmp / "l");
    EXPECT_THROW(unpackString(sampleTar(), tmp / "l"), Error);
    mkdirAll(tmp / "x.unpack-abc123/deep");
    EXPECT_EQ(removeStaleUnpackDirs(tmp.path()), 1);
    EXPECT_FALSE(lexists(tmp / "x.unpack-abc123"));
    EXPECT_TRUE(lexists(tmp / "l"));
}

TEST(UnpackStream, EmptyBlobIsAnEmptyLayer) {
    TempDir tmp;
    UnpackResult r = unpackString("", tmp / "l");
    EXPECT_EQ(r.entries, 0u);
    EXPECT_EQ(r.diffId, sha256Hex(""));
    EXPECT_TRUE(lexists(tmp / "l"));
}
