// Resource usage of a container's cgroup, shaped like runc's events types
// (runc/types/events.go) so `berth-runtime events --stats` prints what tools parsing
// `runc events --stats` expect. Zero values are omitted where runc's fields are omitempty.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace berth::runtime::cgroups {

struct CpuUsage {
    uint64_t total = 0;  // ns
    std::vector<uint64_t> percpu, percpuKernel, percpuUser;
    uint64_t kernel = 0, user = 0;  // ns
};

struct CpuThrottling {
    uint64_t periods = 0, throttledPeriods = 0, throttledTime = 0;  // ns
};

struct CpuStats {
    CpuUsage usage;
    CpuThrottling throttling;
};

struct MemoryEntry {
    uint64_t limit = 0, usage = 0, max = 0, failcnt = 0;
};

struct MemoryStats {
    uint64_t cache = 0;
    MemoryEntry usage, swap, kernel, kernelTCP;
    std::map<std::string, uint64_t> raw;  // memory.stat counters
};

struct PidsStats {
    uint64_t current = 0, limit = 0;  // limit 0: unlimited
};

struct BlkioEntry {
    uint64_t major = 0, minor = 0;
    std::string op;
    uint64_t value = 0;
};

struct BlkioStats {
    std::vector<BlkioEntry> ioServiceBytesRecursive, ioServicedRecursive, ioQueuedRecursive,
        ioServiceTimeRecursive, ioWaitTimeRecursive, ioMergedRecursive, ioTimeRecursive,
        sectorsRecursive;
};

struct HugetlbStats {
    uint64_t usage = 0, max = 0, failcnt = 0;
};

struct CgroupStats {
    CpuStats cpu;
    MemoryStats memory;
    PidsStats pids;
    BlkioStats blkio;
    std::map<std::string, HugetlbStats> hugetlb;  // page size ("2MB") → usage
};

nlohmann::json toJson(const CgroupStats& s);

// Helpers shared by both backends' stat readers.
// "key value\n" lines (memory.stat, cpu.stat) → map.
std::map<std::string, uint64_t> parseFlatKeyed(const std::string& text);
// "max" (or a negative v1 value) → unlimited; otherwise the number; throws on garbage.
uint64_t parseLimit(const std::string& text, uint64_t unlimited);
uint64_t parseUint(const std::string& text);

}  // namespace berth::runtime::cgroups
