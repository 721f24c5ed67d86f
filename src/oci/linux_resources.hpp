// linux.resources (config-linux.md "Control groups") as C++ types.
//
// parseLinuxResources() types the JSON that oci::Linux::resources keeps, and validates ranges,
// so a bad value is refused before any cgroup exists. Every error names the JSON field
// ("linux.resources.memory.swappiness: 150 out of range 0..100"). The same parser reads the
// file `berth-runtime update -r` takes (prefix "resources"). An absent field is "leave as is":
// update applies only what is present.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace berth::oci {

struct MemoryResources {
    std::optional<int64_t> limit;        // bytes, -1 unlimited
    std::optional<int64_t> reservation;  // soft limit
    std::optional<int64_t> swap;         // memory+swap (v1 semantics), -1 unlimited
    std::optional<int64_t> kernel;       // deprecated by the kernel: tolerated, not applied
    std::optional<int64_t> kernelTCP;
    std::optional<uint64_t> swappiness;  // 0..100
    std::optional<bool> disableOOMKiller;
    std::optional<bool> useHierarchy;
    std::optional<bool> checkBeforeUpdate;  // update: refuse a limit below current usage
};

struct CpuResources {
    std::optional<uint64_t> shares;  // v1 cpu.shares 2..262144
    std::optional<int64_t> quota;    // µs per period, -1 unlimited
    std::optional<uint64_t> burst;   // µs
    std::optional<uint64_t> period;  // µs, 1000..1000000
    std::optional<int64_t> realtimeRuntime;
    std::optional<uint64_t> realtimePeriod;
    std::string cpus;  // "0-3,5"; empty: unset
    std::string mems;
    std::optional<int64_t> idle;  // 0 or 1
};

struct PidsResources {
    int64_t limit = 0;  // <= 0: unlimited
};

struct WeightDevice {
    int64_t major = 0;
    int64_t minor = 0;
    std::optional<uint16_t> weight;
    std::optional<uint16_t> leafWeight;
};

struct ThrottleDevice {
    int64_t major = 0;
    int64_t minor = 0;
    uint64_t rate = 0;
};

struct BlockIoResources {
    std::optional<uint16_t> weight;      // 10..1000
    std::optional<uint16_t> leafWeight;  // 10..1000
    std::vector<WeightDevice> weightDevice;
    std::vector<ThrottleDevice> throttleReadBpsDevice;
    std::vector<ThrottleDevice> throttleWriteBpsDevice;
    std::vector<ThrottleDevice> throttleReadIOPSDevice;
    std::vector<ThrottleDevice> throttleWriteIOPSDevice;
};

struct HugepageLimit {
    std::string pageSize;  // "2MB", "1GB"
    uint64_t limit = 0;
};

struct NetworkResources {
    std::optional<uint32_t> classID;
    std::vector<std::pair<std::string, uint32_t>> priorities;  // interface, priority
};

struct DeviceRule {
    bool allow = false;
    char type = 'a';     // a, b, c
    int64_t major = -1;  // -1: any
    int64_t minor = -1;
    std::string access = "rwm";
};

struct RdmaLimit {
    std::optional<uint32_t> hcaHandles;
    std::optional<uint32_t> hcaObjects;
};

struct LinuxResources {
    std::optional<MemoryResources> memory;
    std::optional<CpuResources> cpu;
    std::optional<PidsResources> pids;
    std::optional<BlockIoResources> blockIO;
    std::vector<HugepageLimit> hugepageLimits;
    std::optional<NetworkResources> network;
    std::vector<DeviceRule> devices;
    std::map<std::string, std::string> unified;  // v2 file → value, written verbatim
    std::map<std::string, RdmaLimit> rdma;       // device name → limits
};

// Types and validates; throws berth::Error naming the field ("<prefix>.cpu.shares: ...").
LinuxResources parseLinuxResources(const nlohmann::json& json,
                                   const std::string& prefix = "linux.resources");

// Range checks alone (parseLinuxResources calls it); also for values built from CLI flags.
void validateLinuxResources(const LinuxResources& r, const std::string& prefix = "linux.resources");

// Is "0-3,5" a well-formed cpu/mem list? (cpuset syntax)
bool isValidCpusetList(const std::string& list);

}  // namespace berth::oci
