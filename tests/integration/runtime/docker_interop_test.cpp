// berth-runtime used by another engine: a private dockerd + containerd (bench/lib/peers.sh)
// with `--add-runtime berth=<berth-runtime>`; containerd's runc shim then drives it with
// `--root R --log F --log-format json create --bundle B --pid-file P [--console-socket S]`,
// start, state, kill and delete. Skipped where Docker isn't installed.
#include <unistd.h>

#include "common/file_io.hpp"
#include "runtime_harness.hpp"

using namespace berth;
using namespace berth::test;

namespace {

bool dockerInstalled() {
    return ::access("/usr/bin/docker", X_OK) == 0 && ::access("/usr/sbin/dockerd", X_OK) == 0 &&
           ::access("/usr/bin/containerd", X_OK) == 0;
}

}  // namespace

TEST(RuntimeDockerInterop, DockerRunsContainersWithBerthRuntime) {
    REQUIRE_BERTH_RUNTIME();
    if (!dockerInstalled())
        GTEST_SKIP() << "docker.io (docker, dockerd, containerd) is not installed: "
                        "apt-get install docker.io to run this interop test";
    TempDir work("berth-docker");
    makeBusyboxRootfs(work / "rootfs");
    std::string script = R"SH(
set -u
source ")SH" + std::string(BERTH_SOURCE_DIR) + R"SH(/bench/lib/peers.sh"
trap stop_docker EXIT
start_docker ")SH" + work.path() + R"SH(/docker" --add-runtime berth=)SH" + runtimeBin() +
                         R"SH( --exec-opt native.cgroupdriver=cgroupfs || exit 90
tar -C ")SH" + work.path() + R"SH(/rootfs" -c . | $DOCKER import - berth-bb >/dev/null || exit 91
echo "echo=$($DOCKER run --runtime berth --rm berth-bb echo ok)"
$DOCKER run --runtime berth --rm berth-bb sh -c 'exit 5'; echo "exit=$?"
echo "stdin=$(echo piped | $DOCKER run --runtime berth --rm -i berth-bb cat)"
echo "tty=$($DOCKER run --runtime berth --rm -t berth-bb tty | tr -d '\r')"
echo "user=$($DOCKER run --runtime berth --rm --user 1000:1000 --hostname hh berth-bb sh -c 'echo $(id -u)-$(hostname)')"
id=$($DOCKER run --runtime berth -d berth-bb sleep 100)
echo "status=$($DOCKER inspect -f '{{.State.Status}}' $id)"
echo "exec=$($DOCKER exec $id sh -c 'echo exec-$(hostname | wc -c)')"
echo "execexit=$($DOCKER exec $id sh -c 'exit 3'; echo $?)"
$DOCKER stop -t 1 $id >/dev/null; echo "stopped=$($DOCKER inspect -f '{{.State.Status}}' $id)"
$DOCKER rm $id >/dev/null; echo "rm=$?"
)SH";
    auto r = runCommand({"bash", "-c", script}, "", 240);
    ASSERT_NE(r.exitCode, 90) << "dockerd did not start: " << r.err;
    auto kv = keyValues(r.out);
    EXPECT_EQ(kv["echo"], "ok") << r.out << r.err;
    EXPECT_EQ(kv["exit"], "5") << r.out << r.err;
    EXPECT_EQ(kv["stdin"], "piped") << r.out << r.err;
    EXPECT_EQ(kv["tty"], "/dev/pts/0") << r.out << r.err;
    EXPECT_EQ(kv["user"], "1000-hh") << r.out << r.err;
    EXPECT_EQ(kv["status"], "running") << r.out << r.err;
    EXPECT_EQ(kv["exec"], "exec-13") << r.out << r.err;  // 12-char container hostname + \n
    EXPECT_EQ(kv["execexit"], "3") << r.out << r.err;
    EXPECT_EQ(kv["stopped"], "exited") << r.out << r.err;
    EXPECT_EQ(kv["rm"], "0") << r.out << r.err;
}
