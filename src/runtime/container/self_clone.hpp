// CVE-2019-5736: a container must never reach the runtime's binary on the host through
// /proc/<init>/exe (a "#!/proc/self/exe" entrypoint makes the init re-execute it; a process
// in the container then reopens it for writing once it exits). Before forking the init, the
// verbs that start container processes run from a sealed memfd copy of the binary (as runc
// does): /proc/<pid>/exe then names an anonymous, write-sealed file.
#pragma once

namespace berth::runtime {

// True when this process already runs from a sealed memfd.
bool runningFromSealedCopy();

// Re-executes the current binary from a sealed memfd with the same argv and environment,
// unless already running from one. Returns only on failure (throws SysError).
void ensureSealedSelf(char** argv);

}  // namespace berth::runtime
