// The caller's stdio on a connection to a container's berth-monitor (attach, run without -d,
// start -a, exec): streamStdio, with the terminal's resizes and the detach told to the monitor.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>

#include "engine/engine.hpp"
#include "engine/interactive/stdio_stream.hpp"

namespace berth::engine {

// One attached client of the monitor in monitorDir.
struct MonitorSession {
    std::string monitorDir;
    int conn = -1;
    uint64_t clientId = 0;  // named in the detach request
    pid_t execPid = 0;      // an exec session: resizes go to its terminal, not the container's
};

// Streams io through the session until the output ends or the detach keys (bytes, from
// parseDetachKeys; "" → none) are typed. Stdin only withStdin; tty: raw bytes, else stdcopy.
StreamEnd streamMonitorSession(const MonitorSession& session, const AttachStdio& io,
                               bool withStdin, bool tty, const std::string& detachKeys);

}  // namespace berth::engine
