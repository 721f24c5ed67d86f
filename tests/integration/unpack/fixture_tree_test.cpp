// Acceptance: the layers of the peer-made multilayer image (docker-archive with plain tar
// layers; OCI archives with gzip and zstd layers) unpack to the diff_ids of the image config,
// and their overlay (mounted for real) and the copy driver's rootfs show exactly the /data tree
// Docker shows (fixtures/images/multilayer.expected-tree.tsv).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <fstream>
#include <sstream>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "fixture_reader.hpp"
#include "fixture_tree.hpp"
#include "store/snapshot/copy_snapshot.hpp"
#include "store/snapshot/overlay_snapshot.hpp"
#include "store/unpack/layer_unpacker.hpp"
#include "support/test_support.hpp"
#include "unit/store/tar_builder.hpp"

using namespace berth;
using namespace berth::store;
using namespace berth::test;

namespace {

using test::expectedTree;
using test::listTree;
using test::Row;
using test::show;

class FixtureTree : public ::testing::TestWithParam<std::string> {};

}  // namespace

TEST_P(FixtureTree, LayersUnpackToDockersTree) {
    BERTH_REQUIRE_ROOT();
    test::FixtureImage img = test::readFixtureImage(test::fixturePath("images/" + GetParam()));
    ASSERT_EQ(img.layers.size(), img.diffIds.size());
    ASSERT_GE(img.layers.size(), 3u);
    TempDir tmp("berth-fixture");
    std::vector<std::string> lowers;  // topmost first
    for (size_t i = 0; i < img.layers.size(); ++i) {
        std::string dir = tmp / ("layer" + std::to_string(i));
        UnpackOptions o;
        o.layerName = GetParam() + "#" + std::to_string(i);
        o.expectedDiffId = img.diffIds[i];
        StringReader r{img.layers[i]};
        UnpackResult res = unpackLayer(ReadFn(std::ref(r)), dir, o);
        EXPECT_EQ(res.diffId, img.diffIds[i]);
        if (GetParam().find("gzip") != std::string::npos) {
            EXPECT_EQ(res.compression, Compression::Gzip);
        } else if (GetParam().find("zstd") != std::string::npos) {
            EXPECT_EQ(res.compression, Compression::Zstd);
        } else {
            EXPECT_EQ(res.compression, Compression::None);
        }
        lowers.insert(lowers.begin(), dir);
    }
    auto want = expectedTree();
    ASSERT_FALSE(want.empty());

    OverlayLayout l{lowers, tmp / "upper", tmp / "work", tmp / "merged"};
    {
        OverlaySnapshot snap = OverlaySnapshot::mount(l);
        std::map<std::string, Row> got;
        listTree(tmp / "merged", "/data", got, want);
        EXPECT_EQ(show(got), show(want)) << "overlay";
        snap.remove();
    }
    CopySnapshot::create(lowers, tmp / "copy");
    std::map<std::string, Row> copied;
    listTree(tmp / "copy", "/data", copied, want);
    EXPECT_EQ(show(copied), show(want)) << "copy driver";
}

INSTANTIATE_TEST_SUITE_P(Archives, FixtureTree,
                         ::testing::Values("multilayer.docker.tar", "multilayer.oci-gzip.tar",
                                           "multilayer.oci-zstd.tar"),
                         [](const auto& info) {
                             std::string n = info.param;
                             for (auto& c : n)
                                 if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                             return n;
                         });
