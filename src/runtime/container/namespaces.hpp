// Linux namespaces of the container (config-linux.md#namespaces): which to create with clone3,
// which to join by path (setns), the uid/gid maps the runtime writes for a new user namespace,
// and time namespace offsets.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "oci/runtime_spec.hpp"
#include "runtime/container/launch_plan.hpp"

namespace berth::runtime {

int cloneFlagOf(oci::NamespaceType t);

// Fills the namespace part of the plan (flags, joins without fds). Pure.
void planNamespaces(const oci::Spec& spec, LaunchPlan& plan);

// Opens every path to join (in the runtime, before clone). Throws naming the field and path.
void openNamespaceJoins(LaunchPlan& plan);

// In the stage-1 child: joins the user namespace first (it decides the privileges for the
// rest), then the others, as runc's nsexec does. Throws naming the field.
void joinNamespaces(const std::vector<NamespaceJoin>& joins);

// Runtime side: /proc/<pid>/uid_map and gid_map. Throws naming the file.
void writeIdMappings(pid_t pid, const std::vector<oci::IdMapping>& uids,
                     const std::vector<oci::IdMapping>& gids);

// "cid hid size\n" lines, as the kernel wants them.
std::string idMapText(const std::vector<oci::IdMapping>& maps);

// In the stage-1 child, right after unshare(CLONE_NEWTIME): /proc/self/timens_offsets.
void writeTimeOffsets(const std::map<std::string, oci::TimeOffset>& offsets);

}  // namespace berth::runtime
