// Putting an exec'd process into the cgroups of the container's init (v1: every hierarchy, v2:
// the unified one), found from /proc/<init>/cgroup and this host's cgroup mounts. A small
// stand-in until the cgroup manager (runtime/cgroups) offers joining; the decision is pure.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace berth::runtime {

// The cgroup.procs files to write, from the text of /proc/<pid>/cgroup and
// /proc/self/mountinfo. Hierarchies not mounted here are skipped.
std::vector<std::string> cgroupProcsFilesFor(const std::string& procPidCgroup,
                                             const std::string& mountinfo);

// Writes pid into each of them. Throws naming the file on failure.
void joinCgroupsOf(pid_t initPid, pid_t pid);

}  // namespace berth::runtime
