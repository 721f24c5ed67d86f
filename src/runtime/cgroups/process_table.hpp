// `berth-runtime ps`: the container's processes, as runc prints them.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace berth::runtime::cgroups {

// Keeps the header line of `ps` output and the lines whose PID column is one of pids (runc ps
// runs `ps -ef` or the given ps options and filters the same way). Throws if there is no PID
// column.
std::string filterPsOutput(const std::string& psOutput, const std::vector<pid_t>& pids);

}  // namespace berth::runtime::cgroups
