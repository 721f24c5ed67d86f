// OCI runtime-spec 1.2 config.json as C++ types (config.md, config-linux.md).
// parseSpec() (runtime_spec.cpp) fills these from JSON, validating types and the spec's MUSTs;
// every error names the JSON field ("process.user.uid: expected an unsigned integer").
// Unknown fields are ignored, as the spec requires.
//
// linux.resources and linux.seccomp are kept as JSON here and typed by their own parsers
// (oci/linux_resources.hpp, oci/seccomp_config.hpp) so each concern lives in one file.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace berth::oci {

struct IdMapping {
    uint32_t containerID = 0;
    uint32_t hostID = 0;
    uint32_t size = 0;
};

struct Mount {
    std::string destination;
    std::string source;
    std::string type;
    std::vector<std::string> options;
    std::vector<IdMapping> uidMappings;  // idmapped mounts
    std::vector<IdMapping> gidMappings;
};

struct Root {
    std::string path;  // as written in config.json (relative to the bundle, or absolute)
    bool readonly = false;
};

struct User {
    uint32_t uid = 0;
    uint32_t gid = 0;
    std::optional<uint32_t> umask;
    std::vector<uint32_t> additionalGids;
    std::string username;  // windows only; ignored
};

struct Capabilities {
    // Names as in the spec ("CAP_CHOWN"). nullopt: the set was absent (→ empty).
    std::vector<std::string> bounding, effective, inheritable, permitted, ambient;
};

struct Rlimit {
    std::string type;  // "RLIMIT_NOFILE"
    uint64_t hard = 0;
    uint64_t soft = 0;
};

struct ConsoleSize {
    unsigned height = 0;
    unsigned width = 0;
};

struct IoPriority {
    std::string ioClass;  // IOPRIO_CLASS_RT|BE|IDLE
    int priority = 0;
};

struct Scheduler {
    std::string policy;  // SCHED_OTHER, ...
    int nice = 0;
    int priority = 0;
    std::vector<std::string> flags;
    uint64_t runtime = 0, deadline = 0, period = 0;
};

struct Process {
    bool terminal = false;
    std::optional<ConsoleSize> consoleSize;
    User user;
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::string cwd;  // MUST be absolute
    std::optional<Capabilities> capabilities;
    std::vector<Rlimit> rlimits;
    bool noNewPrivileges = false;
    std::string apparmorProfile;
    std::optional<int> oomScoreAdj;
    std::string selinuxLabel;
    std::optional<IoPriority> ioPriority;
    std::optional<Scheduler> scheduler;
};

struct Hook {
    std::string path;
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::optional<int> timeout;  // seconds, > 0
};

struct Hooks {
    std::vector<Hook> prestart;  // deprecated, still run
    std::vector<Hook> createRuntime;
    std::vector<Hook> createContainer;
    std::vector<Hook> startContainer;
    std::vector<Hook> poststart;
    std::vector<Hook> poststop;
};

enum class NamespaceType { Pid, Network, Mount, Ipc, Uts, User, Cgroup, Time };

struct Namespace {
    NamespaceType type;
    std::string path;  // empty: create a new one; else join this one
};

struct Device {
    std::string type;  // c, b, u, p
    std::string path;
    int64_t major = 0;
    int64_t minor = 0;
    std::optional<uint32_t> fileMode;
    std::optional<uint32_t> uid;
    std::optional<uint32_t> gid;
};

struct TimeOffset {
    int64_t secs = 0;
    uint32_t nanosecs = 0;
};

struct Linux {
    std::vector<Namespace> namespaces;
    std::vector<IdMapping> uidMappings;
    std::vector<IdMapping> gidMappings;
    std::map<std::string, TimeOffset> timeOffsets;  // "monotonic", "boottime"
    std::vector<Device> devices;
    std::string cgroupsPath;
    std::optional<nlohmann::json> resources;  // typed by oci/linux_resources.hpp
    std::string rootfsPropagation;            // "", private, shared, slave, unbindable
    std::optional<nlohmann::json> seccomp;    // typed by oci/seccomp_config.hpp
    std::map<std::string, std::string> sysctl;
    std::vector<std::string> maskedPaths;
    std::vector<std::string> readonlyPaths;
    std::string mountLabel;
    std::optional<nlohmann::json> personality;
    std::optional<nlohmann::json> intelRdt;

    bool hasNamespace(NamespaceType t) const {
        for (auto& n : namespaces)
            if (n.type == t) return true;
        return false;
    }
    const Namespace* findNamespace(NamespaceType t) const {
        for (auto& n : namespaces)
            if (n.type == t) return &n;
        return nullptr;
    }
};

struct Spec {
    std::string ociVersion;
    Root root;
    std::vector<Mount> mounts;
    std::optional<Process> process;  // REQUIRED for start; optional in config
    std::string hostname;
    std::string domainname;
    Hooks hooks;
    std::map<std::string, std::string> annotations;
    std::optional<Linux> linux;
    nlohmann::json raw;  // the document as read, for hooks' state and features
};

// Parses and validates config.json text. Throws berth::Error naming the field or the JSON
// position on any malformed or invalid input.
Spec parseSpec(const std::string& jsonText);

// Validation that needs the filesystem: root.path exists and is a directory (relative to
// bundleDir when not absolute). Returns the absolute rootfs path.
std::string resolveRootfs(const Spec& spec, const std::string& bundleDir);

// The default config.json `berth-runtime spec` writes (like `runc spec`).
nlohmann::json defaultSpecJson(bool rootless = false);

const char* namespaceTypeName(NamespaceType t);  // "pid", "network", ...

}  // namespace berth::oci
