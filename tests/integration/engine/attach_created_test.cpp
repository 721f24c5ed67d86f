// `attach` to a created, never-started container. Docker's CLI (20.10 and 28 alike) inspects
// first and refuses anything not running: "You cannot attach to a stopped container, start it
// first", status 1, without waiting for a start. berth does the same; this pins it against the
// peer (issue 5 listed a wait-for-start here as a gap: Docker has none).
#include <gtest/gtest.h>

#include "harness/berth_env.hpp"
#include "harness/docker_peer.hpp"

using berth::test::BerthEnv;

namespace {

TEST(AttachCreated, RefusedAsDocker) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    env.ok({"create", "--name", "ac", "busybox", "echo", "hi"});
    auto mine = env.run({"attach", "ac"}, "", 10);
    EXPECT_EQ(mine.exitCode, 1);
    EXPECT_EQ(mine.err, "You cannot attach to a stopped container, start it first\n");
    EXPECT_EQ(env.inspect("ac")["State"]["Status"], "created");
    BERTH_REQUIRE_DOCKER_PEER(docker);
    docker->run({"rm", "-f", "ac"});
    docker->run({"create", "--name", "ac", "busybox", "echo", "hi"});
    auto theirs = docker->run({"attach", "ac"}, "", 10);
    docker->run({"rm", "-f", "ac"});
    EXPECT_EQ(mine.exitCode, theirs.exitCode);
    EXPECT_EQ(mine.err, theirs.err);
}

}  // namespace
