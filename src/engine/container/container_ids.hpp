// Container IDs and names as Docker makes them: 64 random hex digits (12 shown), and a random
// "adjective_surname" (moby pkg/namesgenerator) when --name is not given.
#pragma once

#include <string>

namespace berth::engine {

std::string generateContainerId();               // 64 lowercase hex, not all digits
std::string generateContainerName(int retry);    // retry > 0 appends a digit, as moby does
// Docker's rule for --name: [a-zA-Z0-9][a-zA-Z0-9_.-]+ (a leading '/' is accepted and dropped).
// Throws Error("Invalid container name (x), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed").
std::string validateContainerName(const std::string& name);

}  // namespace berth::engine
