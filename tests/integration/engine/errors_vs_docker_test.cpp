// Bad input and unknown containers: berth must answer with Docker's words and exit status, and
// create nothing. Each case runs against berth and the Docker peer (harness/docker_peer.hpp).
#include <gtest/gtest.h>

#include "harness/berth_env.hpp"
#include "harness/docker_peer.hpp"

using berth::test::asBerthText;
using berth::test::BerthEnv;

namespace {

struct Case {
    std::vector<std::string> args;
    // The text must equal Docker's; else only the exit status must, and the text hold `gist`.
    bool exactText = true;
    std::string gist = "";
    bool createsContainer = false;  // docker too leaves a "Created" container for these
};

// Deterministic cases only: no pulls (no network here), no IDs in the text.
const std::vector<Case> kCases = {
    // docker 20.10's client words a 404 as "Error: No such container" for rm and logs; newer
    // clients say "Error response from daemon: ...". berth says the latter everywhere.
    {{"rm", "nosuch"}, false, "No such container: nosuch"},
    {{"logs", "nosuch"}, false, "No such container: nosuch"},
    {{"stop", "nosuch"}},
    {{"kill", "nosuch"}},
    {{"start", "nosuch"}},
    {{"wait", "nosuch"}},
    {{"run", "--memory", "12x", "busybox", "true"}},
    {{"run", "--cap-add", "NOPE", "busybox", "true"}},
    {{"run", "--restart", "bogus", "busybox", "true"}},
    {{"run", "--cpus", "abc", "busybox", "true"}},
    {{"run", "--ulimit", "nofile=x", "busybox", "true"}},
    {{"run", "--name", "bad/name", "busybox", "true"}},
    {{"run", "--nosuchflag", "busybox", "true"}},
    {{"run", "busybox", "sh", "-c", "exit 3"}, true, "", true},
    // The runtime's own words differ (runc's vs berth-runtime's); the status must not.
    {{"run", "busybox", "/nonexistent-binary"}, false, "/nonexistent-binary", true},
};

std::string shown(const std::vector<std::string>& args) {
    std::string s;
    for (auto& a : args) s += (s.empty() ? "" : " ") + a;
    return s;
}

size_t containerCount(const BerthEnv& env) {
    return berth::test::splitLines(env.ok({"ps", "-aq"})).size();
}

TEST(EngineVsDocker, ErrorsAndExitCodesMatch) {
    BERTH_REQUIRE_ROOT();
    BERTH_REQUIRE_DOCKER_PEER(docker);
    BerthEnv env;
    for (const auto& c : kCases) {
        size_t before = containerCount(env);
        auto theirs = docker->run(c.args);
        auto mine = env.run(c.args);
        EXPECT_EQ(mine.exitCode, theirs.exitCode) << shown(c.args);
        EXPECT_EQ(mine.out, theirs.out) << shown(c.args);
        if (c.exactText)
            EXPECT_EQ(mine.err, asBerthText(theirs.err)) << shown(c.args);
        else
            EXPECT_NE(mine.err.find(c.gist), std::string::npos) << shown(c.args) << ": " << mine.err;
        EXPECT_EQ(containerCount(env), before + (c.createsContainer ? 1 : 0))
            << shown(c.args) << " created the wrong number of containers";
    }
    docker->run({"container", "prune", "-f"});
}

}  // namespace
