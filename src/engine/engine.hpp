// The engine: the one API the CLI, the API server and compose call for containers.
// Daemonless: every call works directly on the state root; each running container has its own
// berth-monitor (src/engine/monitor), which keeps it alive when the caller exits.
//
//   create  validate options (nothing is written before that) → resolve the image → reserve
//           ID + name (a "creating" row in berth.db) → dir, overlay snapshot, config.json → the
//           row becomes ready (container_store.hpp says what a crash leaves at each step)
//   start   berth-monitor → `<runtime> create/start`; returns once the container runs
//   stop / kill / wait / remove / inspect / list
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/fd.hpp"
#include "engine/container/container_record.hpp"
#include "engine/container/container_store.hpp"
#include "engine/resources/container_stats.hpp"
#include "engine/resources/resource_update.hpp"
#include "engine/spec/run_options.hpp"
#include "engine/volumes/volume_store.hpp"

namespace berth::store {
class ImageStore;
}

namespace berth::engine {

// What create needs of an image; the store provides it (StoreImageSource), tests may fake it.
struct ResolvedImage {
    std::string id;                     // "sha256:<hex>"
    nlohmann::json config;              // the image config document ("config" inside holds Cmd...)
    std::vector<std::string> layerDirs;  // topmost first
};

class ImageSource {
  public:
    virtual ~ImageSource() = default;
    // Throws Error ("No such image: x") when unknown.
    virtual ResolvedImage resolve(const std::string& ref) = 0;
};

class StoreImageSource : public ImageSource {
  public:
    explicit StoreImageSource(store::ImageStore& store) : store_(store) {}
    ResolvedImage resolve(const std::string& ref) override;

  private:
    store::ImageStore& store_;
};

struct EngineConfig {
    std::string root = "/var/lib/berth";
    std::string binDir;  // holds berth-monitor, berth-runtime, berth-init
    std::string defaultRuntime = "berth-runtime";
};

// `top`: ps's column titles and the rows of the container's processes (docker's ContainerTopOKBody).
struct ProcessList {
    std::vector<std::string> titles;
    std::vector<std::vector<std::string>> processes;
};

// `container prune`: what was removed and the bytes their writable layers held.
struct PruneReport {
    std::vector<std::string> deleted;  // full IDs
    uint64_t reclaimedBytes = 0;
};

// Docker's State object.
struct ContainerState {
    std::string status = "created";  // created running paused restarting removing exited dead
    bool running = false;
    bool paused = false;
    bool restarting = false;
    bool dead = false;
    bool oomKilled = false;
    int pid = 0;
    int exitCode = 0;
    int restartCount = 0;
    std::string error;
    std::string startedAt = "0001-01-01T00:00:00Z";
    std::string finishedAt = "0001-01-01T00:00:00Z";
};

// The Error of a container whose berth-monitor died.
std::string lostMonitorError(int monitorPid);

// The caller's end of an attached session (run without -d, start -a, attach, exec).
struct AttachStdio {
    int inFd = -1;  // -1: stdin not attached
    int outFd = 1;
    int errFd = 2;
    // SIGINT/SIGTERM/SIGHUP/SIGQUIT/SIGUSR1/SIGUSR2 received meanwhile go to the container
    // (docker's --sig-proxy; not with a tty, where ^C is a byte like any other).
    bool sigProxy = false;
    std::string detachKeys;  // docker's syntax ("ctrl-p,ctrl-q", "ctrl-a,x"); "" → ctrl-p,ctrl-q
    // runAttached of an --rm container: the caller removes it after its exit (`run --rm`, which
    // returns only once it is gone). While the caller stays attached the monitor leaves the
    // removal to it; after a detach, or when the caller was killed, the monitor's exit command
    // (`berth rm -f`) removes it when it exits.
    bool removesAfterExit = false;
};

struct AttachOutcome {
    int exitCode = 0;
    bool detached = false;  // the detach keys were typed: the process runs on, exitCode unset
};

// `docker exec`'s options.
struct ExecOptions {
    std::vector<std::string> cmd;
    std::vector<std::string> env;       // -e (KEY=VAL, or KEY: from the caller's environment)
    std::vector<std::string> envFiles;  // --env-file
    std::string workdir;                // -w ("" → the container's)
    std::string user;                   // -u ("" → the container's)
    bool tty = false;
    bool interactive = false;  // -i
    bool detach = false;       // -d
    bool privileged = false;   // every capability
};

// The exec'd command could not be started; exitCode is Docker's: 127 when it was not found,
// 126 when it could not be executed (or another start failure).
class ExecStartError : public Error {
  public:
    ExecStartError(const std::string& message, int exitCode)
        : Error(message), exitCode_(exitCode) {}
    int exitCode() const { return exitCode_; }

  private:
    int exitCode_;
};

class Engine {
  public:
    Engine(EngineConfig cfg, ImageSource& images);

    const EngineConfig& config() const { return cfg_; }
    ContainerStore& containers() { return store_; }
    VolumeStore& volumes() { return volumes_; }  // <root>/volumes (engine/volumes/)

    // startsNext: the caller starts it right away (run): the record is saved started, so that
    // start() has nothing to write before it spawns the monitor.
    ContainerRecord create(const RunOptions& opts, bool startsNext = false);
    // The caller attached from the first byte (run without -d, start -a): the monitor gets one
    // end of a socketpair at spawn and creates and starts at once (no attach or start round trip).
    struct AttachAtStart {
        bool stdin = false, stdinOnce = false;
        bool takesExit = false;  // as monitorAttach's: the caller removes a --rm container itself
        int rows = 0, cols = 0;  // tty size before the process starts (0: unknown)
        UniqueFd conn;           // out: the caller's end, carrying the stream (monitor.hpp)
        uint64_t clientId = 0;   // out: the monitor's id of it (for detach)
    };
    // Starts a created or exited container; no-op when it runs. noStart: the monitor creates the
    // container and waits for startMonitored(). attach: see AttachAtStart (records "attach").
    void start(const std::string& idOrName, bool noStart = false, AttachAtStart* attach = nullptr);
    // The same for a record the caller just read or created (no second lookup).
    void start(ContainerRecord rec, bool noStart = false, AttachAtStart* attach = nullptr);
    void startMonitored(const ContainerRecord& rec);
    // Stops (signal, timeout, SIGKILL); returns the exit code; no-op when not running.
    // signal: instead of the container's stop signal (docker stop -s); a paused container is
    // signalled, then thawed so the signal lands (as moby does).
    int stop(const std::string& idOrName, std::optional<int> timeoutSeconds = {},
             const std::string& signal = "");
    // stop (when running) then start, as docker restart (engine/lifecycle/pause_restart.cpp).
    void restart(const std::string& idOrName, std::optional<int> timeoutSeconds = {},
                 const std::string& signal = "");
    // The cgroup freezer through the container's runtime (`<runtime> pause|resume`). Errors are
    // Docker's ("container X is not running", "... is already paused", "... is not paused").
    void pause(const std::string& idOrName);
    void unpause(const std::string& idOrName);
    // Docker's rename rules: valid, unused name; same name → error (engine/lifecycle/rename.cpp).
    void rename(const std::string& idOrName, const std::string& newName);
    // Live resource change through `<runtime> update -r -` and/or a new restart policy; persisted
    // in the record and the bundle's config.json (engine/resources/update.cpp).
    void update(const std::string& idOrName, const ResourceUpdate& u);
    // The container's processes (its cgroup's pids) as `ps psArgs` shows them (docker top).
    ProcessList top(const std::string& idOrName, const std::vector<std::string>& psArgs) const;
    // One sample of the container's cgroup counters; zeros when it does not run.
    ContainerStats stats(const ContainerRecord& rec) const;
    // Removes stopped containers: created before `untilNs` (0: any) with every label filter
    // ("key" or "key=value"; "!" prefix in labelNot) matching.
    PruneReport prune(int64_t untilNs, const std::vector<std::string>& labels,
                      const std::vector<std::string>& labelNot);
    void kill(const std::string& idOrName, const std::string& signal = "SIGKILL");
    // Waits until the container is not running; returns its exit code.
    int wait(const std::string& idOrName);
    // Removes; refuses a running container unless force. Returns the name as given.
    void remove(const std::string& idOrName, bool force, bool volumes = false);
    // rm -f of several: SIGKILLs every running one first, so that their teardowns (exit,
    // runtime delete, monitor exit) overlap instead of queueing behind each remove(). Errors are
    // left to the remove() that follows.
    void killForRemoval(const std::vector<std::string>& idsOrNames);
    // Paths of what removals left in <root>/trash (a removed container's directory is
    // renamed there and deleted in the background; a crash can leave some), without those a
    // deleter is still working on. System check deletes them.
    std::vector<std::string> trashLeftovers() const;
    // `run --rm` after the container's exit: remove(id, force), or, when its monitor's exit
    // command is removing it already, wait until that is done. Returns once it is gone
    // (engine/lifecycle/auto_remove.cpp).
    void removeAutoRemoved(const std::string& id);

    // Creates (not yet started) → attach to stdout/stderr → start → copy output to the fds
    // until the container exits → its exit code. What `run` without -d does.
    // inFd >= 0 with -i: copied to the container's stdin (raw terminal mode and the window size
    // with -t when inFd is a terminal). sigProxy: SIGINT/SIGTERM/SIGHUP/SIGQUIT/SIGUSR1/SIGUSR2
    // received meanwhile are sent to the container (docker's --sig-proxy).
    int runAttached(const ContainerRecord& rec, int outFd, int errFd, int inFd = -1,
                    bool sigProxy = false);
    // The same with detach keys (engine/interactive/attach.cpp); a detach leaves it running.
    AttachOutcome runAttached(const ContainerRecord& rec, const AttachStdio& io);
    // Attaches to a running container's stdio (docker attach) until it exits (its exit code) or
    // the detach keys are typed. Throws Error ("You cannot attach to a stopped container, start
    // it first"; "Invalid detach keys (x) provided").
    AttachOutcome attach(const std::string& idOrName, const AttachStdio& io);
    // Runs a command in a running container through its monitor (docker exec); returns its exit
    // code (0 right away with opts.detach). Throws Error ("container ID is not running"),
    // ExecStartError when the command could not start.
    AttachOutcome exec(const std::string& idOrName, const ExecOptions& opts, const AttachStdio& io);

    // Removes what killed creates left (dirs without a row, "creating" rows whose process is
    // gone: their mounts, files and row). Returns the IDs cleaned. `berth system check`
    // (src/engine/check) does this and the rest.
    std::vector<std::string> cleanupLeftovers();
    // Unmounts everything under containers/<id>/, removes the dir, then the row (if any).
    void discardLeftover(const std::string& id);
    // A started container whose berth-monitor died (MonitorHealth::Lost): kills what is left
    // through the runtime (delete --force) and records it exited 137 with an Error, as Docker
    // does for a dead shim (src/engine/check/dead_monitor.cpp). Returns the Error recorded, ""
    // when the monitor is fine (or already reaped).
    std::string reapLostMonitor(const ContainerRecord& rec);

    ContainerState state(const ContainerRecord& rec) const;
    nlohmann::json inspect(const std::string& idOrName) const;
    std::vector<ContainerRecord> list() const { return store_.list(); }

    std::string logPath(const ContainerRecord& rec) const;
    std::string monitorDir(const std::string& id) const { return store_.dir(id) + "/monitor"; }
    std::string runtimeRoot(const ContainerRecord& rec) const;
    // "" → berth-runtime next to the engine's binaries; runc/crun from PATH; or a path.
    // Throws Error("unknown or invalid runtime name: x").
    std::string resolveRuntime(const std::string& name) const;

    // "/berth/<id>": linux.cgroupsPath of the container's bundle.
    std::string cgroupsPath(const ContainerRecord& rec) const;

    // Mounts the container's overlay at containers/<id>/rootfs unless mounted (start, and the
    // fs verbs on a stopped container: engine/fs/rootfs_access.hpp).
    void ensureRootfsMounted(const ContainerRecord& rec) const;

  private:
    void reserveName(ContainerRecord& rec, bool generated);
    // Thaws a paused container (before a stop/remove, after a kill); no-op otherwise.
    void thawIfPaused(const ContainerRecord& rec) const;
    // Whether its cgroup's freezer holds it (engine/lifecycle/pause_restart.cpp).
    bool frozen(const ContainerRecord& rec) const;
    void deleteRuntimeState(const ContainerRecord& rec) const;
    void waitMonitorGone(const ContainerRecord& rec, int timeoutMs) const;
    // <root>/trash: where removeContainerDir() moves a removed container's directory.
    std::string trashDir() const;
    void removeContainerDir(const std::string& id) const;

    EngineConfig cfg_;
    ImageSource& images_;
    ContainerStore store_;
    VolumeStore volumes_;
    std::set<std::string> killedForRemoval_;  // their "kill" event is recorded (killForRemoval)
};

}  // namespace berth::engine
