// The container process's own attributes, applied by the init after pivot_root (runc's
// finalizeNamespace and setupUser): fds, rlimits, oom score, user and groups, capabilities
// (all five sets), no_new_privs, umask, cwd, and the lookup of the executable.
#pragma once

#include <string>
#include <vector>

#include "runtime/container/launch_plan.hpp"

namespace berth::runtime {

// Before pivot_root (needs the host /proc and full privileges).
void applyRlimits(const LaunchPlan& plan);
void applyOomScoreAdj(const LaunchPlan& plan);
// A fresh session keyring, so the container doesn't share the host's (runc's default).
void joinNewSessionKeyring(const std::string& id);

// CVE-2024-21626: closes every fd >= 3 except `keep` (sorted or not) and the preserved
// 3 .. 3+preserveFds-1, so no host directory fd survives into the container.
void closeLeakedFds(std::vector<int> keep, int preserveFds);

// Bounding set, then uid/gid/groups with capabilities kept across setuid, then effective/
// permitted/inheritable, then ambient (runc's order). Throws naming the step.
void applyUserAndCapabilities(const LaunchPlan& plan);

// chdir(process.cwd) creating it if missing, then verifies that the cwd is reachable from
// the container root (CVE-2024-21626: a cwd on a leaked host fd reads "(unreachable)").
void enterCwd(const LaunchPlan& plan);

// args[0] as execve wants it: with a '/' as is, else searched in the config's PATH inside the
// container. Throws "exec: \"x\": executable file not found in $PATH" like runc.
std::string findExecutable(const LaunchPlan& plan);

}  // namespace berth::runtime
