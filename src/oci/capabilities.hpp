// Capability names of the runtime-spec ("CAP_CHOWN") and their numbers (linux/capability.h),
// kept as a table here so the config parser can refuse an unknown name without libcap.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace berth::oci {

// nullopt for a name the spec's Linux doesn't define.
std::optional<int> capabilityNumber(const std::string& name);
// "CAP_CHOWN" for 0; "" beyond the table.
std::string capabilityName(int number);
// Every name in the table, in number order.
const std::vector<std::string>& allCapabilityNames();

}  // namespace berth::oci
