// Observability verbs against the real engine: the events journal (`events`), `logs` with
// -f/--tail/--since/--until/-t/--details (rotated files too), `ps` filters/-s/status texts,
// `info` and `version`; compared with the Docker peer where the output is deterministic.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <thread>

#include "harness/berth_env.hpp"
#include "harness/docker_peer.hpp"

using berth::test::asBerthText;
using berth::test::BerthEnv;
using berth::test::splitLines;

namespace {

TEST(ObsEvents, LifecycleIsJournaled) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    std::string since = std::to_string(time(nullptr) - 1);
    std::string id = env.ok({"run", "-d", "--name", "obs-ev", "--label", "team=obs", "busybox", "sh",
                             "-c", "exit 3"});
    EXPECT_EQ(env.ok({"wait", id}), "3");
    env.ok({"rm", id});
    std::string until = std::to_string(time(nullptr) + 1);
    auto actions = splitLines(env.ok({"events", "--since", since, "--until", until, "--filter",
                                      "container=obs-ev", "--format", "{{.Action}}"}));
    EXPECT_EQ(actions, (std::vector<std::string>{"create", "start", "die", "destroy"}));
    auto die = env.ok({"events", "--since", since, "--until", until, "--filter", "event=die",
                       "--filter", "label=team=obs", "--format",
                       "{{.Actor.Attributes.exitCode}} {{.Actor.Attributes.name}} {{.Type}}"});
    EXPECT_EQ(die, "3 obs-ev container");
    // docker's default line: time, type, action, ID, sorted attributes.
    auto lines = splitLines(env.ok({"events", "--since", since, "--until", until, "--filter",
                                    "event=create"}));
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_TRUE(std::regex_match(
        lines[0], std::regex("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}(Z|[+-]\\d\\d:\\d\\d) "
                             "container create " + id + " \\(image=busybox, name=obs-ev, team=obs\\)")))
        << lines[0];
    auto json = nlohmann::json::parse(env.ok({"events", "--since", since, "--until", until, "--filter",
                                              "event=destroy", "--format", "{{json .}}"}));
    EXPECT_EQ(json["status"], "destroy");
    EXPECT_EQ(json["id"], id);
    EXPECT_EQ(json["from"], "busybox");
    EXPECT_EQ(json["Actor"]["Attributes"]["name"], "obs-ev");
    EXPECT_EQ(json["scope"], "local");
}

TEST(ObsEvents, StopAndKillRecordSignals) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    std::string since = std::to_string(time(nullptr) - 1);
    std::string id = env.ok({"run", "-d", "busybox", "sleep", "60"});
    env.ok({"stop", "-t", "1", id});
    env.ok({"start", id});
    env.ok({"kill", id});
    env.ok({"wait", id});
    env.ok({"rm", id});
    std::string until = std::to_string(time(nullptr) + 1);
    auto got = splitLines(env.ok({"events", "--since", since, "--until", until, "--filter",
                                  "type=container", "--format",
                                  "{{.Action}}{{with .Actor.Attributes.signal}} {{.}}{{end}}"}));
    // docker: kill (15), die, stop; start; kill (9), die; destroy.
    EXPECT_EQ(got, (std::vector<std::string>{"create", "start", "kill 15", "die", "stop", "start",
                                             "kill 9", "die", "destroy"}));
}

TEST(ObsEvents, FollowsNewEventsAndStopsAtUntil) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    std::string until = std::to_string(time(nullptr) + 3);
    berth::test::CommandResult follower;
    std::thread t([&] {
        follower = env.run({"events", "--until", until, "--filter", "type=container", "--format",
                            "{{.Action}} {{.Actor.Attributes.name}}"});
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(800));
    env.ok({"run", "--rm", "--name", "obs-follow", "busybox", "true"});
    t.join();
    EXPECT_EQ(follower.exitCode, 0) << follower.err;
    EXPECT_EQ(splitLines(follower.out),
              (std::vector<std::string>{"create obs-follow", "attach obs-follow", "start obs-follow",
                                        "die obs-follow", "destroy obs-follow"}));
}

TEST(ObsEvents, ImageTagAndUntag) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    std::string since = std::to_string(time(nullptr) - 1);
    // (ps first: it creates the containers table; `rmi` in a root where no container verb ran yet
    // waits 30 s for its own image transaction when the in-use check creates that table)
    env.ok({"ps", "-a"});
    env.ok({"tag", "busybox", "obs-tag"});
    env.ok({"rmi", "obs-tag"});
    std::string until = std::to_string(time(nullptr) + 1);
    auto got = splitLines(env.ok({"events", "--since", since, "--until", until, "--filter", "type=image",
                                  "--filter", "image=obs-tag",
                                  "--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.name}}"}));
    EXPECT_EQ(got, (std::vector<std::string>{"image tag obs-tag:latest", "image untag obs-tag:latest"}));
}

TEST(ObsEvents, BadArgumentsAsDocker) {
    BERTH_REQUIRE_ROOT();
    BERTH_REQUIRE_DOCKER_PEER(docker);
    BerthEnv env;
    auto theirs = docker->run({"events", "--since", "xyz"});
    auto mine = env.run({"events", "--since", "xyz"});
    EXPECT_EQ(mine.exitCode, theirs.exitCode);
    EXPECT_EQ(mine.err, theirs.err);
}

TEST(ObsLogs, TailSinceTimestampsDetailsLikeDocker) {
    BERTH_REQUIRE_ROOT();
    BERTH_REQUIRE_DOCKER_PEER(docker);
    BerthEnv env;
    const std::vector<std::string> run = {"run", "--name", "obs-logs", "busybox", "sh", "-c",
                                          "echo a; echo b; echo c; echo d"};
    // (stdout only: docker copies stdout and stderr in two goroutines, their order in the file
    // is not deterministic, so a --tail across both streams is not comparable)
    docker->run({"rm", "-f", "obs-logs"});
    auto theirsRun = docker->run(run);
    auto mineRun = env.run(run);
    EXPECT_EQ(mineRun.out, theirsRun.out);
    for (std::vector<std::string> args : {
             std::vector<std::string>{"logs", "obs-logs"},
             {"logs", "--tail", "2", "obs-logs"},
             {"logs", "-n", "0", "obs-logs"},
             {"logs", "--tail", "x", "obs-logs"},
             {"logs", "--details", "obs-logs"},
             {"logs", "--since", "2000-01-01", "obs-logs"},
             {"logs", "--until", "2000-01-01T00:00:00Z", "obs-logs"},
             {"logs", "--since", "xyz", "obs-logs"},
         }) {
        auto theirs = docker->run(args);
        auto mine = env.run(args);
        std::string shown;
        for (auto& a : args) shown += a + " ";
        EXPECT_EQ(mine.exitCode, theirs.exitCode) << shown;
        EXPECT_EQ(mine.out, theirs.out) << shown;
        EXPECT_EQ(mine.err, asBerthText(theirs.err)) << shown;
    }
    docker->run({"rm", "-f", "obs-logs"});
    auto ts = splitLines(env.ok({"logs", "-t", "--tail", "1", "obs-logs"}));
    ASSERT_EQ(ts.size(), 1u);
    EXPECT_TRUE(std::regex_match(ts[0], std::regex("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z d")))
        << ts[0];
}

TEST(ObsLogs, FollowEndsWithTheContainer) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    std::string id =
        env.ok({"run", "-d", "busybox", "sh", "-c", "for i in 1 2 3; do echo $i; sleep 0.3; done"});
    auto r = env.run({"logs", "-f", id}, "", 20);
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.out, "1\n2\n3\n");
}

TEST(ObsLogs, RotatedFilesReadInOrderAndFollowedAcrossRotation) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    std::string id = env.ok({"run", "-d", "--log-opt", "max-size=2k", "--log-opt", "max-file=5",
                             "busybox", "sh", "-c",
                             "sleep 0.5; i=0; while [ $i -lt 100 ]; do echo line$i; i=$((i+1)); "
                             "[ $((i % 20)) = 0 ] && sleep 0.2; done"});
    auto followed = env.run({"logs", "-f", id}, "", 30);
    env.ok({"wait", id});
    auto all = env.run({"logs", id});
    auto lines = splitLines(all.out);
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.back(), "line99");
    // What is kept is a consecutive run ending at line99 (older files fell off the end).
    int first = std::stoi(lines.front().substr(4));
    for (size_t i = 0; i < lines.size(); ++i) EXPECT_EQ(lines[i], "line" + std::to_string(first + int(i)));
    EXPECT_LT(first, 60) << "rotated files were not read";
    // The follower saw every line, across the rotations.
    auto seen = splitLines(followed.out);
    ASSERT_EQ(seen.size(), 100u) << followed.err;
    EXPECT_EQ(seen.front(), "line0");
    EXPECT_EQ(seen.back(), "line99");
}

TEST(ObsPs, FiltersAndStatus) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    std::string a = env.ok({"create", "--name", "obs-a", "--label", "tier=web", "busybox", "true"});
    EXPECT_EQ(env.run({"run", "--name", "obs-b", "busybox", "sh", "-c", "exit 3"}).exitCode, 3);
    std::string b = env.ok({"inspect", "--format", "{{.Id}}", "obs-b"});
    std::string c = env.ok({"run", "-d", "--name", "obs-c", "--label", "tier=db", "busybox", "sleep", "30"});
    auto ids = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"ps", "--format", "{{.Names}}"});
        return splitLines(env.ok(args));
    };
    using V = std::vector<std::string>;
    EXPECT_EQ(ids({}), V{"obs-c"});
    EXPECT_EQ(ids({"-a"}), (V{"obs-c", "obs-b", "obs-a"}));
    EXPECT_EQ(ids({"-a", "--filter", "label=tier"}), (V{"obs-c", "obs-a"}));
    EXPECT_EQ(ids({"-a", "--filter", "label=tier=web"}), V{"obs-a"});
    EXPECT_EQ(ids({"--filter", "status=exited"}), V{"obs-b"});
    EXPECT_EQ(ids({"--filter", "status=created"}), V{"obs-a"});
    EXPECT_EQ(ids({"--filter", "exited=3"}), V{"obs-b"});
    EXPECT_EQ(ids({"--filter", "exited=0"}), V{});
    EXPECT_EQ(ids({"-a", "--filter", "name=obs-[ab]"}), (V{"obs-b", "obs-a"}));
    EXPECT_EQ(ids({"-a", "--filter", "id=" + a.substr(0, 8)}), V{"obs-a"});
    EXPECT_EQ(ids({"-a", "--filter", "before=obs-c"}), (V{"obs-b", "obs-a"}));
    EXPECT_EQ(ids({"-a", "--filter", "since=obs-a"}), (V{"obs-c", "obs-b"}));
    EXPECT_EQ(ids({"-a", "--filter", "ancestor=busybox"}).size(), 3u);
    EXPECT_EQ(ids({"-a", "--filter", "ancestor=nosuch"}), V{});
    EXPECT_EQ(ids({"-a", "--filter", "is-task=true"}), V{});
    EXPECT_EQ(ids({"-a", "--filter", "health=none"}).size(), 3u);
    EXPECT_EQ(ids({"-n", "1"}), V{"obs-c"});
    EXPECT_EQ(ids({"-l"}), V{"obs-c"});
    EXPECT_EQ(ids({"-a", "--filter", "network=none"}).size(), 3u);
    auto status = [&](const std::string& name) {
        return env.ok({"ps", "-a", "--filter", "name=^/" + name + "$", "--format", "{{.Status}}"});
    };
    EXPECT_EQ(status("obs-a"), "Created");
    EXPECT_TRUE(std::regex_match(status("obs-b"), std::regex("Exited \\(3\\) .* ago"))) << status("obs-b");
    EXPECT_TRUE(std::regex_match(status("obs-c"), std::regex("Up .*"))) << status("obs-c");
    EXPECT_EQ(env.ok({"ps", "--format", "{{.Label \"tier\"}} {{.State}} {{.Command}}"}),
              "db running \"sleep 30\"");
    auto size = env.ok({"ps", "-s", "--format", "{{.Size}}"});
    EXPECT_TRUE(std::regex_match(size, std::regex("\\d+(\\.\\d+)?[kMG]?B \\(virtual \\d+(\\.\\d+)?[kMG]?B\\)")))
        << size;
    env.ok({"rm", "-f", a, b, c});
}

TEST(ObsPs, HeadersAndFilterErrorsLikeDocker) {
    BERTH_REQUIRE_ROOT();
    BERTH_REQUIRE_DOCKER_PEER(docker);
    BerthEnv env;
    for (std::vector<std::string> args : {
             std::vector<std::string>{"ps"},
             {"ps", "-s"},
             {"ps", "--format", "table {{.ID}}\t{{.Names}}\t{{.State}}\t{{.CreatedAt}}\t{{.Networks}}"},
             {"ps", "--filter", "nosuch=1"},
             {"ps", "--filter", "status=bogus"},
             {"ps", "--filter", "exited=x"},
             {"ps", "--filter", "label=nosuch-label-obs"},
         }) {
        auto theirs = docker->run(args);
        auto mine = env.run(args);
        std::string shown;
        for (auto& a : args) shown += a + " ";
        EXPECT_EQ(mine.exitCode, theirs.exitCode) << shown;
        // The peer may run other tests' containers: compare the header (first line) only.
        auto mineLines = splitLines(mine.out);
        auto theirLines = splitLines(theirs.out);
        if (!theirLines.empty() && !mineLines.empty()) {
            EXPECT_EQ(mineLines[0], theirLines[0]) << shown;
        }
        EXPECT_EQ(mine.err, asBerthText(theirs.err)) << shown;
    }
}

// moby matches a name filter against "/name" and "name": ^x$ finds x, as ^/x$ does.
TEST(ObsPs, NameFilterMatchesWithAndWithoutTheSlashLikeDocker) {
    BERTH_REQUIRE_ROOT();
    BERTH_REQUIRE_DOCKER_PEER(docker);
    BerthEnv env;
    std::vector<std::string> names{"obs-nf", "obs-nfy"};
    for (auto& n : names) {
        docker->run({"rm", "-f", n});
        env.ok({"create", "--name", n, "busybox", "true"});
        docker->run({"create", "--name", n, "busybox", "true"});
    }
    for (std::string pattern : {"^obs-nf$", "^/obs-nf$", "/obs-nf", "obs-nf", "nfy$", "^obs-nfy",
                                "^/obs-nfy", "^nf", "obs-nf$|obs-nfy"}) {
        std::vector<std::string> args{"ps", "-a", "--filter", "name=" + pattern, "--format",
                                      "{{.Names}}"};
        auto theirs = splitLines(docker->run(args).out);
        auto mine = splitLines(env.ok(args));
        std::sort(theirs.begin(), theirs.end());
        std::sort(mine.begin(), mine.end());
        EXPECT_EQ(mine, theirs) << pattern;
    }
    for (auto& n : names) {
        env.ok({"rm", n});
        docker->run({"rm", "-f", n});
    }
}

TEST(ObsInfo, InfoAndVersion) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    std::string id = env.ok({"run", "-d", "busybox", "sleep", "30"});
    auto info = nlohmann::json::parse(env.ok({"info", "--format", "{{json .}}"}));
    EXPECT_EQ(info["Containers"], 1);
    EXPECT_EQ(info["ContainersRunning"], 1);
    EXPECT_EQ(info["Images"], 1);
    EXPECT_EQ(info["Driver"], "overlay2");
    EXPECT_EQ(info["DockerRootDir"], env.root());
    EXPECT_EQ(info["DefaultRuntime"], "berth-runtime");
    EXPECT_TRUE(info["Runtimes"].contains("berth-runtime"));
    auto text = env.ok({"info"});
    for (const char* want : {"Server:\n Containers: 1\n  Running: 1\n  Paused: 0\n  Stopped: 0\n Images: 1\n",
                             " Storage Driver: overlay2\n", " Cgroup Driver: cgroupfs\n",
                             " Default Runtime: berth-runtime\n", " Docker Root Dir: "})
        EXPECT_NE(text.find(want), std::string::npos) << want;
    auto version = nlohmann::json::parse(env.ok({"version", "--format", "{{json .}}"}));
    EXPECT_EQ(version["Server"]["ApiVersion"], version["Client"]["ApiVersion"]);
    EXPECT_FALSE(version["Server"]["Components"].empty());
    env.ok({"rm", "-f", id});
}

}  // namespace
