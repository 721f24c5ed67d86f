#include "docker_peer.hpp"

#include <unistd.h>

#include <fstream>

namespace berth::test {

const DockerPeer* DockerPeer::get(std::string* why) {
    static const DockerPeer* peer = [why]() -> const DockerPeer* {
        std::string hostFile = std::string(BERTH_DOCKER_PEER_DIR) + "/host";
        if (!runningAsRoot()) {
            *why = "needs root (the docker peer runs as root)";
            return nullptr;
        }
        if (access("/usr/bin/docker", X_OK) != 0) {
            *why = "docker.io not installed: no Docker peer to compare with";
            return nullptr;
        }
        std::ifstream in(hostFile);
        std::string host;
        if (!std::getline(in, host) || host.empty()) {
            *why = "Docker peer not running (" + hostFile +
                   " missing): run through ctest, or start it with "
                   "tests/integration/engine/harness/docker_peer.sh";
            return nullptr;
        }
        return new DockerPeer(host);
    }();
    if (!peer && why->empty()) *why = "Docker peer unavailable (see the first skipped test)";
    return peer;
}

CommandResult DockerPeer::run(std::vector<std::string> args, const std::string& input,
                              int timeoutSeconds) const {
    args.insert(args.begin(), {"/usr/bin/docker", "-H", host_});
    return runCommand(args, input, timeoutSeconds);
}

std::string asBerthText(std::string s) {
    for (size_t p = 0; (p = s.find("docker", p)) != std::string::npos; p += 5)
        s.replace(p, 6, "berth");
    return s;
}

}  // namespace berth::test
