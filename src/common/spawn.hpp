#pragma once
// Starting a helper process in the background with no stdio of ours (runtime delete, test
// drivers): posix_spawn, so no page tables are copied and the child runs at once.

#include <sys/types.h>

#include <string>
#include <vector>

namespace berth {

// Starts argv[0] (a path) with stdin, stdout and stderr on /dev/null. Returns the pid, or -1
// with errno set.
pid_t spawnDetachedStdio(const std::vector<std::string>& argv);

// Waits for pid (retrying on EINTR); true when it exited with status 0.
bool waitSucceeded(pid_t pid);

}  // namespace berth
