#pragma once
// Starting a helper process in the background with no stdio of ours (runtime delete, test
// drivers): posix_spawn, so no page tables are copied and the child runs at once.

#include <sys/types.h>

#include <string>
#include <vector>

namespace berth {

// What else a detached helper gets.
struct DetachedSpawn {
    int passFd = -1;          // a descriptor of ours the child gets as passAs (none: -1) ...
    int passAs = 3;           // ... (> 2); every other descriptor above 2 is closed in the child
    bool newSession = false;  // setsid: out of the caller's terminal's process group
};

// Starts argv[0] (a path) with stdin, stdout and stderr on /dev/null. Returns the pid, or -1
// with errno set.
pid_t spawnDetachedStdio(const std::vector<std::string>& argv, const DetachedSpawn& how = {});

// Waits for pid (retrying on EINTR); true when it exited with status 0.
bool waitSucceeded(pid_t pid);

}  // namespace berth
