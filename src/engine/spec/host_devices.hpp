// --privileged: every device node of the host's /dev, as moby's devices.HostDevices() gives
// them to a privileged container (created in the container's /dev by the runtime).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace berth::engine {

// OCI linux.devices entries for the char and block devices under devDir ("/dev"), skipping
// what moby skips (pts/, shm/, fd/, mqueue/, .lxc/, .lxd-mounts/, .udev/, and /dev/console).
nlohmann::json hostDeviceNodes(const std::string& devDir = "/dev");

}  // namespace berth::engine
