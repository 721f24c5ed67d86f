// process.terminal (config.md#process): the init makes a pty in the container's own devpts,
// binds the slave onto /dev/console, makes it stdio and the controlling terminal, and sends
// the master to --console-socket with SCM_RIGHTS (runc's protocol, which containerd,
// Docker and Podman speak).
#pragma once

#include <string>

#include "common/fd.hpp"
#include "oci/runtime_spec.hpp"

namespace berth::runtime {

// Runtime side, before clone: connects to the AF_UNIX socket. Throws naming the path.
UniqueFd connectConsoleSocket(const std::string& path);

// Init, after the mounts (before pivot_root): a pty from <rootfs>/dev/ptmx (the container's
// devpts), sized as process.consoleSize; the slave is bind-mounted on <rootfs>/dev/console when
// there is a mount namespace. Returns the slave; the master is sent on socketFd and closed.
UniqueFd setupConsole(const std::string& rootfs, int socketFd, const oci::Process& process,
                      bool mountConsole);

// After pivot_root: the slave becomes fds 0-2 and the controlling terminal (needs setsid()).
void attachConsole(int slave);

// Sends fd over a unix socket with a name, as runc does ("/dev/pts/N" is not needed; the
// name is informational). Throws on failure.
void sendFd(int socketFd, int fd, const std::string& name);
// Receives one fd (for `run` in the foreground with a terminal).
UniqueFd recvFd(int socketFd);

}  // namespace berth::runtime
