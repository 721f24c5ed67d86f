// A cache of compiled seccomp programs: libseccomp needs 15-30 ms to compile Docker's profile
// on this machine, several times the whole start budget. The same profile is used by container
// after container, so the exported BPF is kept under the runtime's state root (root-owned) and
// reused when the config, libseccomp and kernel are the same (crun caches for the same reason).
// The whole key is stored in the entry and compared on load: a file-name hash collision can
// never hand one container another's filter.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "runtime/seccomp/seccomp_filter.hpp"

namespace berth::runtime {

// Parses (always: errors are reported on every call) and compiles `linuxSeccomp`, using
// cacheDir (created 0700 if missing) for the compiled program. Empty cacheDir: no cache.
// A cache that can't be read or written is ignored (logged at debug), never an error.
CompiledSeccomp compileSeccompCached(const nlohmann::json& linuxSeccomp,
                                     const SeccompCompileOptions& options,
                                     const std::string& cacheDir);

}  // namespace berth::runtime
