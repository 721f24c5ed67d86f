// restart, pause/unpause, top, stats, update, rename, port, container prune, kill -s and
// OOMKilled through the `berth` binary on a private root; compared with the Docker peer where
// the output is deterministic (error texts with the container ID replaced, table headers,
// exit codes).
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "common/file_io.hpp"
#include "common/strings.hpp"
#include "harness/berth_env.hpp"
#include "harness/docker_peer.hpp"

using berth::test::asBerthText;
using berth::test::BerthEnv;
using berth::test::DockerPeer;
using berth::test::splitLines;

namespace {

std::string replaceAll(std::string s, const std::string& from, const std::string& to) {
    if (from.empty()) return s;
    for (size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size())
        s.replace(p, from.size(), to);
    return s;
}

std::string firstLine(const std::string& s) { return s.substr(0, s.find('\n')); }

// docker 20.10's client words a 404 as "Error: No such container: x" for some verbs; current
// docker and berth say "Error response from daemon: No such container: x".
std::string asCurrentDocker(const std::string& dockerText) {
    return replaceAll(asBerthText(dockerText), "Error: No such container",
                      "Error response from daemon: No such container");
}

// Runs a detached busybox sleep on the peer under a test-specific name; removed by the guard.
struct PeerContainer {
    const DockerPeer* docker;
    std::string name, id;
    PeerContainer(const DockerPeer* d, std::string n, std::vector<std::string> extra = {})
        : docker(d), name(std::move(n)) {
        docker->run({"rm", "-f", name});
        std::vector<std::string> args{"run", "-d", "--name", name};
        args.insert(args.end(), extra.begin(), extra.end());
        args.insert(args.end(), {"busybox", "sleep", "1000"});
        auto r = docker->run(args);
        id = firstLine(r.out);
    }
    ~PeerContainer() { docker->run({"rm", "-f", name}); }
};

// A cgroup file of a berth container, v1 (this host) or v2.
std::string cgroupFile(const std::string& id, const std::string& v1Controller,
                       const std::string& v1File, const std::string& v2File) {
    std::string v1 = "/sys/fs/cgroup/" + v1Controller + "/berth/" + id + "/" + v1File;
    if (berth::pathExists(v1)) return berth::readFile(v1);
    return berth::readFile("/sys/fs/cgroup/berth/" + id + "/" + v2File);
}

TEST(LiveVerbs, PauseUnpauseAndStopOfAPausedContainer) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    std::string id = env.ok({"run", "-d", "--name", "pz", "busybox", "sleep", "1000"});
    EXPECT_EQ(env.ok({"pause", "pz"}), "pz");
    auto st = env.inspect("pz")["State"];
    EXPECT_EQ(st["Status"], "paused");
    EXPECT_EQ(st["Paused"], true);
    EXPECT_EQ(st["Running"], true);
    EXPECT_NE(env.ok({"ps", "--format", "{{.Status}}"}).find("(Paused)"), std::string::npos);
    std::string freezer = "/sys/fs/cgroup/freezer/berth/" + id + "/freezer.state";
    if (berth::pathExists(freezer)) {
        EXPECT_EQ(berth::readFile(freezer), "FROZEN\n");
    }
    auto again = env.run({"pause", "pz"});
    EXPECT_EQ(again.exitCode, 1);
    EXPECT_EQ(again.err, "Error response from daemon: Container " + id + " is already paused\n");
    EXPECT_EQ(env.ok({"unpause", "pz"}), "pz");
    EXPECT_EQ(env.inspect("pz")["State"]["Status"], "running");
    auto un = env.run({"unpause", "pz"});
    EXPECT_EQ(un.err, "Error response from daemon: Container " + id + " is not paused\n");
    // stop of a paused container: thawed so the signal lands, killed after -t (docker: 137).
    env.ok({"pause", "pz"});
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(env.ok({"stop", "-t", "1", "pz"}), "pz");
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(8));
    st = env.inspect("pz")["State"];
    EXPECT_EQ(st["Status"], "exited");
    EXPECT_EQ(st["ExitCode"], 137);
    EXPECT_EQ(st["Paused"], false);
    // rm -f of a paused container
    env.ok({"start", "pz"});
    env.ok({"pause", "pz"});
    EXPECT_EQ(env.ok({"rm", "-f", "pz"}), "pz");
}

TEST(LiveVerbs, PauseErrorsMatchDocker) {
    BERTH_REQUIRE_ROOT();
    BERTH_REQUIRE_DOCKER_PEER(docker);
    BerthEnv env;
    std::string mine = env.ok({"create", "--name", "lv-created", "busybox", "sleep", "1"});
    docker->run({"rm", "-f", "lv-created"});
    std::string theirs = firstLine(docker->run({"create", "--name", "lv-created", "busybox", "sleep", "1"}).out);
    for (auto verb : {"pause", "unpause", "top"}) {
        auto m = env.run({verb, "lv-created"});
        auto t = docker->run({verb, "lv-created"});
        EXPECT_EQ(m.exitCode, t.exitCode) << verb;
        EXPECT_EQ(replaceAll(m.err, mine, "ID"), replaceAll(asBerthText(t.err), theirs, "ID")) << verb;
    }
    docker->run({"rm", "-f", "lv-created"});
    for (auto verb : {"pause", "unpause", "restart", "top", "port", "update"}) {
        std::vector<std::string> args{verb};
        if (std::string(verb) == "update") args.push_back("--pids-limit=5");
        args.push_back("nosuch");
        auto m = env.run(args);
        auto t = docker->run(args);
        EXPECT_EQ(m.exitCode, t.exitCode) << verb;
        EXPECT_EQ(m.err, asCurrentDocker(t.err)) << verb;
    }
}

TEST(LiveVerbs, RestartStartsAgainWithANewStartTime) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    env.ok({"run", "-d", "--name", "rs", "busybox", "sleep", "1000"});
    auto before = env.inspect("rs")["State"];
    auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(env.ok({"restart", "-t", "1", "rs"}), "rs");
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(8));
    auto after = env.inspect("rs")["State"];
    EXPECT_EQ(after["Status"], "running");
    EXPECT_NE(after["StartedAt"], before["StartedAt"]);
    EXPECT_NE(after["Pid"], before["Pid"]);
    // -s: the signal instead of the stop signal (sh traps USR1 and exits 7).
    env.ok({"run", "-d", "--name", "rs2", "busybox", "sh", "-c", "trap 'exit 7' USR1; while :; do sleep 0.1; done"});
    usleep(300000);
    EXPECT_EQ(env.ok({"restart", "-s", "USR1", "-t", "5", "rs2"}), "rs2");
    EXPECT_EQ(env.inspect("rs2")["State"]["Status"], "running");
    // a stopped container is just started
    env.ok({"stop", "-t", "0", "rs"});
    env.ok({"restart", "rs"});
    EXPECT_EQ(env.inspect("rs")["State"]["Status"], "running");
}

// The last run's monitor deletes the runtime's state of the id after it released the exit (an
// attached `run` returns first): a `start` right away must not be killed by that late delete.
TEST(LiveVerbs, StartRightAfterTheExitSurvivesTheLastMonitorsCleanup) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    std::string runtime = env.path("slow-delete-runtime");
    berth::writeFile(runtime, "#!/bin/sh\ncase \" $* \" in *\" delete \"*) sleep 1;; esac\nexec " +
                                  berth::test::binPath("berth-runtime") + " \"$@\"\n");
    ::chmod(runtime.c_str(), 0755);
    // The first run exits at once, the second (the start) runs 2 s.
    env.ok({"run", "--runtime", runtime, "--name", "sa", "busybox", "sh", "-c",
            "test -f /ran && exec sleep 2; touch /ran"});
    env.ok({"start", "sa"});
    EXPECT_EQ(env.ok({"wait", "sa"}), "0");
    auto state = env.inspect("sa")["State"];
    EXPECT_EQ(state["ExitCode"], 0) << state.dump();
}

TEST(LiveVerbs, KillWithSignal) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    env.ok({"run", "-d", "--name", "ks", "busybox", "sh", "-c", "trap 'exit 9' USR2; while :; do sleep 0.1; done"});
    usleep(300000);
    EXPECT_EQ(env.ok({"kill", "-s", "USR2", "ks"}), "ks");
    EXPECT_EQ(env.ok({"wait", "ks"}), "9");
    env.ok({"start", "ks"});
    EXPECT_EQ(env.ok({"kill", "--signal=SIGKILL", "ks"}), "ks");
    EXPECT_EQ(env.ok({"wait", "ks"}), "137");
}

TEST(LiveVerbs, TopShowsTheContainersHostProcesses) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    env.ok({"run", "-d", "--name", "tp", "busybox", "sh", "-c", "sleep 1000 & sleep 1001"});
    usleep(300000);
    int pid = env.inspect("tp")["State"]["Pid"];
    auto lines = splitLines(env.ok({"top", "tp"}));
    ASSERT_EQ(lines.size(), 3u) << env.ok({"top", "tp"});
    EXPECT_EQ(std::regex_replace(lines[0], std::regex(" +"), " "), "UID PID PPID C STIME TTY TIME CMD");
    // docker's tabwriter: 20-wide cells, padding 3
    EXPECT_EQ(lines[0].substr(0, 23), "UID                 PID");
    bool sawInit = false;
    for (size_t i = 1; i < lines.size(); ++i) {
        std::istringstream f(lines[i]);
        std::string uid, p;
        f >> uid >> p;
        if (std::stoi(p) == pid) sawInit = true;
    }
    EXPECT_TRUE(sawInit) << "host pid " << pid << " not in top";
    EXPECT_NE(lines[1].find("sleep 100"), std::string::npos);
    auto aux = splitLines(env.ok({"top", "tp", "aux"}));
    ASSERT_FALSE(aux.empty());
    EXPECT_EQ(aux[0].substr(0, 4), "USER");
    EXPECT_EQ(aux.size(), 3u);
    auto bad = env.run({"top", "tp", "-o", "pid="});
    EXPECT_EQ(bad.exitCode, 1);
    EXPECT_EQ(bad.err, "Error response from daemon: Couldn't find PID field in ps output\n");
}

TEST(LiveVerbs, TopHeaderMatchesDocker) {
    BERTH_REQUIRE_ROOT();
    BERTH_REQUIRE_DOCKER_PEER(docker);
    BerthEnv env;
    env.ok({"run", "-d", "--name", "tpd", "busybox", "sleep", "1000"});
    PeerContainer peer(docker, "lv-top");
    for (std::vector<std::string> ps : {std::vector<std::string>{}, {"aux"}, {"-o", "pid,comm"}}) {
        std::vector<std::string> m{"top", "tpd"}, t{"top", "lv-top"};
        m.insert(m.end(), ps.begin(), ps.end());
        t.insert(t.end(), ps.begin(), ps.end());
        auto mine = splitLines(env.ok(m));
        auto theirs = splitLines(docker->run(t).out);
        ASSERT_FALSE(theirs.empty());
        ASSERT_FALSE(mine.empty());
        EXPECT_EQ(mine[0], theirs[0]);
        EXPECT_EQ(mine.size(), theirs.size());
    }
}

TEST(LiveVerbs, StatsNoStreamColumnsAndLimits) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    std::string id = env.ok({"run", "-d", "--name", "st", "--memory", "64m", "busybox", "sleep", "1000"});
    env.ok({"create", "--name", "stc", "busybox", "true"});
    auto lines = splitLines(env.ok({"stats", "--no-stream"}));
    ASSERT_EQ(lines.size(), 2u);
    EXPECT_EQ(lines[0], "CONTAINER ID   NAME      CPU %     MEM USAGE / LIMIT   MEM %     NET I/O   "
                        "BLOCK I/O   PIDS");
    EXPECT_EQ(lines[1].substr(0, 12), id.substr(0, 12));
    EXPECT_NE(lines[1].find(" / 64MiB"), std::string::npos) << lines[1];
    EXPECT_NE(lines[1].find("0B / 0B"), std::string::npos);  // NET I/O: no networks (none)
    EXPECT_EQ(lines[1].back(), '1');                          // PIDS
    auto all = splitLines(env.ok({"stats", "--no-stream", "-a", "--format", "{{.Name}} {{.MemUsage}} {{.PIDs}}"}));
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0], "stc 0B / 0B 0");  // newest first; not running: zeros
    auto j = nlohmann::json::parse(env.ok({"stats", "--no-stream", "--no-trunc", "--format", "json", "st"}));
    EXPECT_EQ(j["ID"], id);
    EXPECT_EQ(j["Container"], "st");
    EXPECT_EQ(j["Name"], "st");
    for (auto key : {"BlockIO", "CPUPerc", "MemPerc", "MemUsage", "NetIO", "PIDs"})
        EXPECT_TRUE(j.contains(key)) << key;
    EXPECT_TRUE(std::regex_match(j["CPUPerc"].get<std::string>(), std::regex("[0-9]+\\.[0-9]{2}%")));
    // A busy container shows CPU use (two samples a second apart); the bound is low because the
    // test machine's 2 cores are shared (a lone busy loop got 15-100%).
    env.ok({"run", "-d", "--name", "busy", "busybox", "sh", "-c", "while :; do :; done"});
    auto cpu = env.ok({"stats", "--no-stream", "--format", "{{.CPUPerc}}", "busy"});
    EXPECT_GT(std::stod(cpu), 2.0) << cpu;
}

TEST(LiveVerbs, StatsStreamsAndRedrawsInPlace) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    env.ok({"run", "-d", "--name", "sts", "busybox", "sleep", "1000"});
    auto r = env.run({"stats"}, "", 3);  // killed by the timeout after ~2 frames
    EXPECT_EQ(r.out.rfind("\033[2J", 0), 0u);
    size_t frames = 0;
    for (size_t p = 0; (p = r.out.find("\033[H", p)) != std::string::npos; ++p) ++frames;
    EXPECT_GE(frames, 2u);
    EXPECT_NE(r.out.find("CONTAINER ID   NAME"), std::string::npos);
    EXPECT_NE(r.out.find("\033[K\n"), std::string::npos);
    EXPECT_NE(r.out.find("\033[J"), std::string::npos);
}

TEST(LiveVerbs, StatsMatchesDocker) {
    BERTH_REQUIRE_ROOT();
    BERTH_REQUIRE_DOCKER_PEER(docker);
    BerthEnv env;
    env.ok({"run", "-d", "--name", "lv-stats", "--memory", "32m", "busybox", "sleep", "1000"});
    PeerContainer peer(docker, "lv-stats", {"--memory", "32m"});
    auto mine = splitLines(env.ok({"stats", "--no-stream", "lv-stats"}));
    auto theirs = splitLines(docker->run({"stats", "--no-stream", "lv-stats"}).out);
    ASSERT_EQ(mine.size(), 2u);
    ASSERT_EQ(theirs.size(), 2u);
    EXPECT_EQ(mine[0], theirs[0]);
    auto cols = [](const std::string& fmt, const BerthEnv* e, const DockerPeer* d, const std::string& c) {
        auto out = e ? e->ok({"stats", "--no-stream", "--format", fmt, c})
                     : firstLine(d->run({"stats", "--no-stream", "--format", fmt, c}).out);
        return out;
    };
    // Network I/O of an idle sleep and its PIDS are deterministic (block I/O is not: a cold
    // page cache makes the first exec read the image from disk).
    std::string fmt = "{{.NetIO}}|{{.PIDs}}";
    EXPECT_EQ(cols(fmt, &env, nullptr, "lv-stats"), cols(fmt, nullptr, docker, "lv-stats"));
    auto limit = [](const std::string& s) { return s.substr(s.find(" / ")); };
    EXPECT_EQ(limit(cols("{{.MemUsage}}", &env, nullptr, "lv-stats")),
              limit(cols("{{.MemUsage}}", nullptr, docker, "lv-stats")));
    auto m = env.run({"stats", "--no-stream", "nosuch"});
    auto t = docker->run({"stats", "--no-stream", "nosuch"});
    EXPECT_EQ(m.exitCode, t.exitCode);
    EXPECT_EQ(m.err, asBerthText(t.err));
}

TEST(LiveVerbs, UpdateChangesTheLiveCgroupAndPersists) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    std::string id = env.ok({"run", "-d", "--name", "up", "--memory", "64m", "busybox", "sleep", "1000"});
    EXPECT_EQ(env.ok({"update", "--memory", "128m", "--memory-swap", "256m", "--cpus", "0.5",
                      "--cpu-shares", "512", "--pids-limit", "50", "--cpuset-cpus", "0", "up"}),
              "up");
    auto hc = env.inspect("up")["HostConfig"];
    EXPECT_EQ(hc["Memory"], 128 << 20);
    EXPECT_EQ(hc["MemorySwap"], 256 << 20);
    EXPECT_EQ(hc["NanoCpus"], 500000000);
    EXPECT_EQ(hc["CpuShares"], 512);
    EXPECT_EQ(hc["PidsLimit"], 50);
    EXPECT_EQ(hc["CpusetCpus"], "0");
    EXPECT_EQ(cgroupFile(id, "memory", "memory.limit_in_bytes", "memory.max"), "134217728\n");
    EXPECT_EQ(cgroupFile(id, "pids", "pids.max", "pids.max"), "50\n");
    std::string quota = cgroupFile(id, "cpu", "cpu.cfs_quota_us", "cpu.max");
    EXPECT_EQ(quota.substr(0, 5), "50000");
    // Kept for the next start.
    env.ok({"stop", "-t", "0", "up"});
    env.ok({"start", "up"});
    EXPECT_EQ(cgroupFile(id, "memory", "memory.limit_in_bytes", "memory.max"), "134217728\n");
    EXPECT_EQ(cgroupFile(id, "pids", "pids.max", "pids.max"), "50\n");
    // --restart reaches the running monitor: a kill restarts it.
    EXPECT_EQ(env.ok({"update", "--restart", "on-failure:2", "up"}), "up");
    EXPECT_EQ(env.inspect("up")["HostConfig"]["RestartPolicy"]["Name"], "on-failure");
    EXPECT_EQ(env.inspect("up")["HostConfig"]["RestartPolicy"]["MaximumRetryCount"], 2);
    // a stopped container: recorded only
    env.ok({"stop", "-t", "0", "up"});
    EXPECT_EQ(env.ok({"update", "--pids-limit", "60", "up"}), "up");
    env.ok({"start", "up"});
    EXPECT_EQ(cgroupFile(id, "pids", "pids.max", "pids.max"), "60\n");
}

TEST(LiveVerbs, UpdateErrorsMatchDocker) {
    BERTH_REQUIRE_ROOT();
    BERTH_REQUIRE_DOCKER_PEER(docker);
    BerthEnv env;
    std::string mine = env.ok({"run", "-d", "--name", "lv-up", "--cpus", "1", "busybox", "sleep", "1000"});
    PeerContainer peer(docker, "lv-up", {"--cpus", "1"});
    std::vector<std::vector<std::string>> cases = {
        {"update", "lv-up"},
        {"update", "-m", "100m", "lv-up"},
        {"update", "-m", "1m", "lv-up"},
        {"update", "--restart", "bogus", "lv-up"},
        {"update", "--cpu-period", "100000", "lv-up"},
        {"update", "--memory", "12x", "lv-up"},
    };
    for (auto& c : cases) {
        auto m = env.run(c);
        auto t = docker->run(c);
        std::string shown = berth::join(c, " ");
        EXPECT_EQ(m.exitCode, t.exitCode) << shown;
        EXPECT_EQ(replaceAll(m.err, mine, "ID"), replaceAll(asBerthText(t.err), peer.id, "ID")) << shown;
    }
}

TEST(LiveVerbs, RenameKeepsNamesUniqueWithDockersErrors) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    std::string id = env.ok({"create", "--name", "ra", "busybox", "true"});
    std::string other = env.ok({"create", "--name", "rb", "busybox", "true"});
    auto taken = env.run({"rename", "ra", "rb"});
    EXPECT_EQ(taken.exitCode, 1);
    EXPECT_EQ(taken.err, "Error response from daemon: Error when allocating new name: Conflict. The "
                         "container name \"/rb\" is already in use by container \"" + other +
                         "\". You have to remove (or rename) that container to be able to reuse "
                         "that name.\nError: failed to rename container named ra\n");
    EXPECT_EQ(env.ok({"rename", "ra", "rc"}), "");
    EXPECT_EQ(env.inspect(id)["Name"], "/rc");
    EXPECT_EQ(env.run({"inspect", "ra"}).exitCode, 1);
    EXPECT_EQ(env.ok({"rename", id.substr(0, 12), "/rd"}), "");
    EXPECT_EQ(env.inspect(id)["Name"], "/rd");
    // the old name is free again
    env.ok({"create", "--name", "rc", "busybox", "true"});
}

TEST(LiveVerbs, RenameAndPortMatchDocker) {
    BERTH_REQUIRE_ROOT();
    BERTH_REQUIRE_DOCKER_PEER(docker);
    BerthEnv env;
    env.ok({"run", "-d", "--name", "lv-rn", "busybox", "sleep", "1000"});
    PeerContainer peer(docker, "lv-rn");
    // (port with a port argument: docker 20.10's client words it differently from current
    // docker's, which berth follows: see PortAsCurrentDocker and docs/engine-differences.md.)
    std::vector<std::vector<std::string>> cases = {
        {"rename", "lv-rn", "lv-rn"}, {"rename", "lv-rn", "bad/x"}, {"rename", "lv-rn", ""},
        {"rename", "nosuch", "x1"},   {"rename", "lv-rn"},          {"port", "lv-rn"},
        {"port", "nosuch"},           {"port", "lv-rn", "80/udp"},
    };
    for (auto& c : cases) {
        auto m = env.run(c);
        auto t = docker->run(c);
        std::string shown = berth::join(c, " ");
        EXPECT_EQ(m.exitCode, t.exitCode) << shown;
        EXPECT_EQ(m.out, t.out) << shown;
        EXPECT_EQ(m.err, asCurrentDocker(t.err)) << shown;
    }
}

// docker 28's client texts (berth has no port publishing: every container has no mapping).
TEST(LiveVerbs, PortAsCurrentDocker) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    env.ok({"run", "-d", "--name", "pt", "busybox", "sleep", "1000"});
    auto list = env.run({"port", "pt"});
    EXPECT_EQ(list.exitCode, 0);
    EXPECT_EQ(list.out, "");
    auto p80 = env.run({"port", "pt", "80"});
    EXPECT_EQ(p80.exitCode, 1);
    EXPECT_EQ(p80.err, "Error: No public port '80' published for pt\n");
    auto bad = env.run({"port", "pt", "abc"});
    EXPECT_EQ(bad.err, "Error: invalid port (abc): strconv.ParseUint: parsing \"abc\": invalid syntax\n");
    auto big = env.run({"port", "pt", "70000/tcp"});
    EXPECT_EQ(big.err,
              "Error: invalid port (70000): strconv.ParseUint: parsing \"70000\": value out of range\n");
}

TEST(LiveVerbs, ContainerPruneRemovesStoppedOnes) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    std::string running = env.ok({"run", "-d", "--name", "pr-run", "busybox", "sleep", "1000"});
    env.ok({"run", "--name", "pr-l", "-l", "keep=no", "busybox", "sh", "-c", "echo x > /file"});
    std::string labelled = env.inspect("pr-l")["Id"];
    std::string plain = env.ok({"create", "--name", "pr-c", "busybox", "true"});
    (void)running;
    auto r = env.run({"container", "prune", "-f", "--filter", "label=keep=no"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.out.rfind("Deleted Containers:\n", 0), 0u);
    ASSERT_GE(splitLines(r.out).size(), 2u);
    EXPECT_EQ(splitLines(r.out)[1], labelled);
    EXPECT_EQ(splitLines(r.out).size(), 4u);
    EXPECT_EQ(splitLines(r.out)[2], "");
    EXPECT_TRUE(std::regex_match(splitLines(r.out)[3], std::regex("Total reclaimed space: [0-9.]+k?B")))
        << splitLines(r.out)[3];
    auto names = env.ok({"ps", "-a", "--format", "{{.Names}}"});
    EXPECT_EQ(names.find("pr-l"), std::string::npos);
    EXPECT_NE(names.find("pr-c"), std::string::npos);
    EXPECT_EQ(env.ok({"container", "prune", "-f", "--filter", "until=1h"}), "Total reclaimed space: 0B");
    auto all = env.run({"container", "prune"}, "y\n");
    EXPECT_EQ(all.out, "WARNING! This will remove all stopped containers.\nAre you sure you want to "
                       "continue? [y/N] Deleted Containers:\n" + plain + "\n\nTotal reclaimed space: 0B\n");
    EXPECT_EQ(env.ok({"ps", "-a", "--format", "{{.Names}}"}), "pr-run");
    auto no = env.run({"container", "prune"}, "n\n");
    EXPECT_EQ(no.exitCode, 0);
    EXPECT_EQ(env.ok({"ps", "-a", "--format", "{{.Names}}"}), "pr-run");
    EXPECT_NE(env.run({"prune"}).exitCode, 0);  // no top-level prune, as docker
}

TEST(LiveVerbs, ContainerPruneFilterErrorsMatchDocker) {
    BERTH_REQUIRE_ROOT();
    BERTH_REQUIRE_DOCKER_PEER(docker);
    BerthEnv env;
    for (std::vector<std::string> c : {std::vector<std::string>{"container", "prune", "-f", "--filter", "bogus=1"},
                                       {"container", "prune", "-f", "--filter", "until=xx"},
                                       {"container", "prune", "-f", "--filter", "nofilter"}}) {
        auto m = env.run(c);
        auto t = docker->run(c);
        EXPECT_EQ(m.exitCode, t.exitCode) << c[4];
        EXPECT_EQ(m.err, asBerthText(t.err)) << c[4];
    }
}

TEST(LiveVerbs, OomKilledIsRecorded) {
    BERTH_REQUIRE_ROOT();
    BerthEnv env;
    // A shell string doubling itself until the 16 MiB limit kills it.
    auto r = env.run({"run", "--name", "oom", "--memory", "16m", "--memory-swap", "16m", "busybox",
                      "sh", "-c", "x=a; while :; do x=$x$x; done"}, "", 60);
    EXPECT_EQ(r.exitCode, 137) << r.err;
    auto st = env.inspect("oom")["State"];
    EXPECT_EQ(st["OOMKilled"], true);
    EXPECT_EQ(st["ExitCode"], 137);
    env.ok({"run", "--name", "nooom", "--memory", "16m", "busybox", "true"});
    EXPECT_EQ(env.inspect("nooom")["State"]["OOMKilled"], false);
    // a restart clears it, as docker's start does
    env.ok({"start", "nooom"});
}

TEST(LiveVerbs, OomKilledMatchesDocker) {
    BERTH_REQUIRE_ROOT();
    BERTH_REQUIRE_DOCKER_PEER(docker);
    BerthEnv env;
    std::vector<std::string> args{"run", "--name", "lv-oom", "--memory", "16m", "--memory-swap",
                                  "16m", "busybox", "sh", "-c", "x=a; while :; do x=$x$x; done"};
    docker->run({"rm", "-f", "lv-oom"});
    auto t = docker->run(args);
    auto m = env.run(args);
    EXPECT_EQ(m.exitCode, t.exitCode);
    auto theirs = docker->run({"inspect", "-f", "{{.State.OOMKilled}} {{.State.ExitCode}}", "lv-oom"});
    EXPECT_EQ(env.ok({"inspect", "-f", "{{.State.OOMKilled}} {{.State.ExitCode}}", "lv-oom"}) + "\n",
              theirs.out);
    docker->run({"rm", "-f", "lv-oom"});
}

}  // namespace
