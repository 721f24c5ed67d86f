// Crash safety of the daemonless engine: the `berth` CLI killed with SIGKILL at random points of
// create/start/rm/run -d, a killed berth-monitor, and `berth system check` clearing what was left
// (mounts, cgroups, runtime state, rows, dirs). Root, private --root (BerthEnv).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <set>
#include <thread>

#include "common/file_io.hpp"
#include "engine/check/cgroup_leftovers.hpp"
#include "engine/container/container_store.hpp"
#include "harness/berth_env.hpp"

extern char** environ;

using berth::test::BerthEnv;
using berth::test::binPath;
using berth::test::splitLines;

namespace {


void killAndReap(pid_t pid) {
    ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
}

std::vector<std::string> dirIds(const BerthEnv& env) {
    return berth::engine::ContainerStore(env.root()).dirIds();
}

int monitorPid(const BerthEnv& env, const std::string& id) {
    try {
        return std::stoi(berth::readFile(env.root() + "/containers/" + id + "/monitor/monitor.pid"));
    } catch (...) {
        return 0;
    }
}

// SIGKILL to the container's monitor; false when it has no monitor.pid (never kill(0): that
// would end this test's process group, ctest with it).
bool killMonitorOf(const BerthEnv& env, const std::string& id) {
    int pid = monitorPid(env, id);
    return pid > 0 && ::kill(pid, SIGKILL) == 0;
}

// Cgroup directories (any hierarchy) of the given containers.
std::vector<std::string> cgroupsOf(const std::set<std::string>& ids) {
    std::vector<std::string> out;
    for (auto& [id, dirs] : berth::engine::check::scanContainerCgroups())
        if (ids.count(id)) out.insert(out.end(), dirs.begin(), dirs.end());
    return out;
}

std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (auto& x : v) s += x + "\n";
    return s;
}

class CrashSafety : public ::testing::Test {
  protected:
    void SetUp() override { BERTH_REQUIRE_ROOT(); }
};

}  // namespace

TEST_F(CrashSafety, SigkillOfCliDuringRunDetachedLeavesAManageableContainer) {
    BerthEnv env;
    pid_t cli = env.spawn({"run", "-d", "--name", "survivor", "busybox", "sleep", "1000"});
    // Kill the CLI as soon as its container's berth-monitor exists (the CLI still waits for it).
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    std::string id;
    while (std::chrono::steady_clock::now() < deadline) {
        auto ids = dirIds(env);
        if (!ids.empty() && monitorPid(env, ids[0]) > 0) {
            id = ids[0];
            break;
        }
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    killAndReap(cli);
    ASSERT_FALSE(id.empty()) << "no monitor appeared";
    // Running, and every verb works on it.
    deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    std::string status;
    while (std::chrono::steady_clock::now() < deadline) {
        status = env.ok({"inspect", "-f", "{{.State.Status}}", "survivor"});
        if (status == "running") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(status, "running");
    EXPECT_NE(env.ok({"ps"}).find("survivor"), std::string::npos);
    EXPECT_EQ(env.ok({"stop", "-t", "1", "survivor"}), "survivor");
    EXPECT_EQ(env.ok({"inspect", "-f", "{{.State.Status}}", "survivor"}), "exited");
    EXPECT_EQ(env.ok({"start", "survivor"}), "survivor");
    EXPECT_EQ(env.ok({"rm", "-f", "survivor"}), "survivor");
    EXPECT_EQ(env.ok({"ps", "-aq"}), "");
    EXPECT_TRUE(cgroupsOf({id}).empty()) << joined(cgroupsOf({id}));
    EXPECT_TRUE(env.mountsUnderRoot().empty());
}

TEST_F(CrashSafety, KilledMonitorIsDetectedAndReported) {
    BerthEnv env;
    std::string a = env.ok({"run", "-d", "--name", "ma", "busybox", "sleep", "1000"});
    std::string b = env.ok({"run", "-d", "--name", "mb", "busybox", "sleep", "1000"});
    // a: monitor and init both killed → never "Up" again; exited 137 with an Error.
    int initA = env.inspect("ma")["State"]["Pid"].get<int>();
    ASSERT_GT(initA, 0);
    ASSERT_TRUE(killMonitorOf(env, a));
    ASSERT_EQ(::kill(initA, SIGKILL), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto st = env.inspect("ma")["State"];
    EXPECT_EQ(st["Status"], "exited");
    EXPECT_EQ(st["Running"], false);
    EXPECT_EQ(st["ExitCode"], 137);
    EXPECT_NE(st["Error"].get<std::string>().find("berth-monitor"), std::string::npos) << st.dump();
    auto ps = env.ok({"ps", "-a", "--format", "{{.Names}} {{.Status}}"});
    EXPECT_NE(ps.find("ma Exited (137)"), std::string::npos) << ps;
    EXPECT_EQ(ps.find("ma Up"), std::string::npos) << ps;

    // b: only its monitor killed → the container runs unmonitored (Error says so); stop ends it
    // through the runtime and records exited 137.
    ASSERT_TRUE(killMonitorOf(env, b));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    st = env.inspect("mb")["State"];
    EXPECT_NE(st["Error"].get<std::string>().find("berth-monitor"), std::string::npos) << st.dump();
    env.ok({"stop", "mb"});
    st = env.inspect("mb")["State"];
    EXPECT_EQ(st["Status"], "exited");
    EXPECT_EQ(st["ExitCode"], 137);
    EXPECT_TRUE(cgroupsOf({b}).empty()) << joined(cgroupsOf({b}));

    // system check reaps a (its cgroups and runtime state) and says what it did.
    auto check = env.run({"system", "check"});
    EXPECT_EQ(check.exitCode, 0) << check.err;
    EXPECT_NE(check.out.find("container " + a.substr(0, 12) + " (/ma)"), std::string::npos) << check.out;
    EXPECT_NE(check.out.find("berth-monitor"), std::string::npos) << check.out;
    EXPECT_TRUE(cgroupsOf({a}).empty()) << joined(cgroupsOf({a}));
    EXPECT_FALSE(berth::pathExists(env.root() + "/runtime/berth-runtime/" + a));
    EXPECT_EQ(env.ok({"system", "check"}), "No problems found");
    EXPECT_EQ(env.inspect("ma")["State"]["Status"], "exited");
    env.ok({"rm", "ma", "mb"});
    EXPECT_TRUE(env.mountsUnderRoot().empty());
}

// The acceptance test: 200 SIGKILLs of the CLI at a random moment of create/start/rm/run -d
// (and a few of monitors), then `system check` must leave no leaked mount, cgroup, runtime state, row or dir, and the
// store must still work.
TEST_F(CrashSafety, RandomKillsThenSystemCheckClearsEveryLeak) {
    BerthEnv env;
    std::mt19937 rng(std::random_device{}());
    const int kKills = 200, kMaxDelayMs = 60;
    std::set<std::string> seen;  // every container ID that ever had a dir
    int nameSeq = 0;
    for (int i = 0; i < kKills; ++i) {
        auto ids = dirIds(env);
        seen.insert(ids.begin(), ids.end());
        std::string target = ids.empty() ? "" : ids[rng() % ids.size()];
        std::vector<std::string> args;
        switch (target.empty() ? 0 : rng() % 4) {
        case 0: args = {"create", "--name", "c" + std::to_string(nameSeq++ % 20), "busybox", "sleep", "1000"}; break;
        case 1: args = {"start", target}; break;
        case 2: args = {"rm", "-f", target}; break;
        default: args = {"run", "-d", "busybox", "sleep", "1000"}; break;
        }
        pid_t pid = env.spawn(args);
        std::this_thread::sleep_for(std::chrono::microseconds(rng() % (kMaxDelayMs * 1000)));
        killAndReap(pid);
        // Now and then a monitor dies too (its container then leaks a cgroup and runtime state
        // that only system check clears).
        if (i % 25 == 24 && !ids.empty()) {
            int mp = monitorPid(env, ids[rng() % ids.size()]);
            if (mp > 0) ::kill(mp, SIGKILL);
        }
        // Keep the number of live containers small (and exercise finished removes too).
        if (ids.size() > 12) env.run({"rm", "-f", ids[rng() % ids.size()]});
    }
    // At least one container whose monitor died while it ran: a cgroup and runtime state only
    // system check clears.
    std::string orphan = env.ok({"run", "-d", "busybox", "sleep", "1000"});
    ASSERT_TRUE(killMonitorOf(env, orphan));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    {
        auto ids = dirIds(env);
        seen.insert(ids.begin(), ids.end());
    }
    auto check = env.run({"system", "check"}, "", 120);
    EXPECT_EQ(check.exitCode, 0) << check.out << check.err;
    EXPECT_NE(check.out.find("Killed what was left of container " + orphan.substr(0, 12)),
              std::string::npos)
        << check.out;
    EXPECT_EQ(env.inspect(orphan)["State"]["ExitCode"], 137);
    std::cout << "system check after " << kKills << " kills:\n" << check.out;
    auto again = env.run({"system", "check"});
    EXPECT_EQ(again.out, "No problems found\n");

    // Every row has a dir and every dir a row; all rows are ready.
    berth::engine::ContainerStore store(env.root());
    std::set<std::string> rows;
    for (auto& e : store.entries()) {
        EXPECT_EQ(e.phase, berth::engine::RecordPhase::Ready) << e.rec.id;
        EXPECT_TRUE(berth::pathExists(store.dir(e.rec.id))) << "row without dir " << e.rec.id;
        rows.insert(e.rec.id);
    }
    for (auto& id : store.dirIds()) EXPECT_TRUE(rows.count(id)) << "dir without row " << id;
    // Mounts, cgroups and runtime state only of containers that exist (and, for the last two,
    // run).
    for (auto& line : env.mountsUnderRoot()) {
        bool ours = false;
        for (auto& id : rows) ours = ours || line.find(id) != std::string::npos;
        EXPECT_TRUE(ours) << "leaked mount: " << line;
    }
    std::set<std::string> gone;
    for (auto& id : seen)
        if (!rows.count(id)) gone.insert(id);
    EXPECT_TRUE(cgroupsOf(gone).empty()) << joined(cgroupsOf(gone));
    for (auto& id : gone)
        EXPECT_FALSE(berth::pathExists(env.root() + "/runtime/berth-runtime/" + id)) << id;

    // Every container is still manageable; once removed nothing of them is left.
    for (auto& id : rows) {
        auto r = env.run({"rm", "-f", id});
        EXPECT_EQ(r.exitCode, 0) << r.err;
    }
    EXPECT_EQ(env.ok({"ps", "-aq"}), "");
    EXPECT_TRUE(env.mountsUnderRoot().empty()) << joined(env.mountsUnderRoot());
    EXPECT_TRUE(cgroupsOf(seen).empty()) << joined(cgroupsOf(seen));
    EXPECT_TRUE(store.dirIds().empty());
    // The store still works.
    EXPECT_EQ(env.ok({"run", "--rm", "busybox", "echo", "ok"}), "ok");
    EXPECT_EQ(env.ok({"run", "-d", "--name", "c0", "busybox", "true"}).size(), 64u);
}
