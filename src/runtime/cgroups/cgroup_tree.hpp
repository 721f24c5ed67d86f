// Directory-level operations both backends share: make the missing levels of a cgroup path,
// list the pids of a subtree, signal them, and remove a subtree bottom-up.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "runtime/cgroups/cgroup_fs.hpp"

namespace berth::runtime::cgroups {

// mkdir -p of dir below mountPoint; returns the levels it created, top first.
std::vector<std::string> makeCgroupDirs(CgroupFs& fs, const std::string& mountPoint,
                                        const std::string& dir);

// Pids in dir and every nested cgroup (cgroup.procs), sorted and unique; none if dir is gone.
std::vector<pid_t> subtreePids(CgroupFs& fs, const std::string& dir);

// kill(2) each pid of the subtree; ESRCH (already gone) is fine.
void signalPids(const std::vector<pid_t>& pids, int signal);

// Removes dir and its nested cgroups deepest first. A dir still busy (a dying task not yet
// released) is retried for up to ~1 s. A missing dir is fine. Throws naming the dir otherwise.
void removeCgroupTree(CgroupFs& fs, const std::string& dir);

// Writes pid to dir/cgroup.procs; EINVAL right after fork (task still TASK_NEW) is retried
// as runc does.
void writeCgroupProcs(CgroupFs& fs, const std::string& dir, pid_t pid);

}  // namespace berth::runtime::cgroups
