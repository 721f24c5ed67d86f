// OverlaySnapshot against the real kernel: many layers, copy-up into the upper, whiteouts,
// diff, unmount/remove, and the support probe.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "store/snapshot/overlay_snapshot.hpp"
#include "store/snapshot/snapshot_diff.hpp"
#include "store/unpack/layer_unpacker.hpp"
#include "support/test_support.hpp"
#include "unit/store/tar_builder.hpp"

using namespace berth;
using namespace berth::store;
using namespace berth::test;

namespace {

bool isMounted(const std::string& path) {
    std::ifstream in("/proc/self/mountinfo");
    std::string line;
    while (std::getline(in, line))
        if (line.find(" " + path + " ") != std::string::npos) return true;
    return false;
}

}  // namespace

TEST(OverlaySnapshot, MountsSeventyLayersWithLongPaths) {
    BERTH_REQUIRE_ROOT();
    TempDir tmp("berth-overlay");
    // Long layer paths (like layers/<64-hex chain id>) make the legacy option string > 4 KiB.
    std::string base = tmp / std::string(60, 'p');
    mkdirAll(base);
    std::vector<std::string> lowers;
    const int kLayers = 70;
    for (int i = 0; i < kLayers; ++i) {
        std::string dir = base + "/layer-" + std::string(50, 'x') + std::to_string(i);
        TarBuilder tb;
        tb.dir("layers").file("layers/" + std::to_string(i), std::to_string(i));
        tb.file("top", "from layer " + std::to_string(i));
        if (i == 5) tb.file("doomed", "d");
        if (i == 40) tb.file(".wh.doomed", "");
        unpackString(tb.bytes(), dir);
        lowers.insert(lowers.begin(), dir);
    }
    OverlayLayout l{lowers, tmp / "upper", tmp / "work", tmp / "merged"};
    ASSERT_GT(legacyOverlayOptions(l).size(), 4096u);
    OverlaySnapshot snap = OverlaySnapshot::mount(l);
    EXPECT_TRUE(isMounted(tmp / "merged"));
    EXPECT_EQ(readFile(tmp / "merged/top"), "from layer 69");
    EXPECT_EQ(readFile(tmp / "merged/layers/0"), "0");
    EXPECT_EQ(readFile(tmp / "merged/layers/69"), "69");
    EXPECT_FALSE(lexists(tmp / "merged/doomed"));

    // Writes land in the upper; the lowers stay untouched; diff sees them.
    writeFile(tmp / "merged/layers/3", "changed");
    writeFile(tmp / "merged/added", "a");
    ASSERT_EQ(::unlink((tmp / "merged/top").c_str()), 0);
    EXPECT_EQ(readFile(lowers.back() + "/layers/0"), "0");
    EXPECT_EQ(readFile(lowers[kLayers - 1 - 3] + "/layers/3"), "3");
    std::vector<Change> changes = overlayDiff(lowers, tmp / "upper");
    std::vector<Change> want = {{ChangeKind::Added, "/added"},
                                {ChangeKind::Changed, "/layers"},
                                {ChangeKind::Changed, "/layers/3"},
                                {ChangeKind::Deleted, "/top"}};
    EXPECT_EQ(changes, want);

    snap.remove();
    EXPECT_FALSE(isMounted(tmp / "merged"));
    EXPECT_FALSE(lexists(tmp / "upper"));
    EXPECT_FALSE(lexists(tmp / "merged"));
}

TEST(OverlaySnapshot, DestructorUnmountsAndProbeWorks) {
    BERTH_REQUIRE_ROOT();
    TempDir tmp("berth-overlay");
    unpackString(TarBuilder().file("f", "1").bytes(), tmp / "l0");
    {
        OverlaySnapshot snap =
            OverlaySnapshot::mount({{tmp / "l0"}, tmp / "u", tmp / "w", tmp / "m"});
        EXPECT_TRUE(isMounted(tmp / "m"));
    }
    EXPECT_FALSE(isMounted(tmp / "m"));
    EXPECT_TRUE(overlaySupported(tmp.path()));
    auto left = test::runCommand({"find", tmp.path(), "-name", ".overlay-probe-*"});
    EXPECT_EQ(left.out, "");
}
