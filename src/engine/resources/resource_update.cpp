#include "engine/resources/resource_update.hpp"

#include "common/error.hpp"

namespace berth::engine {

using nlohmann::json;

namespace {

int64_t num(const json& hc, const char* key) {
    auto it = hc.find(key);
    if (it == hc.end() || !it->is_number()) return 0;
    return it->get<int64_t>();
}

}  // namespace

void applyUpdateToHostConfig(json& hc, const ResourceUpdate& u) {
    // moby daemon/daemon_unix.go verifyPlatformContainerResources + container.UpdateContainer.
    if (u.memory && *u.memory != 0 && *u.memory < 6 * 1024 * 1024)
        throw Error("Minimum memory limit allowed is 6MB");
    if (u.memoryReservation && *u.memoryReservation != 0 && *u.memoryReservation < 6 * 1024 * 1024)
        throw Error("Minimum memory reservation allowed is 6MB");
    if (u.memory && u.memorySwap && *u.memorySwap > 0 && *u.memorySwap < *u.memory)
        throw Error("Minimum memoryswap limit should be larger than memory limit, see usage");
    if (u.blkioWeight && *u.blkioWeight != 0 && (*u.blkioWeight < 10 || *u.blkioWeight > 1000))
        throw Error("Range of blkio weight is from 10 to 1000");
    if (u.cpuShares && *u.cpuShares < 0) throw Error("invalid CPU shares: must be a positive value");
    if (u.nanoCpus && (u.cpuPeriod || u.cpuQuota))
        throw Error("Conflicting options: Nano CPUs and CPU Period cannot both be set");
    bool nanoSet = num(hc, "NanoCpus") > 0;
    if (u.nanoCpus && *u.nanoCpus > 0 && num(hc, "CpuPeriod") > 0)
        throw Error("Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set");
    if (u.nanoCpus && *u.nanoCpus > 0 && num(hc, "CpuQuota") > 0)
        throw Error("Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set");
    if (u.cpuPeriod && *u.cpuPeriod > 0 && nanoSet)
        throw Error("Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set");
    if (u.cpuQuota && *u.cpuQuota > 0 && nanoSet)
        throw Error("Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set");
    if (u.restartPolicy && hc.value("AutoRemove", false) && *u.restartPolicy != "no")
        throw Error("Restart policy cannot be updated because AutoRemove is enabled for the container");

    if (u.blkioWeight && *u.blkioWeight) hc["BlkioWeight"] = *u.blkioWeight;
    if (u.cpuShares && *u.cpuShares) hc["CpuShares"] = *u.cpuShares;
    if (u.nanoCpus && *u.nanoCpus) hc["NanoCpus"] = *u.nanoCpus;
    if (u.cpuPeriod && *u.cpuPeriod) hc["CpuPeriod"] = *u.cpuPeriod;
    if (u.cpuQuota && *u.cpuQuota) hc["CpuQuota"] = *u.cpuQuota;
    if (u.cpusetCpus && !u.cpusetCpus->empty()) hc["CpusetCpus"] = *u.cpusetCpus;
    if (u.cpusetMems && !u.cpusetMems->empty()) hc["CpusetMems"] = *u.cpusetMems;
    if (u.memory && *u.memory) {
        // A larger limit than the set memory+swap needs a new --memory-swap too.
        if (*u.memory > num(hc, "MemorySwap") && (!u.memorySwap || *u.memorySwap == 0))
            throw Error("Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time");
        hc["Memory"] = *u.memory;
    }
    if (u.memorySwap && *u.memorySwap) hc["MemorySwap"] = *u.memorySwap;
    if (u.memoryReservation && *u.memoryReservation) hc["MemoryReservation"] = *u.memoryReservation;
    if (u.pidsLimit) hc["PidsLimit"] = *u.pidsLimit;
    if (u.restartPolicy) {
        std::string name = *u.restartPolicy;
        int retries = 0;
        auto colon = name.find(':');
        if (colon != std::string::npos) {
            retries = std::atoi(name.c_str() + colon + 1);
            name = name.substr(0, colon);
        }
        hc["RestartPolicy"] = {{"Name", name}, {"MaximumRetryCount", retries}};
    }
}

json linuxResourcesFor(const json& hc) {
    json r = json::object();
    json memory = json::object();
    if (int64_t m = num(hc, "Memory"); m > 0) {
        memory["limit"] = m;
        if (int64_t s = num(hc, "MemorySwap"); s != 0) memory["swap"] = s;
    }
    if (int64_t m = num(hc, "MemoryReservation"); m > 0) memory["reservation"] = m;
    if (!memory.empty()) r["memory"] = memory;
    json cpu = json::object();
    if (int64_t s = num(hc, "CpuShares"); s > 0) cpu["shares"] = s;
    if (int64_t n = num(hc, "NanoCpus"); n > 0) {
        cpu["period"] = 100000;
        cpu["quota"] = n * 100000 / 1'000'000'000;
    } else {
        if (int64_t p = num(hc, "CpuPeriod"); p > 0) cpu["period"] = p;
        if (int64_t q = num(hc, "CpuQuota"); q != 0) cpu["quota"] = q;
    }
    if (auto c = hc.value("CpusetCpus", ""); !c.empty()) cpu["cpus"] = c;
    if (auto m = hc.value("CpusetMems", ""); !m.empty()) cpu["mems"] = m;
    if (!cpu.empty()) r["cpu"] = cpu;
    if (hc.contains("PidsLimit") && hc["PidsLimit"].is_number()) {
        int64_t p = hc["PidsLimit"].get<int64_t>();
        r["pids"] = {{"limit", p > 0 ? p : -1}};
    }
    if (int64_t w = num(hc, "BlkioWeight"); w > 0) r["blockIO"] = {{"weight", w}};
    return r;
}

}  // namespace berth::engine
