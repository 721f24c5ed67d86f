// berth-runtime's pure pieces: flag parsing, signal names, the launch plan (namespaces, caps,
// rlimits), id maps, and the state store on a temp dir.
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <thread>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "oci/runtime_spec.hpp"
#include "runtime/cli/cli_args.hpp"
#include "runtime/cli/verbs.hpp"
#include "runtime/container/launch_plan.hpp"
#include "runtime/container/namespaces.hpp"
#include "runtime/state/state_store.hpp"
#include "support/test_support.hpp"

using namespace berth;
using namespace berth::runtime;
using nlohmann::json;

namespace {

json config() {
    return json{{"ociVersion", "1.2.0"},
                {"root", {{"path", "rootfs"}}},
                {"process",
                 {{"user", {{"uid", 0}, {"gid", 0}}}, {"args", {"sh"}}, {"cwd", "/"},
                  {"env", {"A=1", "PATH=/opt/bin:/bin"}}}},
                {"linux", {{"namespaces", {{{"type", "pid"}}, {{"type", "mount"}}, {{"type", "cgroup"}}}}}}};
}

LaunchPlan plan(const json& c, LaunchOptions o = {}) {
    o.id = "x";
    if (o.consoleSocket.empty()) o.foreground = true;
    return planLaunch(oci::parseSpec(c.dump()), "/nonexistent", o);
}

}  // namespace

TEST(RuntimeCli, ParsesRuncStyleFlags) {
    std::vector<cli::FlagSpec> specs{{{"bundle", "b"}, true}, {{"detach", "d"}, false}};
    auto a = cli::parseFlags({"--bundle", "/b", "id1", "-d"}, specs, "run");
    EXPECT_EQ(a.get("bundle"), "/b");
    EXPECT_TRUE(a.has("detach"));
    EXPECT_EQ(a.positional, std::vector<std::string>{"id1"});
    a = cli::parseFlags({"-b=/c", "-bundle", "/d", "x"}, specs, "run");
    EXPECT_EQ(a.get("bundle"), "/d");
    EXPECT_EQ(a.all("bundle").size(), 2u);
    EXPECT_THROW(cli::parseFlags({"--nope"}, specs, "run"), Error);
    EXPECT_THROW(cli::parseFlags({"--bundle"}, specs, "run"), Error);
    a = cli::parseFlags({"--", "-notaflag"}, specs, "run");
    EXPECT_EQ(a.positional, std::vector<std::string>{"-notaflag"});
    EXPECT_THROW(cli::requireId(cli::parseFlags({}, specs, "x"), "start"), Error);
    EXPECT_THROW(cli::requireId(cli::parseFlags({"a", "b"}, specs, "x"), "start"), Error);
}

TEST(RuntimeCli, SignalNames) {
    EXPECT_EQ(cli::parseSignal("KILL"), SIGKILL);
    EXPECT_EQ(cli::parseSignal("SIGTERM"), SIGTERM);
    EXPECT_EQ(cli::parseSignal("sigusr1"), SIGUSR1);
    EXPECT_EQ(cli::parseSignal("9"), 9);
    EXPECT_EQ(cli::parseSignal("RTMIN+2"), SIGRTMIN + 2);
    EXPECT_THROW(cli::parseSignal("NOPE"), Error);
    EXPECT_THROW(cli::parseSignal("0"), Error);
    EXPECT_THROW(cli::parseSignal("999"), Error);
}

TEST(RuntimeLaunchPlan, NamespacesFastPathAndTwoStage) {
    auto p = plan(config());
    EXPECT_EQ(p.newFlags, CLONE_NEWPID | CLONE_NEWNS);  // cgroup ns is unshared later
    EXPECT_TRUE(p.newCgroup);
    EXPECT_FALSE(p.twoStage);
    json c = config();
    c["linux"]["namespaces"].push_back({{"type", "network"}, {"path", "/proc/1/ns/net"}});
    p = plan(c);
    EXPECT_TRUE(p.twoStage);
    ASSERT_EQ(p.joins.size(), 1u);
    EXPECT_EQ(p.joins[0].nstype, CLONE_NEWNET);
    EXPECT_EQ(p.joins[0].field, "linux.namespaces[3].path");
    c = config();
    c["linux"]["namespaces"].push_back({{"type", "time"}});
    EXPECT_TRUE(plan(c).twoStage);
}

TEST(RuntimeLaunchPlan, ProcessAttributes) {
    json c = config();
    c["process"]["user"] = {{"uid", 5}, {"gid", 6}, {"umask", 077}, {"additionalGids", {7}}};
    c["process"]["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"hard", 10}, {"soft", 5}}};
    c["process"]["capabilities"] = {{"bounding", {"CAP_CHOWN", "CAP_KILL"}},
                                    {"effective", {"CAP_KILL"}}};
    auto p = plan(c);
    EXPECT_EQ(p.uid, 5u);
    EXPECT_EQ(p.gid, 6u);
    EXPECT_EQ(p.umask, 077u);
    EXPECT_EQ(p.groups, std::vector<gid_t>{7});
    ASSERT_EQ(p.rlimits.size(), 1u);
    EXPECT_EQ(p.rlimits[0].resource, RLIMIT_NOFILE);
    EXPECT_EQ(p.rlimits[0].limit.rlim_cur, 5u);
    EXPECT_EQ(p.caps.bounding, (1u << 0) | (1u << 5));
    EXPECT_EQ(p.caps.effective, 1u << 5);
    EXPECT_EQ(p.caps.inheritable, 0u);
    EXPECT_EQ(p.path, "/opt/bin:/bin");
    EXPECT_EQ(plan(config()).umask, 022u);  // runc's default
}

TEST(RuntimeLaunchPlan, TerminalNeedsAConsoleSocketWhenDetached) {
    json c = config();
    c["process"]["terminal"] = true;
    LaunchOptions o;
    o.id = "x";
    EXPECT_THROW(planLaunch(oci::parseSpec(c.dump()), "/r", o), Error);
    o.consoleSocket = "/run/sock";
    EXPECT_NO_THROW(planLaunch(oci::parseSpec(c.dump()), "/r", o));
}

TEST(RuntimeLaunchPlan, IdMapText) {
    EXPECT_EQ(idMapText({{0, 1000, 1}, {1, 100000, 65536}}), "0 1000 1\n1 100000 65536\n");
}

TEST(RuntimeStateStore, CreateSaveLoadListRemove) {
    test::TempDir d;
    StateStore store(d.path() + "/root/");
    EXPECT_EQ(store.root(), d.path() + "/root");
    {
        ContainerLock lock = store.createAndLock("c1");
        ContainerState s;
        s.id = "c1";
        s.pid = ::getpid();
        s.pidStartTime = processStartTime(::getpid());
        s.bundle = "/b";
        s.annotations = {{"k", "v"}};
        store.save(s);
        EXPECT_THROW(store.createAndLock("c1"), Error);
    }
    auto s = store.load("c1");
    EXPECT_EQ(s.bundle, "/b");
    EXPECT_EQ(s.annotations["k"], "v");
    EXPECT_EQ(store.status(s), ContainerStatus::Running);  // our own pid is alive
    s.pidStartTime += 1;  // a reused pid
    EXPECT_EQ(store.status(s), ContainerStatus::Stopped);
    s = store.load("c1");
    writeFile(store.fifoPath("c1"), "");
    EXPECT_EQ(store.status(s), ContainerStatus::Created);
    auto j = store.stateJson(s, ContainerStatus::Stopped);
    EXPECT_EQ(j["status"], "stopped");
    EXPECT_EQ(j["pid"], 0);
    EXPECT_EQ(store.list(), std::vector<std::string>{"c1"});
    store.remove("c1");
    EXPECT_TRUE(store.list().empty());
    EXPECT_THROW(store.load("c1"), Error);
    EXPECT_THROW(store.lock("c1"), Error);
}

TEST(RuntimeStateStore, InvalidIds) {
    for (auto id : {"", ".", "..", "a/b", "a b", "x\n"}) EXPECT_THROW(StateStore::validateId(id), Error) << id;
    for (auto id : {"abc", "A-b_c.d+e", "0123456789abcdef"}) EXPECT_NO_THROW(StateStore::validateId(id));
}

TEST(RuntimeStateStore, LocksSerialiseCommands) {
    test::TempDir d;
    StateStore store(d.path());
    ContainerState s;
    s.id = "c";
    {
        ContainerLock l = store.createAndLock("c");
        store.save(s);
    }
    std::atomic<bool> second{false};
    ContainerLock first = store.lock("c");
    std::thread t([&] {
        ContainerLock l = store.lock("c");
        second = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(second.load());
    first = ContainerLock();
    t.join();
    EXPECT_TRUE(second.load());
}
