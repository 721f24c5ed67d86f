// Docker-style seccomp profiles → OCI `linux.seccomp`.
//
// A profile (moby's profiles/seccomp format) is an OCI seccomp config plus conditions on each
// rule: "includes"/"excludes" with capabilities, architectures and a minimum kernel, and an
// "archMap" giving the sub-architectures of each native one. Converting it for one container
// keeps the rules whose conditions hold for that container's bounding set, this machine's
// architecture and kernel — what moby's setupSeccomp does before handing config.json to runc.
//
// berth's default profile has Docker's semantics (default_profile.cpp): errno EPERM by default,
// an allow list of ~360 syscalls, more with capabilities (mount, unshare, setns... with
// CAP_SYS_ADMIN), clone's namespace flags masked and clone3 → ENOSYS without CAP_SYS_ADMIN,
// socket(AF_VSOCK) refused.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace berth::runtime {

struct ProfileTarget {
    std::vector<std::string> capabilities;  // the container's bounding set ("CAP_SYS_ADMIN")
    std::string arch;                       // moby's names: amd64, arm64, ...; "" = this host
    std::string kernelRelease;              // "6.1.0-13-amd64"; "" = this host (uname)
};

// Converts a Docker/moby-format profile. Throws berth::Error naming the field
// (both "architectures" and "archMap", "name" and "names" on one rule, a bad minKernel...).
nlohmann::json profileToOciSeccomp(const nlohmann::json& profile, const ProfileTarget& target);

// berth's default profile (Docker's semantics), in the moby format.
const nlohmann::json& defaultSeccompProfile();

// Shorthand: the default profile converted for a target, ready for linux.seccomp.
nlohmann::json defaultOciSeccomp(const ProfileTarget& target);

// The default profile for a config.json document: its process.capabilities.bounding, this
// host's architecture and kernel. What the engine puts in linux.seccomp (and the benchmark's
// `berth-runtime seccomp-default`).
nlohmann::json defaultOciSeccompForConfig(const nlohmann::json& config);

// "amd64", "arm64", ... for this machine (moby's names for uname -m).
std::string hostProfileArch();

}  // namespace berth::runtime
