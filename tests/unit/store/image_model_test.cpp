#include <gtest/gtest.h>

#include "common/error.hpp"
#include "store/image/image_model.hpp"
#include "support/failures.hpp"

using namespace berth;
using namespace berth::store;
using berth::test::errorOf;

namespace {

const std::string kD1 = "sha256:" + std::string(64, 'a');
const std::string kD2 = "sha256:" + std::string(64, 'b');

}  // namespace

TEST(ImageModel, ParsesOciManifest) {
    std::string doc = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
      "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" + kD1 + R"(","size":7},
      "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+zstd","digest":")" + kD2 + R"(","size":9}]})";
    Manifest m = parseManifest(doc, "manifest x");
    EXPECT_EQ(m.config.digest.str(), kD1);
    ASSERT_EQ(m.layers.size(), 1u);
    EXPECT_EQ(m.layers[0].size, 9u);
    EXPECT_EQ(m.layers[0].mediaType, media::kOciLayerZstd);
}

TEST(ImageModel, ParsesDockerSchema2Manifest) {
    std::string doc = R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
      "config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":")" + kD1 + R"(","size":7},
      "layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","digest":")" + kD2 + R"(","size":9}]})";
    EXPECT_EQ(parseManifest(doc, "m").layers.at(0).mediaType, media::kDockerLayerGzip);
}

TEST(ImageModel, ErrorsNameTheField) {
    std::string bad = R"({"schemaVersion":2,"config":{"digest":")" + kD1 +
                      R"(","size":1},"layers":[{"digest":"sha256:xyz","size":1}]})";
    EXPECT_NE(errorOf([&] { parseManifest(bad, "manifest m"); }).find("manifest m: field \"layers[0].digest\""),
              std::string::npos);
    EXPECT_NE(errorOf([&] { parseManifest(R"({"schemaVersion":1})", "m"); }).find("schemaVersion"),
              std::string::npos);
    EXPECT_NE(errorOf([&] { parseImageConfig(R"({"rootfs":{"type":"layers","diff_ids":[1]}})", "config c"); })
                  .find("rootfs.diff_ids[0]"),
              std::string::npos);
    EXPECT_NE(errorOf([&] { parseImageConfig(R"({"architecture":"amd64"})", "c"); }).find("\"rootfs\""),
              std::string::npos);
    EXPECT_NE(errorOf([&] { parseImageConfig("[", "c"); }).find("not valid JSON"), std::string::npos);
}

TEST(ImageModel, ParsesConfig) {
    std::string doc = R"({"architecture":"amd64","os":"linux","created":"2026-11-28T10:25:21.7Z",
      "config":{"Cmd":["sh"],"Labels":{"a":"b"}},
      "history":[{"created":"2020-01-01T00:00:00Z","created_by":"x"},{"empty_layer":true}],
      "rootfs":{"type":"layers","diff_ids":[")" + kD1 + R"("]}})";
    ImageConfig c = parseImageConfig(doc, "c");
    EXPECT_EQ(c.architecture, "amd64");
    EXPECT_EQ(c.labels.at("a"), "b");
    ASSERT_EQ(c.history.size(), 2u);
    EXPECT_TRUE(c.history[1].emptyLayer);
    EXPECT_EQ(c.diffIds.at(0).str(), kD1);
    EXPECT_EQ(parseRfc3339(c.created), 1795861521);
    EXPECT_EQ(parseRfc3339("2020-01-01T02:00:00+02:00"), 1577836800);
}

TEST(ImageModel, ChoosesLinuxAmd64) {
    std::string doc = R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[
      {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":")" + kD1 +
                      R"(","size":1,"platform":{"os":"linux","architecture":"arm64"}},
      {"mediaType":"application/vnd.docker.distribution.manifest.v2+json","digest":")" + kD2 +
                      R"(","size":1,"platform":{"os":"linux","architecture":"amd64"}}]})";
    Index idx = parseIndex(doc, "list");
    EXPECT_EQ(choosePlatform(idx.manifests, "list").digest.str(), kD2);
    idx.manifests.pop_back();
    EXPECT_NE(errorOf([&] { choosePlatform(idx.manifests, "list"); }).find("offered: linux/arm64"),
              std::string::npos);
}

TEST(ImageModel, ChainIds) {
    auto d1 = Digest::parse(kD1), d2 = Digest::parse(kD2);
    auto c = chainIds({d1, d2});
    ASSERT_EQ(c.size(), 2u);
    EXPECT_EQ(c[0], d1);
    EXPECT_EQ(c[1], chainIdOf(d1, d2));
}
