// ImageStore on the peer-made fixtures, as any user (the tree checks run as root in
// tests/integration/store).
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <thread>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "store/image_store.hpp"
#include "support/failures.hpp"
#include "support/test_support.hpp"

using namespace berth;
using namespace berth::store;

namespace {

const std::string kBusyboxId = "sha256:69f33a9602f13535b9557a014970cfb553f7c3f782e23a7f367ce1e3d5c41eea";
const std::string kMultiId = "sha256:49bd63cbece3784c18158165dacbd121570a604a67712f32003d1a0b8c8f4533";
// skopeo rewrote the config when converting to OCI: a different (OCI) config, so another ID.
const std::string kMultiOciId = "sha256:dacbe6f25fddc938bf37ef0e3c02dbd2beb7903d45e3cd95ed9cd83cf4e88a0f";

std::string fixture(const std::string& n) { return test::fixturePath("images/" + n); }

}  // namespace

TEST(ImageStore, LoadsDockerArchiveWithDockersId) {
    test::TempDir tmp;
    ImageStore s = ImageStore::open(tmp / "root");
    LoadResult r = s.load(fixture("multilayer.docker.tar"));
    ASSERT_EQ(r.images.size(), 1u);
    EXPECT_EQ(r.images[0].id.str(), kMultiId);
    ASSERT_EQ(r.messages.size(), 1u);
    EXPECT_EQ(r.messages[0], "Loaded image: fixture/multilayer:1");
    EXPECT_EQ(s.resolve("fixture/multilayer:1").str(), kMultiId);
    EXPECT_EQ(s.resolve("49bd63").str(), kMultiId);
    EXPECT_EQ(s.resolve("docker.io/fixture/multilayer:1").str(), kMultiId);
    EXPECT_THROW(s.resolve("fixture/multilayer"), ImageNotFound);

    ImageLayers l = s.layers("fixture/multilayer:1");
    ASSERT_EQ(l.dirs.size(), 3u);
    for (const auto& d : l.dirs) EXPECT_TRUE(pathExists(d)) << d;
    EXPECT_EQ(l.dirs[0], s.layerDir(l.chainIds[2]));  // topmost first

    auto rows = s.list();
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].repoTags, std::vector<std::string>{"fixture/multilayer:1"});
    EXPECT_EQ(rows[0].labels.at("org.example.fixture"), "multilayer");
    EXPECT_GT(rows[0].size, 1000000u);
    EXPECT_EQ(rows[0].createdAt, "2026-11-28T10:25:21.713510415Z");

    auto j = s.inspect("fixture/multilayer:1");
    EXPECT_EQ(j["Id"], kMultiId);
    EXPECT_EQ(j["Config"]["WorkingDir"], "/data");
    EXPECT_EQ(j["Config"]["Cmd"][0], "cat");
    EXPECT_EQ(j["RootFS"]["Layers"].size(), 3u);
    EXPECT_EQ(j["Os"], "linux");
    EXPECT_EQ(j["Architecture"], "amd64");

    auto h = s.history("fixture/multilayer:1");
    ASSERT_GE(h.size(), 3u);
    EXPECT_EQ(h[0].id, kMultiId);
    EXPECT_EQ(h.back().comment, "Imported from -");
    EXPECT_EQ(h.back().id, "<missing>");
    EXPECT_GT(h.back().size, 0u);
}

TEST(ImageStore, LoadsOciArchivesGzipAndZstd) {
    test::TempDir tmp;
    ImageStore s = ImageStore::open(tmp / "root");
    for (const char* f : {"multilayer.oci-gzip.tar", "multilayer.oci-zstd.tar"}) {
        LoadResult r = s.load(fixture(f));
        ASSERT_EQ(r.images.size(), 1u) << f;
        EXPECT_EQ(r.images[0].id.str(), kMultiOciId) << f;
        EXPECT_EQ(r.images[0].refs, std::vector<std::string>{"fixture/multilayer:1"});
    }
    // Same config and diff_ids: one image, three shared layers.
    EXPECT_EQ(s.list().size(), 1u);
    auto l = s.layers(kMultiOciId);
    for (const auto& d : l.dirs) EXPECT_TRUE(pathExists(d)) << d;
}

TEST(ImageStore, ImagesShareLayersByChainId) {
    test::TempDir tmp;
    ImageStore s = ImageStore::open(tmp / "root");
    s.load(fixture("multilayer.docker.tar"));
    s.load(fixture("multilayer.oci-zstd.tar"));
    auto a = s.layers(kMultiId), b = s.layers(kMultiOciId);
    EXPECT_EQ(a.chainIds, b.chainIds);
    EXPECT_EQ(a.dirs, b.dirs);
    // The tag moved to the later load; the first image is dangling now.
    EXPECT_EQ(s.resolve("fixture/multilayer:1").str(), kMultiOciId);
    EXPECT_TRUE(s.summary(kMultiId).dangling());
    // Removing one keeps the shared layers for the other.
    auto lines = s.remove(kMultiId, false);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].str(), "Deleted: " + kMultiId);
    for (const auto& d : b.dirs) EXPECT_TRUE(pathExists(d)) << d;
}

TEST(ImageStore, LoadIsIdempotentAndTagsMove) {
    test::TempDir tmp;
    ImageStore s = ImageStore::open(tmp / "root");
    s.load(fixture("busybox.docker.tar"));
    LoadResult again = s.load(fixture("busybox.docker.tar"));
    EXPECT_EQ(again.images.at(0).id.str(), kBusyboxId);
    EXPECT_EQ(s.list().size(), 1u);
    s.tag("fixture/busybox:1", "bb");
    EXPECT_EQ(s.resolve("bb:latest").str(), kBusyboxId);
    EXPECT_EQ(s.summary("bb").repoTags.size(), 2u);
}

TEST(ImageStore, RemoveUntagsThenDeletesAndRespectsInUse) {
    test::TempDir tmp;
    ImageStore s = ImageStore::open(tmp / "root");
    s.load(fixture("busybox.docker.tar"));
    s.tag("fixture/busybox:1", "bb:2");
    auto lines = s.remove("bb:2", false);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].str(), "Untagged: bb:2");
    InUseFn used = [](const Digest&) { return std::vector<std::string>{"c0ffee00c0ffee"}; };
    try {
        s.remove("fixture/busybox:1", false, used);
        FAIL() << "no conflict";
    } catch (const ImageConflict& e) {
        EXPECT_NE(std::string(e.what()).find("container c0ffee00c0ff is using"), std::string::npos)
            << e.what();
    }
    auto dirs = s.layers(kBusyboxId).dirs;
    lines = s.remove("fixture/busybox:1", false);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0].str(), "Untagged: fixture/busybox:1");
    EXPECT_EQ(lines[1].str(), "Deleted: " + kBusyboxId);
    EXPECT_FALSE(pathExists(dirs[0]));
    EXPECT_TRUE(s.list().empty());
    GcResult g = s.gc();
    EXPECT_EQ(g.blobsRemoved, 0u);  // remove already released them
}

TEST(ImageStore, PruneAndGc) {
    test::TempDir tmp;
    ImageStore s = ImageStore::open(tmp / "root");
    s.load(fixture("multilayer.docker.tar"));
    s.load(fixture("multilayer.oci-gzip.tar"));  // takes the tag: the docker one dangles
    PruneResult p = s.prune(false);
    ASSERT_EQ(p.lines.size(), 1u);
    EXPECT_EQ(p.lines[0].str(), "Deleted: " + kMultiId);
    EXPECT_EQ(s.list().size(), 1u);
    p = s.prune(true, [](const Digest&) { return std::vector<std::string>{"x"}; });
    EXPECT_TRUE(p.lines.empty());
    p = s.prune(true);
    EXPECT_FALSE(p.lines.empty());
    EXPECT_GT(p.spaceReclaimed, 0u);
    EXPECT_TRUE(s.list().empty());
    DiskUsage du = s.diskUsage();
    EXPECT_EQ(du.images, 0u);
    EXPECT_EQ(du.blobBytes, 0u);
}

TEST(ImageStore, RejectsWhatIsNoImageArchive) {
    test::TempDir tmp;
    ImageStore s = ImageStore::open(tmp / "root");
    writeFile(tmp / "junk.tar", std::string(4096, 'x'));
    try {
        s.load(tmp / "junk.tar");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("not a tar"), std::string::npos) << e.what();
    }
    EXPECT_THROW(s.load(tmp / "missing.tar"), Error);
    EXPECT_TRUE(s.list().empty());
}

TEST(ImageStore, ConcurrentLoadsOfTheSameImage) {
    test::TempDir tmp;
    { ImageStore init = ImageStore::open(tmp / "root"); }
    auto load = [&](int i) {
        ImageStore s = ImageStore::open(tmp / "root");
        s.load(fixture(i == 1 ? "multilayer.docker.tar" : "multilayer.oci-gzip.tar"));
    };
    EXPECT_EQ(test::failedChildren(3, load), 0);
    ImageStore s = ImageStore::open(tmp / "root");
    EXPECT_EQ(s.list().size(), 2u);
    for (const auto& row : s.list())
        for (const auto& d : s.layers(row.id.str()).dirs) EXPECT_TRUE(pathExists(d)) << d;
    EXPECT_EQ(s.gc().layersRemoved, 0u);
}

TEST(ImageStore, LoadsACompressedArchiveFromAPipe) {
    test::TempDir tmp;
    auto gz = test::runCommand({"gzip", "-c", fixture("busybox.docker.tar")});
    ASSERT_EQ(gz.exitCode, 0);
    int p[2];
    ASSERT_EQ(pipe(p), 0);
    std::thread feeder([&] {
        size_t off = 0;
        while (off < gz.out.size()) {
            ssize_t n = ::write(p[1], gz.out.data() + off, gz.out.size() - off);
            if (n <= 0) break;
            off += static_cast<size_t>(n);
        }
        ::close(p[1]);
    });
    ImageStore s = ImageStore::open(tmp / "root");
    LoadResult r = s.load(p[0]);
    feeder.join();
    ::close(p[0]);
    EXPECT_EQ(r.images.at(0).id.str(), kBusyboxId);
    EXPECT_EQ(r.messages.at(0), "Loaded image: fixture/busybox:1");
}
