// Bad input and unknown containers: berth must answer with Docker's words and exit status, and
// create nothing. Each case runs against berth and the Docker peer (harness/docker_peer.hpp).
#include <gtest/gtest.h>

#include <cctype>
#include <functional>
#include <map>

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

// A unique ID prefix names its container; one that several IDs share is refused with Docker's
// text (berth looks it up as a range of the containers' primary key).
TEST(EngineVsDocker, IdPrefixesLikeDocker) {
    BERTH_REQUIRE_ROOT();
    BERTH_REQUIRE_DOCKER_PEER(docker);
    BerthEnv env;
    using Runner = std::function<berth::test::CommandResult(std::vector<std::string>)>;
    // 17 containers: two of them share a first hex digit.
    auto outcome = [](const Runner& run) {
        std::vector<std::string> ids;
        for (int i = 0; i < 17; ++i) {
            auto r = run({"create", "--label", "idprefix-test=1", "busybox", "true"});
            EXPECT_EQ(r.exitCode, 0) << r.err;
            ids.push_back(r.out.substr(0, r.out.find('\n')));
        }
        std::map<char, int> count;
        for (auto& id : ids) ++count[id[0]];
        std::string shared;
        for (auto& [c, n] : count)
            if (n > 1) shared = std::string(1, c);
        std::vector<std::string> seen;
        for (const std::vector<std::string>& args :
             {std::vector<std::string>{"inspect", "-f", "{{.Name}}", shared}, {"rm", shared}, {"start", shared}}) {
            auto r = run(args);
            std::string err = r.err;
            for (size_t p; (p = err.find("prefix: " + shared)) != std::string::npos;)
                err.replace(p, 9, "prefix: P");
            for (size_t p; (p = err.find("containers: " + shared)) != std::string::npos;)
                err.replace(p, 13, "containers: P");
            seen.push_back(args[0] + " " + std::to_string(r.exitCode) + " " + err);
        }
        // A unique 12-digit prefix finds its container; IDs are lowercase (no match in upper).
        std::string prefix = ids[0].substr(0, 12), upper = prefix;
        for (auto& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        seen.push_back("12: " + std::to_string(run({"inspect", "-f", "{{.Id}}", prefix}).out == ids[0] + "\n"));
        seen.push_back("uppercase: " + std::to_string(run({"inspect", upper}).exitCode));
        run({"container", "prune", "-f", "--filter", "label=idprefix-test=1"});
        return seen;
    };
    auto mine = outcome([&](std::vector<std::string> a) { return env.run(a); });
    auto theirs = outcome([&](std::vector<std::string> a) { return docker->run(a); });
    ASSERT_EQ(mine.size(), theirs.size());
    for (size_t i = 0; i < mine.size(); ++i) EXPECT_EQ(mine[i], asBerthText(theirs[i]));
}

}  // namespace
