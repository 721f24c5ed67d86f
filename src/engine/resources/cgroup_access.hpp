// The container's cgroup as the engine sees it, whichever runtime made it: every runtime puts
// the container at the bundle's linux.cgroupsPath ("/berth/<id>") in each hierarchy, so the
// engine opens the same directories with runtime/cgroups' managers (v1 hierarchies, hybrid, or
// pure v2) to read stats, list pids and check the freezer. Opening touches nothing.
#pragma once

#include <memory>
#include <string>

#include "runtime/cgroups/cgroup_manager.hpp"

namespace berth::engine {

// The host's layout is parsed once per process (mountinfo does not change under us).
std::unique_ptr<runtime::cgroups::CgroupManager> openCgroupAt(const std::string& cgroupsPath);

// The file holding the cgroup's oom_kill counter: v1 memory.oom_control, v2 memory.events;
// "" when there is no memory controller.
std::string oomCounterFile(const std::string& cgroupsPath);

// Whether the container's cgroup is frozen or freezing (v1 freezer.state, v2 cgroup.freeze):
// what `pause` did, whichever runtime did it. false when the cgroup does not exist.
bool cgroupFrozen(const std::string& cgroupsPath);
// Thaws the cgroup directly (when the runtime cannot: its state is gone). Best effort.
void thawCgroup(const std::string& cgroupsPath);

// Total memory of the host (sysinfo), docker's machineMemory.
uint64_t hostMemoryBytes();

}  // namespace berth::engine
