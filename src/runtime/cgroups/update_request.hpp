// `berth-runtime update`: runc's flags (--memory 64m, --cpu-quota ..., --pids-limit ...) or a
// resources file (-r FILE, "-" for stdin, the LinuxResources JSON) → the fields to change.
#pragma once

#include <map>
#include <string>

#include "oci/linux_resources.hpp"

namespace berth::runtime::cgroups {

// The runc update flags this accepts, by canonical name (without "--").
const std::vector<std::string>& updateFlagNames();

// flags: canonical name → value, as given. Validates ranges like the spec parser; errors name
// the flag ("--cpu-shares: 1 out of range 2..262144").
oci::LinuxResources resourcesFromUpdateFlags(const std::map<std::string, std::string>& flags);

// "64m", "1g", "512k", "1024", "-1" → bytes (docker's units.RAMInBytes: binary multipliers,
// an optional trailing "b", any case).
int64_t parseByteSize(const std::string& text);

}  // namespace berth::runtime::cgroups
