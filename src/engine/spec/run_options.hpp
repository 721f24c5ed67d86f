// What `docker run` / `docker create` accept, as the engine takes it: the CLI, the API server and
// compose fill one RunOptions and call Engine::create. Units are already parsed (bytes, nano
// CPUs); the engine validates ranges and names and answers with Docker's error texts.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace berth::engine {

struct Ulimit {
    std::string name;  // "nofile" (docker's names, without RLIMIT_)
    int64_t soft = 0;
    int64_t hard = 0;
};

// --mount / -v, parsed.
struct MountSpec {
    enum class Type { Bind, Tmpfs, Volume };
    Type type = Type::Bind;
    std::string source;  // host path (bind), volume name (volume; "" = anonymous)
    std::string target;  // absolute path in the container
    bool readOnly = false;
    std::string propagation;             // "" → rprivate
    bool createSource = false;           // -v creates a missing host dir; --mount refuses it
    std::vector<std::string> tmpfsOptions;  // --tmpfs /run:rw,size=64m
    // Which flag it came from (inspect's HostConfig.Binds / Mounts / Tmpfs) and its text.
    enum class Origin { VolumeFlag, MountFlag, TmpfsFlag, Image, VolumesFrom };
    Origin origin = Origin::VolumeFlag;
    std::string mode;                    // -v's third field as typed ("ro,rslave"): Mounts.Mode
    bool noCopy = false;                 // volume-nocopy / -v ...:nocopy: no copy-up
    std::map<std::string, std::string> volumeLabels;   // --mount volume-label=k=v
    std::map<std::string, std::string> volumeOptions;  // --mount volume-opt=k=v
    std::string volumeDriver;            // --mount volume-driver= ("" → local)
    int64_t tmpfsSize = 0;               // --mount tmpfs-size (bytes; 0 = unset)
    uint32_t tmpfsMode = 0;              // --mount tmpfs-mode (0 = unset)
    // Set by the engine at create: the host directory a volume mount binds (its _data).
    std::string volumePath;
    bool anonymous = false;  // a volume mount without source: the engine named it (64 hex)
};

struct DeviceSpec {
    std::string hostPath;
    std::string containerPath;  // "" → hostPath
    std::string permissions = "rwm";
};

// --health-cmd/--health-interval/--health-timeout/--health-start-period/--health-retries,
// --no-healthcheck. Zero / empty: the image's HEALTHCHECK, else Docker's default.
struct HealthcheckOptions {
    std::string cmd;             // shell form: Test ["CMD-SHELL", cmd]
    bool disabled = false;       // Test ["NONE"]
    int64_t intervalNs = 0;
    int64_t timeoutNs = 0;
    int64_t startPeriodNs = 0;
    int retries = 0;
    bool any() const {
        return !cmd.empty() || disabled || intervalNs || timeoutNs || startPeriodNs || retries;
    }
};

struct RunOptions {
    std::string image;                 // reference or ID as typed
    std::vector<std::string> command;  // after IMAGE; empty → image Cmd
    std::optional<std::string> entrypoint;  // --entrypoint ("" clears the image's)
    std::string name;                  // --name ("" → random adjective_surname)
    std::vector<std::string> env;      // -e (KEY=VAL, or KEY: taken from the caller's environment)
    std::vector<std::string> envFiles;  // --env-file
    std::string workdir;               // -w
    std::string user;                  // -u user[:group], names or ids
    std::string hostname;              // -h
    std::map<std::string, std::string> labels;  // -l
    bool readOnly = false;
    bool privileged = false;
    bool init = false;
    bool tty = false;
    bool openStdin = false;
    bool autoRemove = false;           // --rm

    // Resources (0 / empty: unset)
    int64_t memory = 0;          // bytes
    int64_t memorySwap = 0;      // bytes; -1 unlimited
    int64_t memoryReservation = 0;
    int64_t nanoCpus = 0;        // --cpus × 1e9
    int64_t cpuShares = 0;
    std::string cpusetCpus;
    std::string cpusetMems;
    std::optional<int64_t> pidsLimit;
    int64_t blkioWeight = 0;
    int64_t shmSize = 0;         // bytes; 0 → 64m
    std::vector<Ulimit> ulimits;

    std::vector<std::string> capAdd, capDrop;
    std::vector<std::string> securityOpts;  // seccomp=FILE|unconfined, no-new-privileges[:true]
    std::vector<DeviceSpec> devices;
    std::vector<MountSpec> mounts;          // -v, --mount, --tmpfs
    std::vector<std::string> volumesFrom;   // --volumes-from CONTAINER[:ro|:rw]
    std::string network = "default";        // none | host | default/bridge (→ none for now)
    std::string runtime;                    // "" → berth-runtime; runc | crun | PATH
    std::string restart = "no";
    std::string stopSignal;                 // "" → image's or SIGTERM
    std::optional<int> stopTimeout;         // seconds
    HealthcheckOptions health;
    std::string logDriver;                  // "" → json-file; none
    std::map<std::string, std::string> logOpts;  // --log-opt max-size=10m max-file=3 ...
};

}  // namespace berth::engine
