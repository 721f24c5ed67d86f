// OCI config.json for a container from its image config and RunOptions, with Docker's defaults
// (moby daemon/oci_linux.go + oci/defaults.go): capabilities, masked/readonly paths, the default
// mounts, the device cgroup allow list, the default seccomp profile, sysctls of a private netns.
//
// validateRunOptions() checks everything that can be checked before anything exists on disk
// (units and ranges, capability names, security options, ulimits, devices, bind sources), so a
// bad flag fails with Docker's text and leaves nothing behind.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/spec/run_options.hpp"

namespace berth::engine {

// Throws Error with Docker's message for the first bad option.
void validateRunOptions(const RunOptions& opts);

struct SpecInputs {
    std::string id;               // 64 hex
    nlohmann::json imageConfig;   // the image config's "config" object (Env, Cmd, ...); may be null
    std::string rootfsPath;       // absolute: root.path
    int rootfsFd = -1;            // O_PATH dir fd of the rootfs, for -u lookups; -1: no lookup
    std::string containerDir;     // holds hostname, hosts, resolv.conf (bind-mounted)
    std::string initPath;         // berth-init, for --init
    std::string cgroupParent = "/berth";
};

// What Docker shows in inspect's Config/Path/Args, resolved while building.
struct ResolvedProcess {
    std::string path;
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::string workingDir;
    std::string hostname;
    std::string user;
    std::string stopSignal;
    std::vector<std::string> entrypoint;  // effective (image's or --entrypoint)
    std::vector<std::string> cmd;
};

struct BuiltSpec {
    nlohmann::json config;  // config.json
    ResolvedProcess process;
};

// Throws Error with Docker's texts ("No command specified", "unable to find user ...").
BuiltSpec buildSpec(const RunOptions& opts, const SpecInputs& in);

// Docker's default PATH.
inline constexpr const char* kDefaultPathEnv =
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
// Where --init's binary appears inside the container (docker: /sbin/docker-init).
inline constexpr const char* kInitPathInContainer = "/sbin/docker-init";

}  // namespace berth::engine
