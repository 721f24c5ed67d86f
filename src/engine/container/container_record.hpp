// One container as the engine keeps it: a row of the containers table in <root>/berth.db (see
// container_store.hpp; each write is one SQLite transaction, so a crash leaves the old or the new
// record, never half of one). Config and HostConfig are kept in Docker's inspect shape so
// inspect, ps and the API serve them as they are.
//
// Layout of containers/<id>/:
//   config.json      the OCI bundle's config (root.path → rootfs/)
//   rootfs/ upper/ work/   the overlay snapshot over the image's layer dirs
//   hostname hosts resolv.conf   bind-mounted into the container
//   monitor/         berth-monitor's state dir (monitor.sock, state.json, exit.json, ...)
//   <id>-json.log    the json-file log (Docker's name)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace berth::engine {

struct ContainerRecord {
    std::string id;
    std::string name;            // without the leading '/'
    std::string created;         // RFC 3339 with nanoseconds (UTC)
    int64_t createdNs = 0;
    std::string imageId;         // "sha256:<hex>"
    std::string imageRef;        // as given (Config.Image)
    std::string path;            // Path
    std::vector<std::string> args;  // Args
    std::vector<std::string> layerDirs;  // topmost first (overlay lowers)
    std::string runtime;         // runtime binary path
    std::string runtimeName;     // "berth-runtime", "runc", ...
    bool started = false;        // start was ever attempted (else status "created")
    bool autoRemove = false;
    int stopTimeout = 10;
    std::string stopSignal = "SIGTERM";
    std::string restartPolicy = "no";
    nlohmann::json config;       // inspect's Config
    nlohmann::json hostConfig;   // inspect's HostConfig
    nlohmann::json mounts = nlohmann::json::array();  // inspect's Mounts

    nlohmann::json toJson() const;
    static ContainerRecord fromJson(const nlohmann::json& j);
};

// Now as RFC 3339 with nanoseconds, as Docker prints times ("2026-11-29T02:41:17.123456789Z").
std::string rfc3339NanoNow(int64_t* nsOut = nullptr);
// Parses what rfc3339NanoNow/the monitor write back into unix nanoseconds; 0 for the zero time.
int64_t parseRfc3339Nano(const std::string& text);

}  // namespace berth::engine
