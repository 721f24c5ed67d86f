// berth's output next to Docker's on the same images: a private dockerd (bench/lib/peers.sh)
// and berth each load the peer-made fixtures, then run the same commands; stdout, stderr and
// exit status must match ("docker" read as "berth"). Skips when docker.io is not installed.
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include "berth_cli.hpp"
#include "common/file_io.hpp"
#include "common/strings.hpp"

using namespace berth;
using berth::test::BerthCli;
using berth::test::fixture;
using berth::test::lines;

namespace {

// Commands whose output is compared exactly (rows of one image may come in any order, as
// docker iterates a Go map: table bodies are compared sorted).
const std::vector<std::string> kCommands = {
    "images",
    "images --digests",
    "images --no-trunc",
    "images -q",
    "images --format table",
    "images --filter reference=fixture/* --format {{.Repository}}:{{.Tag}}",
    "history fixture/multilayer:1",
    "history -H=false fixture/multilayer:1",
    "history --no-trunc fixture/busybox:1",
    "history -q fixture/multilayer:1",
    "system df",
    "images --foo",
    "images --filter nokey",
    "tag fixture/busybox:1 Bad:Ref",
    "tag onlyone",
    "load -i /nonexistent.tar",
    "image inspect --format {{.Id}}|{{.RepoTags}}|{{.Config.Cmd}}|{{.RootFS.Layers}} "
    "fixture/multilayer:1",
    "images --format {{.Nope}}",
    "images --format {{.ID",
    "image inspect nosuch",
    "history nosuch",
};

std::string normalise(std::string s, const std::string& cmd) {
    // "docker" → "berth" in usage texts; daemon wording → berth's.
    for (size_t p; (p = s.find("docker")) != std::string::npos;) s.replace(p, 6, "berth");
    for (size_t p; (p = s.find("Error response from daemon: ")) != std::string::npos;)
        s.replace(p, 28, "Error: ");
    if (cmd.rfind("images", 0) == 0) {
        auto l = lines(s);
        if (l.size() > 2) std::sort(l.begin() + 1, l.end());
        std::string out;
        for (auto& x : l) out += x + "\n";
        return out;
    }
    return s;
}

TEST(CliVsDocker, SameOutputOnTheSameImages) {
    BERTH_REQUIRE_ROOT();
    for (const char* tool : {"/usr/bin/docker", "/usr/sbin/dockerd", "/usr/bin/containerd"})
        if (access(tool, X_OK) != 0) GTEST_SKIP() << tool << " not installed (docker.io)";
    if (!pathExists(fixture("images/busybox.docker.tar"))) GTEST_SKIP() << "fixtures missing";

    BerthCli b;
    std::string dir = b.path("peer");
    mkdirAll(dir + "/out");
    std::ofstream script(b.path("compare.sh"));
    script << "set -u\nsource " << BERTH_SOURCE_DIR << "/bench/lib/peers.sh\n"
           << "trap stop_docker EXIT\nstart_docker " << dir << "/docker || exit 90\n";
    for (const char* f : {"busybox.docker.tar", "multilayer.docker.tar"})
        script << "$DOCKER load -q -i " << fixture(std::string("images/") + f) << " >/dev/null\n";
    for (size_t i = 0; i < kCommands.size(); ++i)
        script << "$DOCKER '" << join(split(kCommands[i], ' '), "' '") << "' >" << dir << "/out/"
               << i << ".out 2>" << dir << "/out/" << i << ".err; echo $? >" << dir << "/out/" << i
               << ".rc\n";
    script.close();
    auto r = test::runCommand({"bash", b.path("compare.sh")}, "", 300);
    ASSERT_NE(r.exitCode, 90) << "dockerd did not start: " << r.err;

    for (const char* f : {"busybox.docker.tar", "multilayer.docker.tar"})
        b.ok({"load", "-q", "-i", fixture(std::string("images/") + f)});
    for (size_t i = 0; i < kCommands.size(); ++i) {
        std::vector<std::string> args;
        for (auto& a : split(kCommands[i], ' '))
            if (!a.empty()) args.push_back(a);
        auto mine = b.run(args);
        std::string base = dir + "/out/" + std::to_string(i);
        ASSERT_TRUE(pathExists(base + ".rc")) << "docker did not run: " << kCommands[i];
        EXPECT_EQ(std::to_string(mine.exitCode) + "\n", readFile(base + ".rc")) << kCommands[i];
        EXPECT_EQ(normalise(mine.out, kCommands[i]),
                  normalise(readFile(base + ".out"), kCommands[i]))
            << kCommands[i];
        EXPECT_EQ(normalise(mine.err, kCommands[i]),
                  normalise(readFile(base + ".err"), kCommands[i]))
            << kCommands[i];
    }
}

}  // namespace
