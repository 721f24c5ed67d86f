// `exec`: a process in every namespace and the cgroup of a running container, with runc's
// flags, -t, exit codes, and errors.
#include <unistd.h>

#include "common/file_io.hpp"
#include "common/strings.hpp"
#include "runtime_harness.hpp"

using namespace berth;
using namespace berth::test;
using nlohmann::json;

namespace {

std::string ns(const std::string& pid, const std::string& name) {
    char buf[256];
    ssize_t n = ::readlink(("/proc/" + pid + "/ns/" + name).c_str(), buf, sizeof buf - 1);
    return n < 0 ? "" : std::string(buf, size_t(n));
}

}  // namespace

TEST(RuntimeExec, JoinsEveryNamespaceAndTheCgroup) {
    REQUIRE_BERTH_RUNTIME();
    RuntimeBundle b;
    json c = shellConfig("sleep 100");
    c["linux"]["namespaces"].push_back({{"type", "cgroup"}});
    c["linux"]["cgroupsPath"] = "/berth-exec-test/" + b.id;
    b.write(c);
    ASSERT_EQ(b.rtDetached({"create", "--bundle", b.bundle(), b.id}).exitCode, 0);
    ASSERT_EQ(b.rt({"start", b.id}).exitCode, 0);
    std::string pid = std::to_string(b.state(b.id)["pid"].get<int>());
    std::string script = "echo host=$(hostname); echo mypid=$$;";
    for (auto n : {"pid", "net", "ipc", "uts", "mnt", "cgroup"})
        script += std::string("echo ns_") + n + "=$(readlink /proc/self/ns/" + n + ");";
    script += "echo cg=$(grep memory /proc/self/cgroup); ls /proc/self/fd | tr '\\n' ' '";
    auto r = b.rt({"exec", b.id, "sh", "-c", script});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto kv = keyValues(r.out);
    EXPECT_EQ(kv["host"], "berth-test");
    EXPECT_NE(kv["mypid"], "1");
    for (auto n : {"pid", "net", "ipc", "uts", "mnt", "cgroup"})
        EXPECT_EQ(kv["ns_" + std::string(n)], ns(pid, n)) << n;
    // The container's cgroup is the root of its cgroup namespace.
    EXPECT_TRUE(kv["cg"].empty() || endsWith(kv["cg"], ":memory:/")) << r.out;
    EXPECT_NE(r.out.find("0 1 2 3 "), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("0 1 2 3 4"), std::string::npos) << r.out;

    r = b.rt({"exec", "-u", "1000:1001", "--cwd", "/tmp", "-e", "FOO=bar", b.id, "sh", "-c",
              "echo id=$(id -u):$(id -g) cwd=$(pwd) foo=$FOO; exit 9"});
    EXPECT_EQ(r.exitCode, 9) << r.err;
    EXPECT_NE(r.out.find("id=1000:1001 cwd=/tmp foo=bar"), std::string::npos) << r.out;

    r = runCommand({runtimeBin(), "--root", b.root(), "exec", "-t", b.id, "sh", "-c",
                    "read x; echo tty=$(tty) got=$x"}, "hello\n");
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("tty=/dev/pts/0 got=hello"), std::string::npos) << r.out;

    r = b.rt({"exec", b.id, "/no/such/thing"});
    EXPECT_NE(r.exitCode, 0);
    EXPECT_NE(r.err.find("/no/such/thing"), std::string::npos) << r.err;

    writeFile(b.dir / "proc.json",
              json{{"args", {"sh", "-c", "echo from-file"}}, {"cwd", "/"},
                   {"user", {{"uid", 0}, {"gid", 0}}}, {"env", {"PATH=/bin"}}}
                  .dump());
    r = b.rt({"exec", "-p", b.dir / "proc.json", b.id});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.out, "from-file\n");

    ASSERT_EQ(b.rt({"delete", "--force", b.id}).exitCode, 0);
    r = b.rt({"exec", b.id, "true"});
    EXPECT_NE(r.exitCode, 0);
    removeTestCgroupParent("berth-exec-test");
}
