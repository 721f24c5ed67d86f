// Engine::create: validate, resolve, then build the container under the containers lock.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/strings.hpp"
#include "engine/container/container_ids.hpp"
#include "engine/container/container_mounts.hpp"
#include "engine/engine.hpp"
#include "engine/events/journal.hpp"
#include "engine/monitor/options.hpp"
#include "engine/spec/health_log_options.hpp"
#include "engine/spec/spec_builder.hpp"
#include "engine/volumes/container_volumes.hpp"
#include "store/image_store.hpp"
#include "store/snapshot/overlay_snapshot.hpp"

namespace berth::engine {

using nlohmann::json;

ResolvedImage StoreImageSource::resolve(const std::string& ref) {
    ResolvedImage r;
    auto layers = store_.layers(ref);
    r.id = layers.id.str();
    r.config = store_.config(r.id);
    r.layerDirs = layers.dirs;
    return r;
}

Engine::Engine(EngineConfig cfg, ImageSource& images)
    : cfg_(std::move(cfg)), images_(images), store_(cfg_.root), volumes_(cfg_.root) {}

std::string Engine::resolveRuntime(const std::string& nameIn) const {
    std::string name = nameIn.empty() ? cfg_.defaultRuntime : nameIn;
    if (name.find('/') != std::string::npos) {
        if (::access(name.c_str(), X_OK) != 0) throw Error("unknown or invalid runtime name: " + name);
        return name;
    }
    if (name == "berth-runtime" || name == "berth") {
        std::string p = cfg_.binDir + "/berth-runtime";
        if (::access(p.c_str(), X_OK) == 0) return p;
    }
    if (name == "berth-runtime" || name == "runc" || name == "crun" || name == "youki") {
        const char* path = std::getenv("PATH");
        for (auto& dir : split(path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", ':')) {
            std::string p = dir + "/" + name;
            if (!dir.empty() && ::access(p.c_str(), X_OK) == 0) return p;
        }
    }
    throw Error("unknown or invalid runtime name: " + name);
}

std::string Engine::runtimeRoot(const ContainerRecord& rec) const {
    return cfg_.root + "/runtime/" + (rec.runtimeName.empty() ? "berth-runtime" : rec.runtimeName);
}

std::string Engine::logPath(const ContainerRecord& rec) const {
    return store_.dir(rec.id) + "/" + rec.id + "-json.log";
}

namespace {

json configJson(const RunOptions& o, const ResolvedProcess& p, const json& imageCfg,
                const std::string& imageRef) {
    json labels = json::object();
    if (imageCfg.is_object() && imageCfg.contains("Labels") && imageCfg["Labels"].is_object())
        labels = imageCfg["Labels"];
    for (auto& [k, v] : o.labels) labels[k] = v;
    json c = {
        {"Hostname", p.hostname},
        {"Domainname", ""},
        {"User", p.user},
        {"AttachStdin", o.openStdin},
        {"AttachStdout", true},
        {"AttachStderr", true},
        {"Tty", o.tty},
        {"OpenStdin", o.openStdin},
        {"StdinOnce", o.openStdin},
        {"Env", p.env},
        {"Cmd", p.cmd.empty() ? json(nullptr) : json(p.cmd)},
        {"Image", imageRef},
        {"Volumes", configVolumes(o.mounts, imageCfg)},
        {"WorkingDir", p.workingDir},
        {"Entrypoint", p.entrypoint.empty() ? json(nullptr) : json(p.entrypoint)},
        {"OnBuild", nullptr},
        {"Labels", labels},
    };
    if (!p.stopSignal.empty()) c["StopSignal"] = p.stopSignal;
    if (o.stopTimeout) c["StopTimeout"] = *o.stopTimeout;
    if (json h = healthcheckJson(o.health, imageCfg); !h.is_null()) c["Healthcheck"] = h;
    return c;
}

json hostConfigJson(const RunOptions& o, const std::string& runtimeName) {
    json ulimits = json::array(), devices = json::array();
    for (auto& u : o.ulimits) ulimits.push_back({{"Name", u.name}, {"Hard", u.hard}, {"Soft", u.soft}});
    for (auto& d : o.devices)
        devices.push_back({{"PathOnHost", d.hostPath}, {"PathInContainer", d.containerPath},
                           {"CgroupPermissions", d.permissions}});
    std::string policy = o.restart.empty() ? "no" : o.restart;
    int retries = 0;
    auto colon = policy.find(':');
    if (colon != std::string::npos) {
        retries = std::atoi(policy.c_str() + colon + 1);
        policy = policy.substr(0, colon);
    }
    return {
        {"Binds", hostConfigBinds(o.mounts)},
        {"Mounts", hostConfigMounts(o.mounts)},
        {"NetworkMode", o.network == "default" ? "none" : o.network},
        {"RestartPolicy", {{"Name", policy}, {"MaximumRetryCount", retries}}},
        {"AutoRemove", o.autoRemove},
        {"CapAdd", o.capAdd.empty() ? json(nullptr) : json(o.capAdd)},
        {"CapDrop", o.capDrop.empty() ? json(nullptr) : json(o.capDrop)},
        {"Privileged", o.privileged},
        {"ReadonlyRootfs", o.readOnly},
        {"SecurityOpt", o.securityOpts.empty() ? json(nullptr) : json(o.securityOpts)},
        {"Tmpfs", hostConfigTmpfs(o.mounts)},
        {"VolumesFrom", o.volumesFrom.empty() ? json(nullptr) : json(o.volumesFrom)},
        {"ShmSize", o.shmSize > 0 ? o.shmSize : 64 * 1024 * 1024},
        {"Runtime", runtimeName},
        {"Memory", o.memory},
        {"MemorySwap", o.memory > 0 && o.memorySwap == 0 ? 2 * o.memory : o.memorySwap},
        {"MemoryReservation", o.memoryReservation},
        {"NanoCpus", o.nanoCpus},
        {"CpuShares", o.cpuShares},
        {"CpusetCpus", o.cpusetCpus},
        {"CpusetMems", o.cpusetMems},
        {"BlkioWeight", o.blkioWeight},
        {"PidsLimit", o.pidsLimit ? json(*o.pidsLimit) : json(nullptr)},
        {"Ulimits", ulimits.empty() ? json(nullptr) : ulimits},
        {"Devices", devices},
        {"Init", o.init ? json(true) : json(nullptr)},
        {"LogConfig", logConfigJson(o.logDriver, o.logOpts)},
    };
}

// Undoes a half-made container when create fails after its row was reserved.
class CreateRollback {
  public:
    CreateRollback(const ContainerStore& store, std::string id) : store_(store), id_(std::move(id)) {}
    ~CreateRollback() {
        if (id_.empty()) return;
        try {
            unmountAllUnder(store_.dir(id_));
            store_.remove(id_);
        } catch (...) {
        }
        for (auto& v : volumes_) try {
                volumeStore_->remove(v);
            } catch (...) {
            }
    }
    // Volumes this create made (anonymous ones, named ones made on first use).
    void createdVolumes(VolumeStore& store, std::vector<std::string> names) {
        volumeStore_ = &store;
        volumes_ = std::move(names);
    }
    void commit() { id_.clear(); }

  private:
    const ContainerStore& store_;
    std::string id_;
    VolumeStore* volumeStore_ = nullptr;
    std::vector<std::string> volumes_;
};

}  // namespace

void Engine::discardLeftover(const std::string& id) {
    unmountAllUnder(store_.dir(id));
    store_.remove(id);
}

std::vector<std::string> Engine::cleanupLeftovers() {
    std::vector<std::string> cleaned;
    for (auto& id : store_.leftoverIds()) {
        try {
            discardLeftover(id);
            cleaned.push_back(id);
        } catch (const Error&) {
            // still busy: the next check tries again
        }
    }
    return cleaned;
}

// Takes rec.id and rec.name in the DB. A name held by a create that was killed midway is taken
// over (its half-made container is discarded first).
void Engine::reserveName(ContainerRecord& rec, bool generated) {
    for (int attempt = 0;; ++attempt) {
        if (generated) rec.name = generateContainerName(attempt > 5 ? attempt : 0);
        try {
            store_.reserve(rec);
            return;
        } catch (const NameConflict& e) {
            auto holder = store_.entry(e.otherId());
            bool stale = holder && holder->phase == RecordPhase::Creating && !holder->ownerAlive();
            if (stale) {
                discardLeftover(holder->rec.id);
                continue;
            }
            if (!generated || attempt > 20) throw;
        }
    }
}

ContainerRecord Engine::create(const RunOptions& o, bool startsNext) {
    validateRunOptions(o);
    // Checked before anything is written (they are built again into the record below).
    logConfigJson(o.logDriver, o.logOpts);
    healthcheckJson(o.health, json::object());
    if (!o.restart.empty() && o.restart != "no") {
        // The monitor's parser has the accepted forms; an unknown name reads as Docker's.
        try {
            monitor::RestartPolicy::parse(o.restart);
        } catch (const Error&) {
            if (o.restart.rfind("on-failure", 0) == 0) throw;
            throw Error("invalid restart policy '" + o.restart + "'");
        }
    }
    if (!o.stopSignal.empty()) monitor::parseSignal(o.stopSignal);
    std::string requestedName = o.name.empty() ? "" : validateContainerName(o.name);
    std::string runtimePath = resolveRuntime(o.runtime);
    std::string runtimeName = o.runtime.empty() ? cfg_.defaultRuntime : o.runtime;
    if (runtimeName.find('/') != std::string::npos) runtimeName = runtimeName.substr(runtimeName.rfind('/') + 1);
    std::string initPath = cfg_.binDir + "/berth-init";
    if (o.init && ::access(initPath.c_str(), R_OK) != 0)
        throw Error("--init: " + initPath + " not found");

    ResolvedImage image = images_.resolve(o.image);
    json imageCfg = image.config.is_object() && image.config.contains("config") ? image.config["config"] : json::object();

    ContainerRecord rec;
    rec.id = generateContainerId();
    rec.name = requestedName;
    rec.created = rfc3339NanoNow(&rec.createdNs);
    rec.imageId = image.id;
    rec.imageRef = o.image;
    reserveName(rec, requestedName.empty());  // the row is "creating" from here on
    CreateRollback rollback(store_, rec.id);
    std::string dir = store_.dir(rec.id);
    if (::mkdir(dir.c_str(), 0710) != 0) throw SysError("create " + dir);

    store::OverlayLayout layout;
    layout.lowerDirs = image.layerDirs;
    layout.upperDir = dir + "/upper";
    layout.workDir = dir + "/work";
    layout.mergedDir = dir + "/rootfs";
    // --rm: the upper is deleted with the container, so skip overlay's syncs (its unmount
    // would sync the whole filesystem holding the state root); what podman does for --rm.
    layout.volatileUpper = o.autoRemove;
    if (layout.lowerDirs.empty()) {
        // An image without layers: an empty lower keeps overlay happy.
        mkdirAll(dir + "/empty");
        layout.lowerDirs.push_back(dir + "/empty");
    }
    auto snap = store::OverlaySnapshot::mount(layout);
    snap.release();  // stays mounted with the container; remove() unmounts it

    UniqueFd rootfd(::open(layout.mergedDir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!rootfd) throw SysError("open " + layout.mergedDir);
    SpecInputs in;
    in.id = rec.id;
    in.imageConfig = imageCfg;
    in.rootfsPath = layout.mergedDir;
    in.rootfsFd = rootfd.get();
    in.containerDir = dir;
    in.initPath = initPath;
    // Volumes: held locked until the row is ready, so a `volume rm` sees this container's use.
    auto volumesLock = volumes_.lock();
    RunOptions opts = o;  // with the volumes resolved (image VOLUMEs added, volumePath set)
    addVolumesFrom(o.volumesFrom, opts.mounts, [&](const std::string& ref) { return store_.get(ref); });
    auto createdVolumes = prepareContainerVolumes(volumes_, opts.mounts, imageCfg, rootfd.get());
    rollback.createdVolumes(volumes_, createdVolumes);
    BuiltSpec spec = buildSpec(opts, in);
    // No fsync for the bundle: until the row is ready (below) the dir is a leftover that is
    // removed, never used.
    writeFile(dir + "/config.json", spec.config.dump());

    rec.path = spec.process.path;
    rec.args = spec.process.args;
    rec.layerDirs = image.layerDirs;
    rec.runtime = runtimePath;
    rec.runtimeName = runtimeName;
    rec.autoRemove = o.autoRemove;
    rec.stopTimeout = o.stopTimeout.value_or(10);
    rec.stopSignal = spec.process.stopSignal.empty() ? "SIGTERM" : spec.process.stopSignal;
    rec.restartPolicy = o.restart.empty() ? "no" : o.restart;
    rec.config = configJson(opts, spec.process, imageCfg, o.image);
    rec.hostConfig = hostConfigJson(opts, runtimeName);
    rec.mounts = mountsInspectJson(opts.mounts);
    // A start follows at once (run): saved started already, so start() writes nothing before it
    // spawns the monitor. A kill in between leaves what a start killed before its spawn did: a
    // started record without a monitor, status "created".
    rec.started = startsNext;
    // One transaction: the row is ready (the container exists from here on) with its events.
    store_.transaction([&] {
        store_.save(rec);
        for (auto& v : createdVolumes)
            events::record(cfg_.root, "volume", "create", v, {{"driver", "local"}});
        events::recordContainer(*this, rec, "create");
    });
    rollback.commit();
    return rec;
}

}  // namespace berth::engine
