// Acceptance (issue 4): each peer-made fixture loads through ImageStore::load with the image ID
// Docker gave it, and the image's layers (mounted as an overlay, as the engine will) show
// exactly the /data tree Docker shows.
#include <gtest/gtest.h>

#include "common/file_io.hpp"
#include "integration/unpack/fixture_tree.hpp"
#include "store/image_store.hpp"
#include "store/snapshot/overlay_snapshot.hpp"
#include "support/test_support.hpp"

using namespace berth;
using namespace berth::store;

namespace {

struct Case {
    std::string file;
    std::string id;
    std::string ref;
    bool multilayer;
};

class LoadFixture : public ::testing::TestWithParam<Case> {};

}  // namespace

TEST_P(LoadFixture, IdAndTree) {
    BERTH_REQUIRE_ROOT();
    const Case& c = GetParam();
    test::TempDir tmp("berth-store-it");
    ImageStore s = ImageStore::open(tmp / "root");
    LoadResult r = s.load(test::fixturePath("images/" + c.file));
    ASSERT_EQ(r.images.size(), 1u);
    EXPECT_EQ(r.images[0].id.str(), c.id);
    EXPECT_EQ(s.resolve(c.ref).str(), c.id);
    ImageLayers l = s.layers(c.ref);
    OverlayLayout layout{l.dirs, tmp / "upper", tmp / "work", tmp / "merged"};
    OverlaySnapshot snap = OverlaySnapshot::mount(layout);
    if (c.multilayer) {
        auto want = test::expectedTree();
        std::map<std::string, test::Row> got;
        test::listTree(tmp / "merged", "/data", got, want);
        EXPECT_EQ(test::show(got), test::show(want));
    } else {
        EXPECT_TRUE(pathExists(tmp / "merged/bin/busybox"));
    }
    snap.remove();
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, LoadFixture,
    ::testing::Values(
        Case{"busybox.docker.tar",
             "sha256:69f33a9602f13535b9557a014970cfb553f7c3f782e23a7f367ce1e3d5c41eea",
             "fixture/busybox:1", false},
        Case{"multilayer.docker.tar",
             "sha256:49bd63cbece3784c18158165dacbd121570a604a67712f32003d1a0b8c8f4533",
             "fixture/multilayer:1", true},
        Case{"multilayer.oci-gzip.tar",
             "sha256:dacbe6f25fddc938bf37ef0e3c02dbd2beb7903d45e3cd95ed9cd83cf4e88a0f",
             "fixture/multilayer:1", true},
        Case{"multilayer.oci-zstd.tar",
             "sha256:dacbe6f25fddc938bf37ef0e3c02dbd2beb7903d45e3cd95ed9cd83cf4e88a0f",
             "fixture/multilayer:1", true}),
    [](const auto& info) {
        std::string n = info.param.file;
        for (auto& ch : n)
            if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
        return n;
    });

TEST(LoadFixtureOci, ZstdManifestDigestIsKept) {
    BERTH_REQUIRE_ROOT();
    test::TempDir tmp("berth-store-it");
    ImageStore s = ImageStore::open(tmp / "root");
    s.load(test::fixturePath("images/multilayer.oci-zstd.tar"));
    // Resolvable by the manifest digest skopeo recorded.
    EXPECT_EQ(s.resolve("fixture/multilayer@sha256:fad623248365e64e46001c1c22ff1edb2ea38522331e2ed33e7a39ab708c3f2d")
                  .str(),
              "sha256:dacbe6f25fddc938bf37ef0e3c02dbd2beb7903d45e3cd95ed9cd83cf4e88a0f");
}
