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
#include "store/snapshot/copy_snapshot.hpp"
#include "store/snapshot/overlay_snapshot.hpp"
#include "store/unpack/layer_unpacker.hpp"
#include "support/test_support.hpp"
#include "unit/store/tar_builder.hpp"

using namespace berth;
using namespace berth::store;
using berth::test::StringReader;
using berth::test::TempDir;

namespace {

struct Row {
    std::string type, mode, owner, size, link, mtime;
};

std::map<std::string, Row> expectedTree() {
    std::ifstream in(test::fixturePath("images/multilayer.expected-tree.tsv"));
    std::map<std::string, Row> rows;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> f;
        std::stringstream ss(line);
        std::string cell;
        while (std::getline(ss, cell, '\t')) f.push_back(cell);
        f.resize(7);
        rows[f[0]] = {f[1], f[2], f[3], f[4], f[5], f[6]};
    }
    return rows;
}

void listTree(const std::string& root, const std::string& rel, std::map<std::string, Row>& out,
              const std::map<std::string, Row>& want) {
    struct stat st {};
    if (::lstat((root + rel).c_str(), &st) < 0) throw SysError("lstat " + root + rel);
    Row r;
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", st.st_mode & 07777);
    r.mode = mode;
    r.owner = std::to_string(st.st_uid) + ":" + std::to_string(st.st_gid);
    r.size = "0";
    if (S_ISDIR(st.st_mode))
        r.type = "d";
    else if (S_ISREG(st.st_mode))
        r.type = "f", r.size = std::to_string(st.st_size);
    else if (S_ISFIFO(st.st_mode))
        r.type = "p";
    else if (S_ISCHR(st.st_mode))
        r.type = st.st_rdev == 0 ? "whiteout!" : "c";
    else if (S_ISLNK(st.st_mode)) {
        r.type = "l";
        char t[4096];
        ssize_t n = ::readlink((root + rel).c_str(), t, sizeof t);
        r.link.assign(t, n > 0 ? static_cast<size_t>(n) : 0);
    }
    auto w = want.find(rel);
    if (w != want.end() && !w->second.mtime.empty()) r.mtime = std::to_string(st.st_mtim.tv_sec);
    out[rel] = r;
    if (S_ISDIR(st.st_mode)) {
        auto ls = test::runCommand({"ls", "-A", root + rel});
        std::stringstream ss(ls.out);
        std::string n;
        while (std::getline(ss, n))
            if (!n.empty()) listTree(root, rel + "/" + n, out, want);
    }
}

std::string show(const std::map<std::string, Row>& t) {
    std::string s;
    for (const auto& [p, r] : t)
        s += p + "\t" + r.type + "\t" + r.mode + "\t" + r.owner + "\t" + r.size + "\t" + r.link +
             "\t" + r.mtime + "\n";
    return s;
}

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
