// `exec`: which process to run in an existing container (runc's semantics). Either the whole
// process from --process process.json, or the container's config.json process with the
// command-line overrides applied. Pure decisions: unit-tested without a container.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "oci/runtime_spec.hpp"

namespace berth::runtime {

struct ExecOptions {
    std::string id;
    std::string processFile;               // --process
    std::vector<std::string> args;         // command and arguments after the id
    std::optional<bool> tty;               // -t/--tty (unset: false, as runc)
    std::string consoleSocket;             // --console-socket
    std::string cwd;                       // --cwd
    std::vector<std::string> env;          // --env K=V (appended)
    std::string user;                      // --user UID[:GID]
    std::vector<uint32_t> additionalGids;  // --additional-gids
    std::vector<std::string> caps;         // --cap CAP_X (added to bounding, effective, permitted)
    std::optional<bool> noNewPrivs;        // --no-new-privs
    bool detach = false;                   // -d
    std::string pidFile;                   // --pid-file
    int preserveFds = 0;                   // --preserve-fds N: fds 3..3+N-1 pass through
};

// The process config.json's process becomes with the flags applied (runc exec's getProcess).
// Throws berth::Error naming the flag (--user "x", no command...).
oci::Process execProcessFromFlags(const oci::Process& base, const ExecOptions& opts);

// Parses a --process file (a runtime-spec process object). Throws naming the file and field.
oci::Process parseProcessFile(const std::string& path, const std::string& ociVersion);

}  // namespace berth::runtime
