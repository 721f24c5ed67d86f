// exec, attach and start -a through the `berth` binary (no terminal: see interactive_test.cpp for
// the tmux-driven part), compared with the Docker peer where the output is deterministic.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>
#include <string>
#include <vector>

#include "harness/berth_env.hpp"
#include "harness/docker_peer.hpp"

using berth::test::BerthEnv;
using berth::test::CommandResult;
using berth::test::DockerPeer;
using berth::test::splitLines;

namespace {

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

// Docker's in-stream error text ends with "\r\n".
std::string noCr(std::string s) {
    std::erase(s, '\r');
    return s;
}

std::string lowerFirst(std::string s) {
    // docker 20.10 says "Container X is not running", moby since 23 "container X ...".
    auto at = s.find("Container ");
    if (at != std::string::npos) s[at] = 'c';
    return s;
}

class ExecAttach : public ::testing::Test {
  protected:
    void SetUp() override {
        BERTH_REQUIRE_ROOT();
        env_ = std::make_unique<BerthEnv>("berth-exec-it");
        id_ = env_->ok({"run", "-d", "--name", "ex", "busybox", "sleep", "1000"});
        ASSERT_EQ(id_.size(), 64u);
    }
    // The same container in the Docker peer (skips without one).
    std::string peerContainer(const DockerPeer* docker) {
        auto r = docker->run({"run", "-d", "busybox", "sleep", "1000"});
        EXPECT_EQ(r.exitCode, 0) << r.err;
        peerIds_.push_back(trimmed(r.out));
        return trimmed(r.out);
    }
    void TearDown() override {
        std::string why;
        if (auto* docker = DockerPeer::get(&why))
            for (auto& id : peerIds_) docker->run({"rm", "-f", id});
        env_.reset();
    }
    std::unique_ptr<BerthEnv> env_;
    std::string id_;
    std::vector<std::string> peerIds_;
};

TEST_F(ExecAttach, ExitCodeOutputAndStreams) {
    auto r = env_->run({"exec", "ex", "sh", "-c", "echo out; echo err >&2; exit 3"});
    EXPECT_EQ(r.exitCode, 3);
    EXPECT_EQ(r.out, "out\n");
    EXPECT_EQ(r.err, "err\n");
}

TEST_F(ExecAttach, EnvWorkdirUserEnvFile) {
    std::string file = env_->path("env.list");
    std::ofstream(file) << "# comment\nFROMFILE=f\nA=fromfile\n";
    auto r = env_->run({"exec", "-e", "A=1", "--env-file", file, "-w", "/tmp", "-u", "1000:1000",
                        "ex", "sh", "-c", "echo $A $FROMFILE; pwd; id"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.out, "1 f\n/tmp\nuid=1000 gid=1000 groups=1000\n");

    BERTH_REQUIRE_DOCKER_PEER(docker);
    auto c = peerContainer(docker);
    auto theirs = docker->run({"exec", "-e", "A=1", "--env-file", file, "-w", "/tmp", "-u",
                               "1000:1000", c, "sh", "-c", "echo $A $FROMFILE; pwd; id"});
    EXPECT_EQ(r.out, theirs.out);
}

TEST_F(ExecAttach, EnvironmentLikeDocker) {
    // Keys and values except HOSTNAME (the container's own), with and without -t.
    auto strip = [](const std::string& out) {
        std::vector<std::string> lines;
        for (auto l : splitLines(out)) {
            if (!l.empty() && l.back() == '\r') l.pop_back();
            if (l.rfind("HOSTNAME=", 0) != 0) lines.push_back(l);
        }
        std::sort(lines.begin(), lines.end());
        return lines;
    };
    auto plain = env_->run({"exec", "ex", "env"});
    auto tty = env_->run({"exec", "-t", "ex", "env"});
    EXPECT_EQ(plain.exitCode, 0) << plain.err;
    EXPECT_EQ(strip(plain.out),
              (std::vector<std::string>{"HOME=/root",
                                        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}));
    auto withTerm = strip(tty.out);
    EXPECT_NE(std::find(withTerm.begin(), withTerm.end(), "TERM=xterm"), withTerm.end()) << tty.out;

    BERTH_REQUIRE_DOCKER_PEER(docker);
    auto c = peerContainer(docker);
    EXPECT_EQ(strip(plain.out), strip(docker->run({"exec", c, "env"}).out));
    EXPECT_EQ(withTerm, strip(docker->run({"exec", "-t", c, "env"}).out));
}

TEST_F(ExecAttach, StdinWithInteractive) {
    auto r = env_->run({"exec", "-i", "ex", "sh", "-c", "cat; echo done"}, "hello\n");
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.out, "hello\ndone\n");
    // Without -i the command's stdin is empty.
    r = env_->run({"exec", "ex", "sh", "-c", "cat; echo done"}, "hello\n");
    EXPECT_EQ(r.out, "done\n");
}

TEST_F(ExecAttach, DetachedExecRunsOn) {
    auto r = env_->run({"exec", "-d", "ex", "sh", "-c", "sleep 0.3; echo made > /tmp/detached"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.out, "");
    std::string seen;
    for (int i = 0; i < 50 && seen != "made"; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        seen = trimmed(env_->run({"exec", "ex", "cat", "/tmp/detached"}).out);
    }
    EXPECT_EQ(seen, "made");
}

TEST_F(ExecAttach, StartFailuresLikeDocker) {
    // Not found: 127 (moby's translateContainerdStartErr; docker 20.10 answered 126 for exec).
    auto notFound = env_->run({"exec", "ex", "nosuch"});
    EXPECT_EQ(notFound.exitCode, 127);
    EXPECT_EQ(notFound.err,
              "OCI runtime exec failed: exec failed: unable to start container process: exec: "
              "\"nosuch\": executable file not found in $PATH: unknown\n");
    auto notExec = env_->run({"exec", "ex", "/etc/passwd"});
    EXPECT_EQ(notExec.exitCode, 126);
    auto noUser = env_->run({"exec", "-u", "nosuchuser", "ex", "id"});
    EXPECT_EQ(noUser.exitCode, 126);
    EXPECT_EQ(noUser.err, "unable to find user nosuchuser: no matching entries in passwd file\n");
    auto noCwd = env_->run({"exec", "-w", "/nosuchdir", "ex", "true"});
    EXPECT_EQ(noCwd.exitCode, 126);

    BERTH_REQUIRE_DOCKER_PEER(docker);
    auto c = peerContainer(docker);
    // docker writes the runtime's complaint into the stream (stdout); berth to stderr.
    EXPECT_EQ(notFound.err, noCr(docker->run({"exec", c, "nosuch"}).out));
    auto theirs = docker->run({"exec", c, "/etc/passwd"});
    EXPECT_EQ(notExec.err, noCr(theirs.out));
    EXPECT_EQ(notExec.exitCode, theirs.exitCode);
    theirs = docker->run({"exec", "-u", "nosuchuser", c, "id"});
    EXPECT_EQ(noUser.err, noCr(theirs.err + theirs.out));
    EXPECT_EQ(noUser.exitCode, theirs.exitCode);
    theirs = docker->run({"exec", "-w", "/nosuchdir", c, "true"});
    EXPECT_EQ(noCwd.err, noCr(theirs.out));
    EXPECT_EQ(noCwd.exitCode, theirs.exitCode);
}

TEST_F(ExecAttach, ErrorsLikeDocker) {
    env_->ok({"run", "--name", "done", "busybox", "true"});
    std::string doneId = env_->inspect("done").value("Id", "");
    auto notRunning = env_->run({"exec", "done", "true"});
    EXPECT_EQ(notRunning.exitCode, 1);
    EXPECT_EQ(notRunning.err,
              "Error response from daemon: container " + doneId + " is not running\n");
    auto noSuch = env_->run({"exec", "nosuch", "true"});
    EXPECT_EQ(noSuch.exitCode, 1);
    EXPECT_EQ(noSuch.err, "Error response from daemon: No such container: nosuch\n");
    auto notTty = env_->run({"exec", "-it", "ex", "true"}, "x");
    EXPECT_EQ(notTty.exitCode, 1);
    EXPECT_EQ(notTty.err, "the input device is not a TTY\n");
    auto attachStopped = env_->run({"attach", "done"});
    EXPECT_EQ(attachStopped.exitCode, 1);
    EXPECT_EQ(attachStopped.err, "You cannot attach to a stopped container, start it first\n");
    auto runNotTty = env_->run({"run", "-it", "--name", "nottty", "busybox", "true"}, "x");
    EXPECT_EQ(runNotTty.exitCode, 1);
    EXPECT_EQ(runNotTty.err, "the input device is not a TTY\n");
    EXPECT_NE(env_->run({"inspect", "nottty"}).exitCode, 0) << "nothing must be created";

    BERTH_REQUIRE_DOCKER_PEER(docker);
    auto r = docker->run({"run", "-d", "busybox", "true"});
    std::string stopped = trimmed(r.out);
    peerIds_.push_back(stopped);
    docker->run({"wait", stopped});
    auto theirs = docker->run({"exec", stopped, "true"});
    EXPECT_EQ(notRunning.exitCode, theirs.exitCode);
    EXPECT_EQ(lowerFirst(theirs.err), "Error response from daemon: container " + stopped +
                                          " is not running\n");
    auto c = peerContainer(docker);
    theirs = docker->run({"exec", "-it", c, "true"}, "x");
    EXPECT_EQ(notTty.exitCode, theirs.exitCode);
    EXPECT_EQ(notTty.err, theirs.err);
    theirs = docker->run({"attach", stopped});
    EXPECT_EQ(attachStopped.exitCode, theirs.exitCode);
    EXPECT_EQ(attachStopped.err, theirs.err);
    theirs = docker->run({"run", "-it", "busybox", "true"}, "x");
    EXPECT_EQ(runNotTty.exitCode, theirs.exitCode);
    EXPECT_EQ(runNotTty.err, theirs.err);
}

TEST_F(ExecAttach, StartAttachGivesTheExitCode) {
    env_->ok({"create", "--name", "sa", "-i", "busybox", "sh", "-c", "read a; echo got $a; exit 7"});
    auto r = env_->run({"start", "-a", "-i", "sa"}, "foo\n");
    EXPECT_EQ(r.exitCode, 7) << r.err;
    EXPECT_EQ(r.out, "got foo\n");
    // -i alone attaches too.
    r = env_->run({"start", "-i", "sa"}, "");
    EXPECT_EQ(r.exitCode, 7) << r.err;
    EXPECT_EQ(r.out, "got\n");
    env_->ok({"create", "--name", "sb", "busybox", "sh", "-c", "echo hi; exit 4"});
    r = env_->run({"start", "-a", "sb"});
    EXPECT_EQ(r.exitCode, 4);
    EXPECT_EQ(r.out, "hi\n");

    BERTH_REQUIRE_DOCKER_PEER(docker);
    auto c = docker->run({"create", "-i", "busybox", "sh", "-c", "read a; echo got $a; exit 7"});
    std::string id = trimmed(c.out);
    peerIds_.push_back(id);
    auto theirs = docker->run({"start", "-a", "-i", id}, "foo\n");
    EXPECT_EQ(theirs.exitCode, 7);
    EXPECT_EQ(theirs.out, "got foo\n");
}

TEST_F(ExecAttach, AttachNoStdinFollowsOutputToTheExit) {
    env_->ok({"run", "-d", "--name", "talker", "busybox", "sh", "-c",
              "sleep 1; echo late; echo lateerr >&2; exit 6"});
    auto r = env_->run({"attach", "--no-stdin", "talker"});
    EXPECT_EQ(r.exitCode, 6) << r.err;
    EXPECT_EQ(r.out, "late\n");
    EXPECT_EQ(r.err, "lateerr\n");
}

TEST_F(ExecAttach, ExecPrivilegedGetsEveryCapability) {
    // Docker's 14 default capabilities, then every one the host's bounding set holds.
    auto def = env_->run({"exec", "ex", "sh", "-c", "grep CapEff /proc/self/status"});
    EXPECT_EQ(def.out, "CapEff:\t00000000a80425fb\n");
    auto priv = env_->run({"exec", "--privileged", "ex", "sh", "-c", "grep CapEff /proc/self/status"});
    EXPECT_EQ(priv.exitCode, 0) << priv.err;
    std::ifstream status("/proc/self/status");
    std::string bounding;
    for (std::string line; std::getline(status, line);)
        if (line.rfind("CapBnd:", 0) == 0) bounding = line.substr(7);
    EXPECT_EQ(priv.out, "CapEff:" + bounding + "\n");
}

}  // namespace
