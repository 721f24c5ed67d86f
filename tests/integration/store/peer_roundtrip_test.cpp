// Round trips with real peers (issue 4 acceptance). Each test skips, saying why, when its peer is
// not installed: docker (private dockerd via bench/lib/peers.sh), skopeo, umoci.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "common/file_io.hpp"
#include "integration/unpack/fixture_tree.hpp"
#include "store/image_store.hpp"
#include "support/test_support.hpp"

using namespace berth;
using namespace berth::store;

namespace {

const std::string kMultiId = "sha256:49bd63cbece3784c18158165dacbd121570a604a67712f32003d1a0b8c8f4533";
const std::string kMultiOciId = "sha256:dacbe6f25fddc938bf37ef0e3c02dbd2beb7903d45e3cd95ed9cd83cf4e88a0f";

bool have(const std::string& tool) {
    return test::runCommand({"sh", "-c", "command -v " + tool}).exitCode == 0;
}

#define REQUIRE_TOOL(t) \
    if (!have(t)) GTEST_SKIP() << t " is not installed: round trip with " t " not checked"

}  // namespace

TEST(PeerRoundTrip, SkopeoOciLayoutLoads) {
    BERTH_REQUIRE_ROOT();
    REQUIRE_TOOL("skopeo");
    test::TempDir tmp("berth-peer");
    auto r = test::runCommand({"skopeo", "copy", "oci-archive:" + test::fixturePath("images/multilayer.oci-gzip.tar"),
                               "oci:" + (tmp / "layout") + ":fixture/multilayer:1"},
                              "", 120);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    ImageStore s = ImageStore::open(tmp / "root");
    LoadResult lr = s.load(tmp / "layout");
    ASSERT_EQ(lr.images.size(), 1u);
    EXPECT_EQ(lr.images[0].id.str(), kMultiOciId);
    EXPECT_EQ(lr.images[0].refs, std::vector<std::string>{"fixture/multilayer:1"});
}

TEST(PeerRoundTrip, SavedOciPassesSkopeoAndUmociGivesTheSameTree) {
    BERTH_REQUIRE_ROOT();
    REQUIRE_TOOL("skopeo");
    REQUIRE_TOOL("umoci");
    test::TempDir tmp("berth-peer");
    ImageStore s = ImageStore::open(tmp / "root");
    s.load(test::fixturePath("images/multilayer.docker.tar"));
    s.save({"fixture/multilayer:1"}, tmp / "out.tar", ArchiveFormat::Oci);

    auto r = test::runCommand({"skopeo", "inspect", "--raw", "oci-archive:" + (tmp / "out.tar")}, "", 120);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find(kMultiId), std::string::npos) << r.out;
    r = test::runCommand({"skopeo", "inspect", "oci-archive:" + (tmp / "out.tar")}, "", 120);
    ASSERT_EQ(r.exitCode, 0) << r.err;

    mkdirAll(tmp / "layout");
    r = test::runCommand({"tar", "-C", tmp / "layout", "-xf", tmp / "out.tar"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    r = test::runCommand({"umoci", "unpack", "--image", (tmp / "layout") + ":fixture/multilayer:1",
                          tmp / "bundle"},
                         "", 120);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto want = test::expectedTree();
    std::map<std::string, test::Row> got;
    test::listTree(tmp / "bundle/rootfs", "/data", got, want);
    EXPECT_EQ(test::show(got), test::show(want));
}

TEST(PeerRoundTrip, DockerSaveBerthLoadSaveDockerLoadKeepsTheId) {
    BERTH_REQUIRE_ROOT();
    REQUIRE_TOOL("dockerd");
    REQUIRE_TOOL("containerd");
    test::TempDir tmp("berth-peer");
    const std::string dir = tmp.path();
    // One private dockerd for the whole exchange; the script waits for berth's archive.
    std::ofstream(tmp / "script.sh")
        << "set -e\nsource " << BERTH_SOURCE_DIR << "/bench/lib/peers.sh\n"
        << "trap stop_docker EXIT\n"
        << "start_docker " << dir << "/docker\n"
        << "$DOCKER load -i " << test::fixturePath("images/multilayer.docker.tar") << " >/dev/null\n"
        << "$DOCKER save -o " << dir << "/from-docker.tar fixture/multilayer:1\n"
        << "touch " << dir << "/from-docker.done\n"
        << "for i in $(seq 600); do [ -e " << dir << "/from-berth.done ] && break; sleep 0.2; done\n"
        << "$DOCKER rmi fixture/multilayer:1 >/dev/null\n"
        << "$DOCKER load -i " << dir << "/from-berth.tar >&2\n"
        << "$DOCKER image inspect -f '{{.Id}}' fixture/multilayer:1\n";
    test::CommandResult res;
    std::thread peer([&] { res = test::runCommand({"bash", tmp / "script.sh"}, "", 240); });
    for (int i = 0; i < 1200 && !pathExists(tmp / "from-docker.done"); ++i) ::usleep(100000);
    if (pathExists(tmp / "from-docker.done")) {
        ImageStore s = ImageStore::open(tmp / "root");
        LoadResult lr = s.load(tmp / "from-docker.tar");
        EXPECT_EQ(lr.images.at(0).id.str(), kMultiId);
        s.save({"fixture/multilayer:1"}, tmp / "from-berth.tar");
    }
    writeFile(tmp / "from-berth.done", "");
    peer.join();
    ASSERT_TRUE(pathExists(tmp / "from-docker.done")) << "docker did not start or save:\n" << res.err;
    ASSERT_EQ(res.exitCode, 0) << res.err;
    EXPECT_EQ(res.out.substr(0, res.out.find_last_not_of("\n") + 1), kMultiId) << res.err;
}
