// The Docker peer of the engine integration tests: a private dockerd with the same busybox image
// (busybox:latest, same ID), run by ctest's docker_peer fixture (docker_peer.sh) around the engine
// tests. Tests run the same command against berth and the peer and compare what is
// deterministic (exit status, error text, table headers, formats).
//
//   BERTH_REQUIRE_DOCKER_PEER(docker);          // skips with the reason when there is no peer
//   auto theirs = docker->run({"rm", "nosuch"});
//   auto mine = env.run({"rm", "nosuch"});
//   EXPECT_EQ(mine.err, asBerthText(theirs.err));
//
// Running a test binary by hand (not through ctest): start the peer first with
//   tests/integration/engine/harness/docker_peer.sh start <build>/docker-peer <busybox.docker.tar>
#pragma once

#include <string>
#include <vector>

#include "support/test_support.hpp"

namespace berth::test {

class DockerPeer {
  public:
    // The running peer of this build tree, or nullptr with the reason in *why.
    static const DockerPeer* get(std::string* why);

    // docker -H <peer> args...
    CommandResult run(std::vector<std::string> args, const std::string& input = "",
                      int timeoutSeconds = 60) const;
    const std::string& host() const { return host_; }

  private:
    explicit DockerPeer(std::string host) : host_(std::move(host)) {}
    std::string host_;
};

// Docker's text as berth says it: "docker" → "berth" (usage lines, "See 'docker run --help'").
std::string asBerthText(std::string dockerText);

}  // namespace berth::test

#define BERTH_REQUIRE_DOCKER_PEER(var)                                        \
    std::string var##_why_;                                                   \
    const ::berth::test::DockerPeer* var = ::berth::test::DockerPeer::get(&var##_why_); \
    if (!var) GTEST_SKIP() << var##_why_
