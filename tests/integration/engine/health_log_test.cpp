// --health-* and --log-driver/--log-opt: the monitor runs the healthcheck and rotates the
// json-file log as the flags (or the image) say; bad values are refused as Docker refuses them.
#include <gtest/gtest.h>

#include <dirent.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "common/file_io.hpp"
#include "harness/berth_env.hpp"
#include "harness/docker_peer.hpp"

using berth::test::asBerthText;
using berth::test::BerthEnv;

namespace {

// Polls `inspect --format FORMAT` until it prints want (or ~10 s pass); returns the last output.
std::string waitFor(const BerthEnv& env, const std::string& id, const std::string& format,
                    const std::string& want) {
    std::string got;
    for (int i = 0; i < 100; ++i) {
        got = env.ok({"inspect", "--format", format, id});
        if (got == want) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return got;
}

TEST(HealthAndLogs, HealthcheckGoesFromStartingToHealthy) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    std::string id = env.ok({"run", "-d", "--health-cmd", "test -f /tmp/ready", "--health-interval",
                             "100ms", "--health-retries", "50", "busybox", "sh", "-c",
                             "sleep 0.5; touch /tmp/ready; sleep 100"});
    auto hc = env.inspect(id)["Config"]["Healthcheck"];
    EXPECT_EQ(hc["Test"], nlohmann::json({"CMD-SHELL", "test -f /tmp/ready"}));
    EXPECT_EQ(hc["Interval"], 100000000);
    EXPECT_EQ(waitFor(env, id, "{{.State.Health.Status}}", "healthy"), "healthy");
    auto health = env.inspect(id)["State"]["Health"];
    ASSERT_FALSE(health["Log"].empty());
    EXPECT_EQ(health["Log"].back()["ExitCode"], 0);
    EXPECT_EQ(health["FailingStreak"], 0);
}

TEST(HealthAndLogs, FailingHealthcheckTurnsUnhealthyAfterRetries) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    std::string id = env.ok({"run", "-d", "--health-cmd", "echo sick; exit 1", "--health-interval",
                             "100ms", "--health-retries", "2", "busybox", "sleep", "100"});
    EXPECT_EQ(waitFor(env, id, "{{.State.Health.Status}}", "unhealthy"), "unhealthy");
    auto health = env.inspect(id)["State"]["Health"];
    EXPECT_GE(health["FailingStreak"].get<int>(), 2);
    EXPECT_EQ(health["Log"].back()["Output"], "sick\n");
}

TEST(HealthAndLogs, NoHealthcheckRecordsNone) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    std::string id = env.ok({"create", "--no-healthcheck", "busybox", "true"});
    EXPECT_EQ(env.inspect(id)["Config"]["Healthcheck"]["Test"], nlohmann::json({"NONE"}));
}

TEST(HealthAndLogs, LogOptsRotateTheJsonFile) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    std::string id = env.ok({"run", "-d", "--log-opt", "max-size=1k", "--log-opt", "max-file=2",
                             "busybox", "sh", "-c", "for i in $(seq 200); do echo line $i; done"});
    env.ok({"wait", id});
    auto j = env.inspect(id);
    EXPECT_EQ(j["HostConfig"]["LogConfig"]["Config"]["max-size"], "1k");
    std::string log = j["LogPath"];
    ASSERT_TRUE(berth::pathExists(log + ".1")) << "no rotated file";
    EXPECT_FALSE(berth::pathExists(log + ".2")) << "max-file=2 keeps two files";
    EXPECT_LE(berth::readFile(log).size(), 1024u + 128u);
    // The newest line is in the current file.
    EXPECT_NE(berth::readFile(log).find("line 200"), std::string::npos);
}

TEST(HealthAndLogs, LogDriverNoneStillAttaches) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    auto r = env.run({"run", "--rm", "--log-driver", "none", "busybox", "echo", "hi"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.out, "hi\n");
}

TEST(HealthAndLogs, BadValuesAreRefusedAsDockerRefusesThem) {
    BERTH_REQUIRE_ROOT();
    BERTH_REQUIRE_DOCKER_PEER(docker);
    BerthEnv env;
    const std::vector<std::vector<std::string>> cases = {
        {"run", "--rm", "--log-opt", "foo=bar", "busybox", "true"},
        {"run", "--rm", "--no-healthcheck", "--health-cmd", "x", "busybox", "true"},
        {"run", "--rm", "--log-driver", "bogus", "busybox", "true"},
        {"run", "--rm", "--health-retries", "-1", "busybox", "true"},
    };
    for (auto& args : cases) {
        auto theirs = docker->run(args);
        auto mine = env.run(args);
        EXPECT_EQ(mine.exitCode, theirs.exitCode) << args[3];
        EXPECT_EQ(mine.err, asBerthText(theirs.err)) << args[3];
    }
    EXPECT_EQ(env.ok({"ps", "-aq"}), "") << "a refused run left a container";
}

}  // namespace
