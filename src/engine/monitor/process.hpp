// Spawning the runtime (create/start/delete/exec) from the monitor.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "engine/monitor/options.hpp"

namespace berth::monitor {

struct ChildStdio {
    int in = -1;  // -1: /dev/null
    int out = -1;
    int err = -1;
};

// posix_spawn of argv[0] with the given stdio; the child starts with an empty signal mask and
// default dispositions. Throws SysError if the spawn or the exec fails.
// execPath: the file to execute instead of argv[0] (argv[0] is still passed); extraEnv:
// "NAME=value" entries added to the environment.
pid_t spawnProcess(const std::vector<std::string>& argv, const ChildStdio& stdio,
                   const std::string& execPath = "", const std::vector<std::string>& extraEnv = {});

// For berth-runtime's verbs that start container processes (create, exec): runs it straight
// from a private, detached, read-only bind of its binary, the image it would otherwise
// re-execute itself into first (CVE-2019-5736, runtime/container/self_clone.cpp): one exec of the
// runtime less per create. Other runtimes (runc, crun), or no open_tree/mount_setattr: a plain
// spawn (they protect themselves).
pid_t spawnProtectedRuntime(const std::vector<std::string>& argv, const ChildStdio& stdio);

struct RunResult {
    int status = 0;      // wait status
    std::string output;  // stdout and stderr together
};
// Runs argv to completion, capturing its output; waits for that pid only. A run longer than
// timeoutNs is killed and reported as an Error (a hung runtime must not hang the monitor).
RunResult runCaptured(const std::vector<std::string>& argv, int64_t timeoutNs);

// Waits for child pid at most timeoutNs (pidfd + poll); on timeout SIGKILLs and reaps it and
// throws Error("<what>: no answer within N s"). Returns the wait status.
int waitChild(pid_t pid, int64_t timeoutNs, const std::string& what);

// <runtime> [--root R] [runtime args...] <verb args...>
std::vector<std::string> runtimeCommand(const MonitorOptions& o,
                                        std::initializer_list<std::string> verbArgs);

// Text of a wait status: "exit status 1", "killed by signal 9".
std::string describeWaitStatus(int status);

}  // namespace berth::monitor
