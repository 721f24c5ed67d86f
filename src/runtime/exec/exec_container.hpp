// `exec`: a new process in a running container (runc exec semantics).
//
//   berth-runtime exec  ── setns(pidfd, CLONE_NEWPID) (for its children only)
//     └─ fork → child ── [parent writes the child into the init's cgroups, then Go]
//                  setns(pidfd, every other namespace that differs) in one call (5.8+),
//                  chroot to the init's root, console, cwd (checked inside: CVE-2024-21626),
//                  rlimits, no_new_privs, caps/user (inheritable empty unless asked:
//                  CVE-2022-29162), the container's seccomp filter last, execve.
// The caller waits and returns the process's exit status (128+N for signal N), forwarding
// signals; with -d it returns once the process has been exec'd.
#pragma once

#include "runtime/exec/exec_process.hpp"
#include "runtime/state/state_store.hpp"

namespace berth::runtime {

// Returns the exit code berth-runtime should exit with. Throws berth::Error on setup failure
// (nothing is left behind: the half-made process is killed).
int execInContainer(const StateStore& store, const ExecOptions& options);

}  // namespace berth::runtime
