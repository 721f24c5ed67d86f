#include <gtest/gtest.h>

#include "common/error.hpp"
#include "store/digest.hpp"

using namespace berth::store;

TEST(StoreDigest, Sha256KnownVectors) {
    EXPECT_EQ(sha256Of("").str(),
              "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    Sha256Hasher h;
    h.update("a");
    h.update("bc");
    EXPECT_EQ(h.finish().str(),
              "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(StoreDigest, ParseValidates) {
    EXPECT_THROW(Digest::parse("sha256:abc"), berth::Error);
    EXPECT_THROW(Digest::parse("md5:" + std::string(32, 'a')), berth::Error);
    EXPECT_THROW(Digest::parse("sha256:" + std::string(64, 'A')), berth::Error);
    EXPECT_THROW(Digest::parse(std::string(64, 'a')), berth::Error);
    Digest d = Digest::parse("sha256:" + std::string(64, 'a'));
    EXPECT_EQ(d.hex(), std::string(64, 'a'));
    EXPECT_EQ(d.shortId(), std::string(12, 'a'));
}

TEST(StoreDigest, ChainIdFollowsImageSpec) {
    Digest a = sha256Of("layer a"), b = sha256Of("layer b"), c = sha256Of("layer c");
    EXPECT_EQ(chainIdOf(Digest(), a), a);
    Digest ab = chainIdOf(a, b);
    EXPECT_EQ(ab, sha256Of(a.str() + " " + b.str()));
    EXPECT_EQ(chainIdOf(ab, c), sha256Of(ab.str() + " " + c.str()));
    EXPECT_NE(chainIdOf(b, a), ab);
}
