// The issue-4 verbs through the real binary: busybox image, images, inspect, history, tag,
// rmi, prune, import, system df.
#include <fcntl.h>
#include <unistd.h>

#include <regex>

#include "berth_cli.hpp"
#include "cli/busybox/busybox_rootfs.hpp"
#include "common/fd.hpp"

using namespace berth;
using berth::test::BerthCli;
using berth::test::lines;

namespace {

const std::regex kFullId("^sha256:[0-9a-f]{64}$");

TEST(CliImages, BusyboxImageIsListedAndInspectable) {
    BERTH_REQUIRE_ROOT();
    BerthCli b;
    std::string id = b.busybox();
    ASSERT_TRUE(std::regex_match(id, kFullId)) << id;

    auto table = lines(b.ok({"images"}));
    ASSERT_EQ(table.size(), 2u);
    EXPECT_TRUE(
        std::regex_match(table[0], std::regex("^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE$")))
        << table[0];
    EXPECT_TRUE(std::regex_match(
        table[1],
        std::regex(
            "^busybox +latest +" + id.substr(7, 12) +
            " +(Less than a second|1 second|[0-9]+ seconds|About a minute) ago +[0-9.]+MB$")))
        << table[1];
    EXPECT_EQ(b.ok({"images", "-q"}), id.substr(7, 12) + "\n");
    EXPECT_EQ(b.ok({"image", "ls", "--no-trunc", "-q"}), id + "\n");
    EXPECT_EQ(b.ok({"image", "list", "--format", "{{.Repository}}:{{.Tag}}"}), "busybox:latest\n");

    nlohmann::json j = b.inspect("busybox");
    EXPECT_EQ(j["Id"], id);
    EXPECT_EQ(j["RepoTags"], nlohmann::json::array({"busybox:latest"}));
    EXPECT_EQ(j["Config"]["Cmd"], nlohmann::json::array({"sh"}));
    EXPECT_EQ(j["RootFS"]["Type"], "layers");
    EXPECT_EQ(j["RootFS"]["Layers"].size(), 1u);
    EXPECT_EQ(j["Os"], "linux");
    EXPECT_EQ(b.ok({"image", "inspect", "--format", "{{.Id}} {{json .Config.Cmd}}", "busybox"}),
              id + " [\"sh\"]\n");
    EXPECT_EQ(b.ok({"image", "inspect", "-f", "{{.Id}}", id.substr(7, 12)}), id + "\n");

    auto hist = lines(b.ok({"history", "busybox"}));
    ASSERT_GE(hist.size(), 2u);
    EXPECT_TRUE(
        std::regex_search(hist[0], std::regex("^IMAGE +CREATED +CREATED BY +SIZE +COMMENT$")))
        << hist[0];
    EXPECT_EQ(lines(b.ok({"image", "history", "-q", "busybox"}))[0], id.substr(7, 12));

    auto df = b.ok({"system", "df"});
    EXPECT_TRUE(std::regex_search(df, std::regex("\nImages +1 +0 +[0-9.]+MB"))) << df;
}

// On peer-made fixtures, so it needs nothing but load from the store.
TEST(CliImages, TagRmiAndPrune) {
    BERTH_REQUIRE_ROOT();
    if (!pathExists(test::fixture("images/busybox.docker.tar")))
        GTEST_SKIP() << "fixtures missing (set BERTH_FIXTURES)";
    BerthCli b;
    const std::string id =
        "sha256:69f33a9602f13535b9557a014970cfb553f7c3f782e23a7f367ce1e3d5c41eea";
    b.ok({"load", "-i", test::fixture("images/busybox.docker.tar")});
    EXPECT_EQ(b.ok({"tag", "fixture/busybox:1", "busybox"}), "");
    EXPECT_EQ(b.ok({"tag", "busybox", "example.com/team/app:1"}), "");
    EXPECT_EQ(b.ok({"image", "tag", id.substr(7, 8), "other"}), "");
    EXPECT_EQ(b.ok({"images", "--format", "{{.Repository}}:{{.Tag}}", "example.com/*/app"}),
              "example.com/team/app:1\n");
    EXPECT_EQ(b.ok({"images", "--filter", "reference=oth*", "--format", "{{.Repository}}"}),
              "other\n");
    EXPECT_EQ(lines(b.ok({"images", "-q"})).size(), 4u);  // one row per tag, as docker

    EXPECT_EQ(b.ok({"rmi", "other"}), "Untagged: other:latest\n");
    EXPECT_EQ(b.ok({"image", "rm", "example.com/team/app:1", "fixture/busybox:1"}),
              "Untagged: example.com/team/app:1\nUntagged: fixture/busybox:1\n");
    auto out = b.ok({"rmi", "busybox"});
    EXPECT_EQ(out.rfind("Untagged: busybox:latest\nDeleted: " + id + "\n", 0), 0u) << out;
    EXPECT_EQ(b.ok({"images", "-q"}), "");

    // Loading the OCI form of fixture/multilayer:1 over the Docker one leaves the Docker one
    // dangling (the tag moves, as docker load does).
    b.ok({"load", "-i", test::fixture("images/multilayer.docker.tar")});
    b.ok({"load", "-i", test::fixture("images/multilayer.oci-gzip.tar")});
    const std::string dangling =
        "sha256:49bd63cbece3784c18158165dacbd121570a604a67712f32003d1a0b8c8f4533";
    EXPECT_EQ(b.ok({"images", "--filter", "dangling=true", "-q", "--no-trunc"}), dangling + "\n");
    EXPECT_EQ(b.ok({"images", "--format", "{{.Repository}} {{.Tag}}", "-f", "dangling=true"}),
              "<none> <none>\n");
    EXPECT_EQ(b.ok({"images", "--format", "{{.Repository}}", "-f", "dangling=false"}),
              "fixture/multilayer\n");

    // No -f and "n" on stdin: nothing is removed.
    auto declined = b.run({"image", "prune"}, "n\n");
    EXPECT_EQ(declined.exitCode, 0);
    EXPECT_NE(declined.out.find("WARNING! This will remove all dangling images."),
              std::string::npos);
    EXPECT_EQ(lines(b.ok({"images", "-q"})).size(), 2u);

    auto pruned = b.ok({"image", "prune", "-f"});
    EXPECT_EQ(pruned.rfind("Deleted Images:\n", 0), 0u) << pruned;
    EXPECT_NE(pruned.find("deleted: " + dangling), std::string::npos) << pruned;
    EXPECT_NE(pruned.find("\n\nTotal reclaimed space: "), std::string::npos) << pruned;
    EXPECT_EQ(b.ok({"images", "--format", "{{.Repository}}"}), "fixture/multilayer\n");
    EXPECT_EQ(b.ok({"image", "prune", "-f"}), "Total reclaimed space: 0B\n");

    auto all = b.run({"image", "prune", "-a"}, "y\n");
    EXPECT_EQ(all.exitCode, 0) << all.err;
    EXPECT_NE(all.out.find("untagged: fixture/multilayer:1"), std::string::npos) << all.out;
    EXPECT_EQ(b.ok({"images", "-q"}), "");
}

TEST(CliImages, PruneWithFilters) {
    BERTH_REQUIRE_ROOT();
    if (!pathExists(test::fixture("images/multilayer.docker.tar")))
        GTEST_SKIP() << "fixtures missing (set BERTH_FIXTURES)";
    BerthCli b;
    b.ok({"load", "-i", test::fixture("images/multilayer.docker.tar")});  // made a day ago
    b.busybox();                                                          // made now
    EXPECT_EQ(b.ok({"image", "prune", "-a", "-f", "--filter", "until=87600h"}),
              "Total reclaimed space: 0B\n");
    EXPECT_EQ(b.ok({"image", "prune", "-a", "-f", "--filter", "label=org.example.fixture=x"}),
              "Total reclaimed space: 0B\n");
    auto out = b.ok({"image", "prune", "-a", "-f", "--filter", "label=org.example.fixture"});
    EXPECT_NE(out.find("untagged: fixture/multilayer:1"), std::string::npos) << out;
    EXPECT_TRUE(std::regex_search(out, std::regex("\nTotal reclaimed space: [0-9.]+MB\n$"))) << out;
    EXPECT_EQ(b.ok({"images", "--format", "{{.Repository}}"}), "busybox\n");
    auto bad = b.run({"image", "prune", "-f", "--filter", "color=red"});
    EXPECT_EQ(bad.exitCode, 1);
    EXPECT_EQ(bad.err, "Error: Invalid filter 'color'\n");
}

TEST(CliImages, ImportWithChangesAndMessage) {
    BERTH_REQUIRE_ROOT();
    BerthCli b;
    std::string tar = b.path("rootfs.tar");
    {
        UniqueFd fd(::open(tar.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
        cli::writeBusyboxRootfsTar(fd.get());
    }
    std::string id = b.ok({"import", "-c", "CMD [\"echo\", \"hi\"]", "--change", "ENV A=b", "-c",
                           "WORKDIR /tmp", "-m", "made by a test", tar, "imported:v1"});
    if (!id.empty()) id.pop_back();
    ASSERT_TRUE(std::regex_match(id, kFullId)) << id;
    auto j = b.inspect("imported:v1");
    EXPECT_EQ(j["Id"], id);
    EXPECT_EQ(j["Config"]["Cmd"], nlohmann::json::array({"echo", "hi"}));
    EXPECT_EQ(j["Config"]["WorkingDir"], "/tmp");
    EXPECT_NE(j["Config"]["Env"].dump().find("A=b"), std::string::npos) << j["Config"].dump();
    EXPECT_EQ(b.ok({"history", "--format", "{{.Comment}}", "imported:v1"}), "made by a test\n");

    // From stdin.
    std::string data = readFile(tar);
    auto r = b.run({"image", "import", "-", "fromstdin"}, data);
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(
        std::regex_match(r.out.empty() ? r.out : r.out.substr(0, r.out.size() - 1), kFullId))
        << r.out;
}

TEST(CliImages, BadInputGivesDockerLikeErrors) {
    BERTH_REQUIRE_ROOT();
    BerthCli b;
    auto flag = b.run({"images", "--foo"});
    EXPECT_EQ(flag.exitCode, 125);
    EXPECT_EQ(flag.err, "unknown flag: --foo\nSee 'berth images --help'.\n");

    auto missing = b.run({"load", "-i", b.path("missing.tar")});
    EXPECT_EQ(missing.exitCode, 1);
    EXPECT_EQ(missing.err, "open " + b.path("missing.tar") + ": no such file or directory\n");

    auto noImage = b.run({"image", "inspect", "nosuch"});
    EXPECT_EQ(noImage.exitCode, 1);
    EXPECT_EQ(noImage.out, "[]\n");
    EXPECT_NE(noImage.err.find("No such image: nosuch"), std::string::npos) << noImage.err;

    auto rmi = b.run({"rmi", "nosuch"});
    EXPECT_EQ(rmi.exitCode, 1);
    EXPECT_NE(rmi.err.find("No such image: nosuch"), std::string::npos) << rmi.err;
    EXPECT_EQ(b.run({"rmi", "-f", "nosuch"}).exitCode,
              0);  // docker: not found is not fatal with -f

    b.ok({"load", "-i", test::fixture("images/busybox.docker.tar")});
    auto badRef = b.run({"tag", "fixture/busybox:1", "Bad:Ref"});
    EXPECT_EQ(badRef.exitCode, 1);
    EXPECT_NE(badRef.err.find("invalid reference format"), std::string::npos) << badRef.err;
    auto badBusyboxRef = b.run({"image", "busybox", "UPPER"});
    EXPECT_EQ(badBusyboxRef.exitCode, 1);
    EXPECT_NE(badBusyboxRef.err.find("invalid reference format"), std::string::npos);

    auto badFilter = b.run({"images", "--filter", "color=red"});
    EXPECT_EQ(badFilter.exitCode, 1);
    EXPECT_EQ(badFilter.err, "Error: Invalid filter 'color'\n");

    auto badTemplate = b.run({"images", "--format", "{{.Nope}}"});
    EXPECT_EQ(badTemplate.exitCode, 1);
    EXPECT_NE(badTemplate.err.find("can't evaluate field Nope"), std::string::npos);

    auto tagArgs = b.run({"tag", "busybox"});
    EXPECT_EQ(tagArgs.exitCode, 1);
    EXPECT_EQ(tagArgs.err.rfind("\"berth tag\" requires exactly 2 arguments.", 0), 0u);
}

}  // namespace
