// Docker's textual run options → RunOptions pieces, with Docker's error texts:
//   -v SRC:DST[:ro,...]      --mount type=bind,source=..,target=..[,readonly]
//   --tmpfs /run[:opts]      --ulimit nofile=1024[:2048]     --device /dev/x[:/dev/y[:rwm]]
//   --env-file FILE          -e KEY (taken from the caller's environment)
#pragma once

#include <string>
#include <vector>

#include "engine/spec/run_options.hpp"

namespace berth::engine {

MountSpec parseVolumeFlag(const std::string& text);  // -v
MountSpec parseMountFlag(const std::string& text);   // --mount
MountSpec parseTmpfsFlag(const std::string& text);   // --tmpfs
Ulimit parseUlimit(const std::string& text);
DeviceSpec parseDevice(const std::string& text);

// KEY=VALUE lines of an --env-file (blank lines and '#' comments skipped; "KEY" alone takes the
// caller's value, dropped when unset). Throws Error naming the file.
std::vector<std::string> readEnvFile(const std::string& path);
// "KEY" → "KEY=value" from the caller's environment; nullopt-like "" when unset.
std::string expandEnvEntry(const std::string& entry);
// "KEY=VALUE" into env: replaces an entry with the same key, else appends (moby
// ReplaceOrAppendEnvValues). hasEnv: whether some entry has that key.
void setEnv(std::vector<std::string>& env, const std::string& entry);
bool hasEnv(const std::vector<std::string>& env, const std::string& key);

// Upper bound for RLIMIT numbers of docker's ulimit names; -1 for an unknown name.
int rlimitResource(const std::string& name);

}  // namespace berth::engine
