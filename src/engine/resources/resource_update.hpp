// What `docker update` may change on a container: cgroup limits (applied live through the
// runtime, kept in HostConfig and the bundle for the next start) and the restart policy.
// Unset fields stay as they are (moby container.UpdateContainer).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace berth::engine {

struct ResourceUpdate {
    std::optional<int64_t> memory, memorySwap, memoryReservation;  // bytes; swap -1 = unlimited
    std::optional<int64_t> nanoCpus, cpuShares, cpuPeriod, cpuQuota;
    std::optional<std::string> cpusetCpus, cpusetMems;
    std::optional<int64_t> pidsLimit;  // <= 0: unlimited
    std::optional<int64_t> blkioWeight;
    std::optional<std::string> restartPolicy;  // "no", "always", "on-failure:3", ...

    bool empty() const {
        return !memory && !memorySwap && !memoryReservation && !nanoCpus && !cpuShares &&
               !cpuPeriod && !cpuQuota && !cpusetCpus && !cpusetMems && !pidsLimit &&
               !blkioWeight && !restartPolicy;
    }
};

// Merges u into a HostConfig (Docker's inspect shape) with moby's checks; throws Error with
// Docker's texts ("Memory limit should be smaller than already set memoryswap limit, ...").
void applyUpdateToHostConfig(nlohmann::json& hostConfig, const ResourceUpdate& u);

// The OCI linux.resources for a HostConfig's limits (what the runtime's update -r reads), only
// the fields that are set.
nlohmann::json linuxResourcesFor(const nlohmann::json& hostConfig);

}  // namespace berth::engine
