// The container's cgroup as berth-runtime's verbs use it: plan (validate) in create's first
// step, set up before the init is cloned, kept in the state dir as cgroup.json (resolved paths;
// a relative cgroupsPath depends on who created it), reopened by delete/pause/update/events/ps.
#pragma once

#include <memory>
#include <string>

#include "oci/linux_resources.hpp"
#include "oci/runtime_spec.hpp"
#include "runtime/cgroups/cgroup_manager.hpp"

namespace berth::runtime::cgroups {

struct CgroupPlan {
    CgroupRequest request;
    oci::LinuxResources resources;  // linux.resources + the effective device rules
};

// Validates linux.resources (errors name the field) and composes the device rules (spec
// rules, linux.devices, the standard devices). Touches nothing on the host.
CgroupPlan planContainerCgroup(const oci::Spec& spec, const std::string& containerId);

// Creates the cgroup and applies the resources; on failure removes everything it made and
// rethrows (with the cgroup path in the message).
std::unique_ptr<CgroupManager> setupContainerCgroup(const CgroupPlan& plan,
                                                    CgroupFs& fs = realCgroupFs());

// <stateDir>/cgroup.json
void saveContainerCgroup(const std::string& stateDir, const CgroupManager& manager);
// null when the container has no cgroup.json (created by a runtime without cgroup support).
std::unique_ptr<CgroupManager> loadContainerCgroup(const std::string& stateDir,
                                                   CgroupFs& fs = realCgroupFs());

// Is the container's cgroup frozen (paused)? false without a cgroup or when it is gone.
bool containerCgroupFrozen(const std::string& stateDir, CgroupFs& fs = realCgroupFs());

}  // namespace berth::runtime::cgroups
