// The runtime-spec lifecycle through the binary: create → start → state → kill → delete, the
// error semantics of each verb, exit codes of run, and bad input leaving nothing behind.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "common/file_io.hpp"
#include "common/strings.hpp"
#include "runtime_harness.hpp"

using namespace berth;
using namespace berth::test;
using nlohmann::json;

namespace {

bool waitForStatus(RuntimeBundle& b, const std::string& id, const std::string& want) {
    for (int i = 0; i < 1000; ++i) {
        if (b.state(id).value("status", "") == want) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

// Gone, or a zombie waiting for whoever it was reparented to.
bool processGone(int pid) {
    for (int i = 0; i < 1000; ++i) {
        std::string st;
        try {
            st = readFile("/proc/" + std::to_string(pid) + "/stat");
        } catch (...) {
            return true;
        }
        auto p = st.rfind(')');
        if (p != std::string::npos && st[p + 2] == 'Z') return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

}  // namespace

TEST(RuntimeLifecycle, RunPropagatesExitCodes) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    auto r = b.run(shellConfig("echo hello; exit 7"));
    EXPECT_EQ(r.exitCode, 7) << r.err;
    EXPECT_EQ(r.out, "hello\n");
    b.id = b.newId();
    json noPidNs = shellConfig("kill -KILL $$");  // pid 1 of a pid namespace can't get SIGKILL
    noPidNs["linux"]["namespaces"].erase(0);
    r = b.run(noPidNs);
    EXPECT_EQ(r.exitCode, 128 + 9) << r.err;
    b.id = b.newId();
    r = b.run(shellConfig("true"));
    EXPECT_EQ(r.exitCode, 0) << r.err;
    // run deletes the container when it exits.
    EXPECT_FALSE(pathExists(b.root() + "/" + b.id));
}

TEST(RuntimeLifecycle, CreateStartStateKillDelete) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    b.write(shellConfig("echo started > /tmp/marker; exec sleep 100"));
    std::string pidFile = b.dir / "pid";
    auto r = b.rtDetached({"create", "--bundle", b.bundle(), "--pid-file", pidFile, b.id});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    json st = b.state(b.id);
    EXPECT_EQ(st["status"], "created");
    EXPECT_EQ(st["id"], b.id);
    EXPECT_EQ(st["bundle"], b.bundle());
    EXPECT_EQ(st["ociVersion"], "1.2.0");
    int pid = st["pid"];
    EXPECT_GT(pid, 0);
    EXPECT_EQ(std::to_string(pid), readFile(pidFile));
    // The process has not run yet.
    EXPECT_FALSE(pathExists(b.rootfs() + "/tmp/marker"));

    // delete of a created container is an error and leaves it untouched.
    r = b.rt({"delete", b.id});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.err.find("not stopped"), std::string::npos) << r.err;
    EXPECT_EQ(b.state(b.id)["status"], "created");

    r = b.rt({"start", b.id});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(waitForStatus(b, b.id, "running"));
    for (int i = 0; i < 1000 && !pathExists(b.rootfs() + "/tmp/marker"); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_TRUE(pathExists(b.rootfs() + "/tmp/marker"));

    // start of a running container is an error.
    r = b.rt({"start", b.id});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.err.find("not created"), std::string::npos) << r.err;
    r = b.rt({"delete", b.id});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_EQ(b.state(b.id)["status"], "running");

    auto list = b.rt({"list", "--format", "json"});
    ASSERT_EQ(list.exitCode, 0) << list.err;
    auto arr = json::parse(list.out);
    ASSERT_EQ(arr.size(), 1u);
    EXPECT_EQ(arr[0]["id"], b.id);
    auto table = b.rt({"list"});
    EXPECT_TRUE(startsWith(table.out, "ID")) << table.out;
    EXPECT_NE(table.out.find(b.id), std::string::npos);

    r = b.rt({"kill", b.id, "KILL"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(waitForStatus(b, b.id, "stopped"));
    EXPECT_EQ(b.state(b.id)["pid"], 0);
    // kill of a stopped container is an error.
    r = b.rt({"kill", b.id, "KILL"});
    EXPECT_NE(r.exitCode, 0);
    r = b.rt({"delete", b.id});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_FALSE(pathExists(b.root() + "/" + b.id));
    r = b.rt({"state", b.id});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
}

TEST(RuntimeLifecycle, DuplicateIdAndForceDelete) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    b.write(shellConfig("sleep 100"));
    ASSERT_EQ(b.rtDetached({"create", "--bundle", b.bundle(), b.id}).exitCode, 0);
    auto r = b.rtDetached({"create", "--bundle", b.bundle(), b.id});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.err.find("already exists"), std::string::npos) << r.err;
    int pid = b.state(b.id)["pid"];
    r = b.rt({"delete", "--force", b.id});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_FALSE(processGone(pid) == false) << "init " << pid << " still alive";
    EXPECT_FALSE(pathExists(b.root() + "/" + b.id));
}

TEST(RuntimeLifecycle, SignalsReachTheContainer) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    b.write(shellConfig("trap 'echo got-usr1 > /tmp/sig; exit 0' USR1; echo ready > /tmp/ready; "
                        "while true; do sleep 0.05; done"));
    ASSERT_EQ(b.rtDetached({"create", "--bundle", b.bundle(), b.id}).exitCode, 0);
    ASSERT_EQ(b.rt({"start", b.id}).exitCode, 0);
    for (int i = 0; i < 1000 && !pathExists(b.rootfs() + "/tmp/ready"); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    auto r = b.rt({"kill", b.id, "SIGUSR1"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_TRUE(waitForStatus(b, b.id, "stopped"));
    EXPECT_EQ(readFile(b.rootfs() + "/tmp/sig"), "got-usr1\n");
    // The default signal is TERM; a created container (init not yet exec'd) dies of it too.
    std::string id2 = b.newId();
    ASSERT_EQ(b.rtDetached({"create", "--bundle", b.bundle(), id2}).exitCode, 0);
    EXPECT_EQ(b.rt({"kill", id2}).exitCode, 0);
    EXPECT_TRUE(waitForStatus(b, id2, "stopped"));
}

TEST(RuntimeLifecycle, RunForwardsSignals) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    b.write(shellConfig("trap 'exit 42' TERM; touch /tmp/ready; while true; do sleep 0.05; done"));
    std::thread killer([&] {
        for (int i = 0; i < 1000 && !pathExists(b.rootfs() + "/tmp/ready"); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        runCommand({"pkill", "-TERM", "-f", "berth-runtime --root " + b.root() + " run"});
    });
    auto r = b.rt({"run", "--bundle", b.bundle(), b.id});
    killer.join();
    EXPECT_EQ(r.exitCode, 42) << r.err;
}

TEST(RuntimeLifecycle, SpecWritesADefaultConfigOnce) {
    REQUIRE_BERTH_RUNTIME();
    TempDir d;
    auto r = runCommand({runtimeBin(), "spec", "--bundle", d.path()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto j = json::parse(readFile(d / "config.json"));
    EXPECT_EQ(j["root"]["path"], "rootfs");
    EXPECT_EQ(j["process"]["args"][0], "sh");
    r = runCommand({runtimeBin(), "spec", "--bundle", d.path()});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.err.find("exists"), std::string::npos);
    TempDir d2;
    r = runCommand({runtimeBin(), "spec", "--rootless", "--bundle", d2.path()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    j = json::parse(readFile(d2 / "config.json"));
    EXPECT_EQ(j["linux"]["uidMappings"][0]["containerID"], 0);
}

// Bad input: a clear error naming the field or path, and no state dir, mount or process.
TEST(RuntimeLifecycle, BadInputLeavesNothingBehind) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    auto check = [&](const std::string& what, const std::string& expectInErr) {
        auto r = b.rtDetached({"create", "--bundle", b.bundle(), b.id});
        EXPECT_NE(r.exitCode, 0) << what;
        EXPECT_NE(r.err.find(expectInErr), std::string::npos) << what << ": " << r.err;
        EXPECT_FALSE(pathExists(b.root() + "/" + b.id)) << what;
        for (auto& line : split(readFile("/proc/self/mountinfo"), '\n'))
            EXPECT_EQ(line.find(b.dir.path()), std::string::npos) << what << ": " << line;
        auto ps = runCommand({"pgrep", "-f", b.bundle()});
        EXPECT_EQ(ps.out, "") << what;
    };
    b.writeRaw("{\"ociVersion\": \"1.2.0\", \"root\": ");
    check("malformed json", "malformed JSON");
    json c = shellConfig("true");
    c["process"]["user"]["uid"] = "root";
    b.write(c);
    check("wrong type", "process.user.uid");
    c = shellConfig("true");
    c["root"]["path"] = "no-such-rootfs";
    b.write(c);
    check("missing rootfs", "no-such-rootfs");
    c = shellConfig("true");
    c["linux"]["namespaces"].push_back({{"type", "bogus"}});
    b.write(c);
    check("unknown namespace", "linux.namespaces[5].type");
    c = shellConfig("true");
    c["process"]["args"] = {"/no/such/binary"};
    b.write(c);
    check("missing executable", "/no/such/binary");
    c = shellConfig("true");
    c["mounts"].push_back({{"destination", "/data"}, {"type", "bind"},
                           {"source", "/nonexistent-berth-src"}, {"options", {"rbind"}}});
    b.write(c);
    check("missing bind source", "/nonexistent-berth-src");
    c = shellConfig("true");
    c["linux"]["namespaces"].push_back({{"type", "cgroup"}, {"path", "/nonexistent/ns"}});
    b.write(c);
    check("namespace path", "/nonexistent/ns");
}
