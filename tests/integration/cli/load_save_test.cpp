// save → load round trips keep the image ID; peer-made fixtures load with the IDs Docker gave.
#include <regex>

#include "berth_cli.hpp"

using namespace berth;
using berth::test::BerthCli;
using berth::test::fixture;
using berth::test::lines;

namespace {

TEST(CliLoadSave, DockerArchiveRoundTripKeepsId) {
    BERTH_REQUIRE_ROOT();
    BerthCli b;
    std::string id = b.busybox();
    ASSERT_EQ(id.rfind("sha256:", 0), 0u) << id;
    std::string archive = b.path("busybox.tar");
    EXPECT_EQ(b.ok({"save", "-o", archive, "busybox"}), "");
    ASSERT_TRUE(pathExists(archive));
    b.ok({"rmi", "busybox"});

    BerthCli other;  // a fresh store, too
    for (const BerthCli* cli : {&b, &other}) {
        auto out = cli->ok({"load", "-i", archive});
        EXPECT_NE(out.find("Loaded image: busybox:latest"), std::string::npos) << out;
        EXPECT_EQ(cli->inspect("busybox")["Id"], id);
    }
}

TEST(CliLoadSave, OciArchiveRoundTripKeepsId) {
    BERTH_REQUIRE_ROOT();
    BerthCli b;
    std::string id = b.busybox();
    ASSERT_EQ(id.rfind("sha256:", 0), 0u) << id;
    std::string archive = b.path("busybox.oci.tar");
    b.ok({"image", "save", "--format", "oci", "-o", archive, "busybox:latest"});
    BerthCli other;
    other.ok({"image", "load", "-i", archive});
    EXPECT_EQ(other.ok({"images", "-q", "--no-trunc"}), id + "\n");
}

TEST(CliLoadSave, StdoutAndStdin) {
    BERTH_REQUIRE_ROOT();
    BerthCli b;
    std::string id = b.busybox();
    ASSERT_EQ(id.rfind("sha256:", 0), 0u) << id;
    auto saved = b.run({"save", "busybox"});
    ASSERT_EQ(saved.exitCode, 0) << saved.err;
    ASSERT_GT(saved.out.size(), 1024u * 1024);
    BerthCli other;
    auto loaded = other.run({"load"}, saved.out);
    EXPECT_EQ(loaded.exitCode, 0) << loaded.err;
    EXPECT_NE(loaded.out.find("Loaded image: busybox:latest"), std::string::npos) << loaded.out;
    EXPECT_EQ(other.inspect("busybox")["Id"], id);
}

struct FixtureCase {
    const char* file;
    const char* ref;
    const char* id;
};

// Printed in ctest's test names (instead of the struct's bytes, which change from run to run).
[[maybe_unused]] void PrintTo(const FixtureCase& c, std::ostream* os) { *os << c.file; }

class CliFixtureLoad : public ::testing::TestWithParam<FixtureCase> {};

TEST_P(CliFixtureLoad, ShowsTheIdDockerGaveIt) {
    BERTH_REQUIRE_ROOT();
    const FixtureCase& c = GetParam();
    std::string file = fixture(std::string("images/") + c.file);
    if (!pathExists(file)) GTEST_SKIP() << "fixture missing: " << file << " (set BERTH_FIXTURES)";
    BerthCli b;
    auto r = b.run({"load", "-i", file});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    std::string shortId = std::string(c.id).substr(7, 12);
    if (*c.ref) {
        EXPECT_NE(r.out.find(std::string("Loaded image: ") + c.ref), std::string::npos) << r.out;
        EXPECT_EQ(b.ok({"image", "inspect", "--format", "{{.Id}}", c.ref}),
                  std::string(c.id) + "\n");
    }
    EXPECT_EQ(b.ok({"images", "-q", "--no-trunc"}).substr(0, 71), std::string(c.id));
    EXPECT_EQ(b.inspect(shortId)["Id"], c.id);
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, CliFixtureLoad,
    ::testing::Values(
        FixtureCase{"busybox.docker.tar", "fixture/busybox:1",
                    "sha256:69f33a9602f13535b9557a014970cfb553f7c3f782e23a7f367ce1e3d5c41eea"},
        FixtureCase{"multilayer.docker.tar", "fixture/multilayer:1",
                    "sha256:49bd63cbece3784c18158165dacbd121570a604a67712f32003d1a0b8c8f4533"},
        // skopeo rewrote the config into OCI form: the ID is the config digest its manifest
        // names (not Docker's 49bd63..), as podman shows it too.
        FixtureCase{"multilayer.oci-gzip.tar", "fixture/multilayer:1",
                    "sha256:dacbe6f25fddc938bf37ef0e3c02dbd2beb7903d45e3cd95ed9cd83cf4e88a0f"},
        FixtureCase{"multilayer.oci-zstd.tar", "fixture/multilayer:1",
                    "sha256:dacbe6f25fddc938bf37ef0e3c02dbd2beb7903d45e3cd95ed9cd83cf4e88a0f"}),
    [](const auto& info) {
        std::string n = info.param.file;
        for (auto& ch : n)
            if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
        return n;
    });

TEST(CliLoadSave, MultilayerHistoryAndInspect) {
    BERTH_REQUIRE_ROOT();
    std::string file = fixture("images/multilayer.docker.tar");
    if (!pathExists(file)) GTEST_SKIP() << "fixture missing: " << file;
    BerthCli b;
    b.ok({"load", "-q", "-i", file});
    auto j = b.inspect("fixture/multilayer:1");
    EXPECT_EQ(j["RootFS"]["Layers"].size(), 3u);
    auto hist = lines(b.ok(
        {"history", "--no-trunc", "--format", "{{.ID}}|{{.CreatedBy}}", "fixture/multilayer:1"}));
    ASSERT_GE(hist.size(), 3u);
    EXPECT_EQ(hist[0].rfind("sha256:49bd63cbece3", 0), 0u) << hist[0];
    EXPECT_EQ(hist.back().rfind("<missing>|", 0), 0u) << hist.back();
}

}  // namespace
