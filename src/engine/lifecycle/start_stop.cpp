// Engine::start/stop/kill/wait, through the container's berth-monitor.
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/log.hpp"
#include "engine/engine.hpp"
#include "engine/events/journal.hpp"
#include "engine/events/monitor_import.hpp"
#include "engine/events/time_arg.hpp"
#include "engine/monitor/client.hpp"
#include "engine/monitor/options.hpp"
#include "engine/monitor/volume_holds.hpp"
#include "engine/spec/health_log_options.hpp"
#include "engine/resources/cgroup_access.hpp"
#include "engine/volumes/container_volumes.hpp"
#include "store/snapshot/overlay_snapshot.hpp"

namespace berth::engine {

namespace {

bool isMountPoint(const std::string& path) {
    struct stat a {}, b {};
    if (::stat(path.c_str(), &a) != 0) return false;
    if (::stat((path + "/..").c_str(), &b) != 0) return false;
    return a.st_dev != b.st_dev;
}

// Sleeps a little longer each round: 1 ms, 2 ms, ... up to 50 ms.
struct Backoff {
    int ms = 1;
    void sleep() {
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        ms = ms < 50 ? ms * 2 : 50;
    }
};

}  // namespace

void Engine::ensureRootfsMounted(const ContainerRecord& rec) const {
    std::string dir = store_.dir(rec.id);
    if (isMountPoint(dir + "/rootfs")) return;
    store::OverlayLayout layout;
    layout.lowerDirs = rec.layerDirs;
    if (layout.lowerDirs.empty()) layout.lowerDirs.push_back(dir + "/empty");
    layout.upperDir = dir + "/upper";
    layout.workDir = dir + "/work";
    layout.mergedDir = dir + "/rootfs";
    if (rec.autoRemove) {
        // Mounted volatile by create (see there): the kernel leaves work/work/incompat/volatile
        // behind and refuses a second mount while it exists. The upper of a --rm container is
        // scratch, so mount it again (volatile) rather than fail.
        layout.volatileUpper = true;
        removeAll(dir + "/work/work/incompat");
    }
    store::OverlaySnapshot::mount(layout).release();
}

namespace {

// After the runtime's create the container's mount namespace holds the overlay itself (its init
// pivoted into it), so the host's mount goes: the host's mount table then does not grow with
// the number of running containers. It did: every start copies the whole table into the new
// mount namespace (clone CLONE_NEWNS) and reads /proc/self/mountinfo, whose overlay lines are
// long (the lower, upper and work paths): at 300 running containers that was 27 % of the CPU
// of a `run -d`, and it grew linearly. Lazy: a `cp` that is still in the tree keeps it.
// The overlay goes when the container's namespace does (its last process exits).
void detachHostRootfs(const std::string& rootfs) {
    if (::umount2(rootfs.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL && errno != ENOENT)
        logWarn("detach the host mount of " + rootfs + ": " + errnoName(errno));
}

}  // namespace

void Engine::start(const std::string& idOrName, bool noStart, AttachAtStart* attach) {
    start(store_.get(idOrName), noStart, attach);
}

void Engine::start(ContainerRecord rec, bool noStart, AttachAtStart* attach) {
    auto st = state(rec);
    if (st.running || st.restarting) return;  // docker start on a running container: no-op
    if (attach) noStart = false;
    // The last run's monitor may still be deleting the runtime's state of this id after its
    // release (exit recorded, `wait` answered): a create of the same id before that delete is
    // over would be deleted by it. Gone already in the common case (no wait).
    if (rec.started) waitMonitorGone(rec, 10000);
    // A previous run's runtime state (the monitor deletes it normally); first, so that a
    // created-but-never-started init of it no longer holds the overlay when it is mounted again.
    deleteRuntimeState(rec);
    ensureRootfsMounted(rec);
    std::string mdir = monitorDir(rec.id);
    events::importMonitorEvents(*this, rec);  // the last run's die: its file goes now
    removeAll(mdir);

    monitor::MonitorOptions m;
    m.id = rec.id;
    m.bundle = store_.dir(rec.id);
    m.runtime = rec.runtime;
    m.runtimeRoot = runtimeRoot(rec);
    m.stateDir = mdir;
    m.logPath = logPath(rec);
    m.oomFile = oomCounterFile(cgroupsPath(rec));
    m.terminal = rec.config.value("Tty", false);
    m.openStdin = rec.config.value("OpenStdin", false);
    m.noStart = noStart;
    m.restart = monitor::RestartPolicy::parse(rec.restartPolicy);
    m.stopSignal = monitor::parseSignal(rec.stopSignal);
    m.health = monitorHealth(rec.config.value("Healthcheck", nlohmann::json(nullptr)));
    applyLogConfig(rec.hostConfig.value("LogConfig", nlohmann::json(nullptr)), m);
    // --rm without a daemon: the monitor runs `berth rm -f ID` after the final exit, unless an
    // attached `run --rm` is still there to remove it itself (attach takes-exit): so a detached
    // `run --rm -it`, a `run -d --rm`, a killed CLI and `start -a` of a `create --rm` all end
    // with the container removed.
    if (rec.autoRemove && ::access((cfg_.binDir + "/berth").c_str(), X_OK) == 0)
        m.exitCommand = {cfg_.binDir + "/berth", "--root", cfg_.root, "rm", "-f", rec.id};
    // Docker unmounts a stopped container's rootfs; --rm ones are removed (and unmounted) anyway.
    m.unmountRootfs = !rec.autoRemove;
    mkdirAll(m.runtimeRoot, 0700);
    if (!rec.started) {  // create saved it started when a start followed at once (run)
        rec.started = true;
        store_.save(rec);
    }
    UniqueFd monitorEnd;
    if (attach) {
        int pair[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0)
            throw SysError("socketpair for the attach of " + rec.id);
        attach->conn.reset(pair[0]);
        monitorEnd.reset(pair[1]);
        m.attachStdin = attach->stdin;
        m.attachStdinOnce = attach->stdinOnce;
        m.attachTakesExit = attach->takesExit;
        if (m.terminal) {
            m.ttyRows = attach->rows;
            m.ttyCols = attach->cols;
        }
    }
    // docker: attach, then start (which the monitor writes): recorded before the spawn, so no
    // reader sees the start first.
    if (attach) events::recordContainer(*this, rec, "attach");
    // Volumes with driver options are mounted while a user runs: here, held by the monitor, under
    // the volumes lock until it holds them (engine/monitor/volume_holds.hpp).
    StartVolumes volumes = mountVolumesForStart(volumes_, rec);
    m.heldVolumes = volumes.dirs;
    monitor::SpawnedMonitor spawned;
    try {
        spawned = monitor::spawnMonitor(cfg_.binDir + "/berth-monitor", std::move(m),
                                        monitorEnd ? monitorEnd.get() : -1);
    } catch (...) {
        for (const auto& dir : volumes.dirs) monitor::unmountVolumeIfUnheld(dir);
        throw;
    }
    volumes.lock.reset();
    monitorEnd.reset();
    if (attach) attach->clientId = spawned.attachClient;
    // The monitor wrote "start" to its events file (before any "die" of the container, so every
    // importer records them in that order): into the journal now. With noStart the container
    // runs only at startMonitored().
    if (!noStart) events::importMonitorEvents(*this, rec);
    // The monitor reported: the runtime's create is done. (A monitor with a restart policy has
    // kept a clone and detached it already: engine/monitor/rootfs_keeper.hpp.)
    detachHostRootfs(store_.dir(rec.id) + "/rootfs");
}

void Engine::startMonitored(const ContainerRecord& rec) {
    monitor::monitorRequest(monitorDir(rec.id), "start");
    events::importMonitorEvents(*this, rec);  // the monitor's "start": see start()
}

int Engine::stop(const std::string& idOrName, std::optional<int> timeoutSeconds,
                 const std::string& signal) {
    ContainerRecord rec = store_.get(idOrName);
    auto st = state(rec);
    if (!st.running && !st.restarting) return st.exitCode;
    int timeout = timeoutSeconds.value_or(rec.stopTimeout);
    int sig = monitor::parseSignal(signal.empty() ? rec.stopSignal : signal);
    events::recordContainer(*this, rec, "kill", {{"signal", std::to_string(sig)}});
    thawIfPaused(rec);  // a frozen task gets its signal only once thawed
    std::string reply;
    // docker: kill (signal), die, stop; the die comes from the monitor's file.
    auto recordStop = [&] {
        events::importMonitorEvents(*this, rec);
        events::recordContainer(*this, rec, "stop");
    };
    try {
        reply = monitor::monitorRequest(monitorDir(rec.id),
                                        "stop " + std::to_string(sig) + " " + std::to_string(timeout),
                                        timeout + 30);
    } catch (const SysError&) {
        // The monitor went away meanwhile: the container stopped, or the monitor was killed
        // (then the runtime kills the container, recorded exited 137: dead_monitor.cpp).
        reapLostMonitor(rec);
        recordStop();
        return state(rec).exitCode;
    }
    waitMonitorGone(rec, 5000);
    recordStop();
    try {
        return std::stoi(reply);
    } catch (...) {
        return state(rec).exitCode;
    }
}

void Engine::kill(const std::string& idOrName, const std::string& signal) {
    ContainerRecord rec = store_.get(idOrName);
    int sig = monitor::parseSignal(signal.empty() ? "SIGKILL" : signal);
    auto st = state(rec);
    if (!st.running && !st.restarting)
        throw Error("container " + rec.id + " is not running");  // the verb adds "Cannot kill container: X: "
    events::recordContainer(*this, rec, "kill", {{"signal", std::to_string(sig)}});
    try {
        monitor::monitorRequest(monitorDir(rec.id), "kill " + std::to_string(sig));
    } catch (const SysError&) {
        // Without its monitor the container cannot be managed: any kill ends it (dead_monitor.cpp).
        if (reapLostMonitor(rec).empty()) throw;
    }
    // moby: a paused container is thawed after SIGKILL or its stop signal (any signal when it
    // has no configured StopSignal), so the signal lands.
    std::string configured = rec.config.value("StopSignal", "");
    if (st.paused && (configured.empty() || sig == SIGKILL || sig == monitor::parseSignal(configured)))
        thawIfPaused(rec);
}

int Engine::wait(const std::string& idOrName) {
    ContainerRecord rec = store_.get(idOrName);
    // The monitor answers "wait" once the container exited for good (no restart pending).
    while (rec.started && monitor::checkMonitor(monitorDir(rec.id)) == monitor::MonitorHealth::Running) {
        try {
            return std::stoi(monitor::monitorRequest(monitorDir(rec.id), "wait", 2'000'000));
        } catch (const std::exception&) {
            break;  // the monitor went away meanwhile: its records say how it ended
        }
    }
    Backoff b;
    for (;;) {
        auto st = state(rec);
        if (!st.running && !st.restarting && (rec.started || st.status != "created")) return st.exitCode;
        b.sleep();
        if (!rec.started) rec = store_.get(rec.id);  // started by someone else meanwhile?
    }
}

void Engine::waitMonitorGone(const ContainerRecord& rec, int timeoutMs) const {
    monitor::waitMonitorExit(monitorDir(rec.id), timeoutMs);
}

// runAttached: engine/interactive/attach.cpp

}  // namespace berth::engine
