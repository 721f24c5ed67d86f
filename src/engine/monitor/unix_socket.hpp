// Unix stream sockets for the monitor: its control socket, the runtime's console socket.
#pragma once

#include <string>

#include "common/fd.hpp"

namespace berth::monitor {

// Binds and listens at path (replacing a stale socket file), close-on-exec and non-blocking.
// Paths longer than sun_path are reached through /proc/self/fd of their directory.
UniqueFd listenUnix(const std::string& path);
// Connects to path (blocking socket, close-on-exec). Throws SysError naming the path.
UniqueFd connectUnix(const std::string& path);
// Receives one fd passed with SCM_RIGHTS (the OCI console socket protocol). Throws SysError.
UniqueFd receiveFd(int sock);

}  // namespace berth::monitor
