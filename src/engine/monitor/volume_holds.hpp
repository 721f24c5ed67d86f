// Volumes with local driver options (`volume create -o type=tmpfs -o device=tmpfs`, `type=none
// o=bind`) are mounted on the host only while a container that uses them runs, as Docker's local
// driver does with its reference count: mounted when the first user starts, unmounted when the
// last one stops (a tmpfs volume then starts empty again).
//
// Without a daemon the count is a lock: each running user's berth-monitor holds a shared flock
// on the volume's directory (<root>/volumes/<name>), taken while the engine holds the volumes
// lock (<root>/volumes/.lock) across the mount and the monitor's spawn. Whoever lets go, and
// whoever mounted only for a moment (a create's copy-up), unmounts <dir>/_data under the volumes
// lock once nobody holds the volume. A killed monitor's hold goes with it (the kernel drops the
// flock); its volume stays mounted until the next release or `volume rm`.
#pragma once

#include <string>
#include <vector>

#include "common/fd.hpp"

namespace berth::monitor {

// The volumes lock file, in <root>/volumes (engine/volumes/volume_store.hpp's lock()).
inline constexpr const char* kVolumesLockName = ".lock";

// A shared hold on the volume at volumeDir. Throws SysError.
UniqueFd holdVolume(const std::string& volumeDir);

// True when a running container holds the volume at volumeDir.
bool volumeHeld(const std::string& volumeDir);

// With the volumes lock held: unmounts volumeDir/_data when it is mounted and nobody holds the
// volume. True when it unmounted.
bool unmountVolumeIfUnheld(const std::string& volumeDir);

// berth-monitor's release at the container's final exit: drops its holds, then, under the
// volumes lock, unmounts each volume nobody else holds. Best effort (diagnostics only).
void releaseVolumes(std::vector<UniqueFd>& holds, const std::vector<std::string>& volumeDirs);

}  // namespace berth::monitor
