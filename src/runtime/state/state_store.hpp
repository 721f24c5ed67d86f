// Container state under --root (default /run/berth-runtime): one directory per container,
//   <root>/<id>/state.json   replaced atomically (temp + rename; no fsync: like runc's, this
//                            state describes live processes, which a power loss ends anyway)
//   <root>/<id>/exec.fifo    present while the container is `created` (create → start)
//   <root>/<id>/cgroup.json, hooks.json  (cgroups / hooks, issue 3)
// Commands on one container serialise on flock(2) of its directory; the state survives the
// CLI exiting. The live status is derived, never trusted from disk: the init's pid plus its
// start time (pid reuse), exec.fifo, and the cgroup freezer.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/fd.hpp"

namespace berth::runtime {

enum class ContainerStatus { Creating, Created, Running, Paused, Stopped };
const char* statusName(ContainerStatus s);  // "created", ... as in the runtime spec

struct ContainerState {
    std::string ociVersion = "1.2.0";
    std::string id;
    pid_t pid = 0;
    uint64_t pidStartTime = 0;  // field 22 of /proc/<pid>/stat, to detect pid reuse
    std::string bundle;
    std::string rootfs;
    std::string created;  // RFC 3339
    std::string owner;
    std::map<std::string, std::string> annotations;
    bool newPidNamespace = true;  // kill --all / delete: the init's death ends every process
    bool started = false;         // start ran (exec.fifo gone)
    nlohmann::json extra = nlohmann::json::object();  // room for issue-3 data (cgroup, ...)
};

// Exclusive lock on one container directory, released on destruction.
class ContainerLock {
public:
    ContainerLock() = default;
    explicit ContainerLock(UniqueFd fd) : fd_(std::move(fd)) {}
    int fd() const { return fd_.get(); }

private:
    UniqueFd fd_;
};

class StateStore {
public:
    explicit StateStore(std::string root);

    const std::string& root() const { return root_; }
    std::string dir(const std::string& id) const { return root_ + "/" + id; }
    std::string fifoPath(const std::string& id) const { return dir(id) + "/exec.fifo"; }

    // Checks an id as runc does (letters, digits, "_+-.", not "." / ".."). Throws naming it.
    static void validateId(const std::string& id);

    // Makes <root>/<id> (error "container <id> already exists") and locks it.
    ContainerLock createAndLock(const std::string& id) const;
    // Locks an existing container (error "container <id> does not exist").
    ContainerLock lock(const std::string& id) const;

    bool exists(const std::string& id) const;
    void save(const ContainerState& state) const;
    ContainerState load(const std::string& id) const;
    // Removes the container's directory and everything in it.
    void remove(const std::string& id) const;
    // Ids of every container directory that has a state.json, sorted.
    std::vector<std::string> list() const;

    // The live status from the saved state (see the header comment).
    ContainerStatus status(const ContainerState& state) const;

    // The runtime-spec state document (runtime.md#state) plus runc's extra fields.
    nlohmann::json stateJson(const ContainerState& state, ContainerStatus status) const;

private:
    std::string root_;
};

// Start time of a process (jiffies since boot, /proc/<pid>/stat field 22); 0 if it is gone.
uint64_t processStartTime(pid_t pid);
// Alive and not a zombie, and (when startTime != 0) the same process as recorded.
bool processAlive(pid_t pid, uint64_t startTime);

}  // namespace berth::runtime
