#include "engine/lifecycle/runtime_delete.hpp"

#include "common/spawn.hpp"

namespace berth::engine {

bool runtimeDeleteForce(const std::string& runtime, const std::string& root, const std::string& id) {
    pid_t pid = spawnDetachedStdio({runtime, "--root", root, "delete", "--force", id});
    return pid > 0 && waitSucceeded(pid);
}

}  // namespace berth::engine
