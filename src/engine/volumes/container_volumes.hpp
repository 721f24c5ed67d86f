// Volumes as containers use them: resolving a create's volume mounts (named ones created on
// first use, anonymous ones for -v /path, --mount without source and the image's VOLUMEs, then
// Docker's copy-up), the inspect pieces (Mounts, HostConfig.Binds/Mounts/Tmpfs, Config.Volumes),
// the in-use check of `volume rm` and the anonymous volumes `rm -v` / `run --rm` remove.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/container/container_record.hpp"
#include "engine/spec/run_options.hpp"
#include "engine/volumes/volume_store.hpp"

namespace berth::engine {

class Engine;

// Adds the image's VOLUMEs not covered by a mount as anonymous volume mounts, creates missing
// volumes, copies the image's content up into empty ones (unless nocopy) and sets each volume
// mount's volumePath. rootfsFd: the container's mounted rootfs. Returns the names of the volumes
// this call created (the caller removes them when the create fails later). Throws Error.
std::vector<std::string> prepareContainerVolumes(VolumeStore& store, std::vector<MountSpec>& mounts,
                                                 const nlohmann::json& imageConfig, int rootfsFd);

// --volumes-from CONTAINER[:ro|:rw]: the volume and bind mounts of those containers (found by
// `find`), except where `mounts` already has the destination; ro/rw overrides their mode.
// Throws Error("No such container: x") / Error("invalid mode: x").
void addVolumesFrom(const std::vector<std::string>& from, std::vector<MountSpec>& mounts,
                    const std::function<ContainerRecord(const std::string&)>& find);

// inspect's Mounts (Docker's shape; --tmpfs mounts are not listed, as in Docker).
nlohmann::json mountsInspectJson(const std::vector<MountSpec>& mounts);
// HostConfig.Binds (-v as typed, anonymous ones excluded), HostConfig.Mounts (--mount, API
// shape), HostConfig.Tmpfs (--tmpfs); null when empty, as Docker prints them.
nlohmann::json hostConfigBinds(const std::vector<MountSpec>& mounts);
nlohmann::json hostConfigMounts(const std::vector<MountSpec>& mounts);
nlohmann::json hostConfigTmpfs(const std::vector<MountSpec>& mounts);
// Config.Volumes: the image's plus -v /path targets; null when none.
nlohmann::json configVolumes(const std::vector<MountSpec>& mounts, const nlohmann::json& imageConfig);

// At start: mounts the container's volumes that have driver options, under the volumes lock,
// which the caller keeps until the monitor holds them (engine/monitor/volume_holds.hpp).
struct StartVolumes {
    std::optional<VolumeStore::Lock> lock;  // only when there are such volumes
    std::vector<std::string> dirs;          // their directories: MonitorOptions::heldVolumes
};
// Throws Error naming a volume whose mount fails.
StartVolumes mountVolumesForStart(VolumeStore& store, const ContainerRecord& rec);

// Names of the volumes a container record mounts.
std::vector<std::string> volumeNamesOf(const ContainerRecord& rec);
// IDs of the containers that use the volume.
std::vector<std::string> containersUsingVolume(const std::vector<ContainerRecord>& all,
                                               const std::string& name);

// `volume rm`: refuses a volume in use ("remove v: volume is in use - [ID]"); with force a
// missing volume is no error. Holds the volumes lock, which a create holds until its record is
// ready: no create takes the volume meanwhile.
void removeVolume(Engine& eng, const std::string& name, bool force);
// After the container's record is gone: removes its anonymous
// volumes that no other container uses. Best effort: a failure is logged, not thrown.
void removeAnonymousVolumes(Engine& eng, const ContainerRecord& removed);

}  // namespace berth::engine
