// One sample of a container's resource usage, as `docker stats` computes its columns from the
// daemon's stats (moby daemon/stats_unix.go + cli/command/container/stats_helpers.go):
//   CPU %      (Δ cgroup cpu time / Δ host cpu time) × online cpus × 100, over two samples
//   MEM USAGE  usage minus inactive file cache (v1 total_inactive_file, v2 inactive_file)
//   LIMIT      the cgroup limit, or the host's memory when unlimited (or above it)
//   BLOCK I/O  io_service_bytes Read / Write summed over devices
//   PIDS       pids.current
// Read from the cgroup v1 hierarchies or the v2 tree through runtime/cgroups (either backend).
#pragma once

#include <cstdint>
#include <string>

namespace berth::runtime::cgroups {
struct CgroupStats;
}

namespace berth::engine {

struct ContainerStats {
    bool running = false;
    uint64_t cpuTotalNs = 0;   // the cgroup's cpu time
    uint64_t systemCpuNs = 0;  // the host's (docker's system_cpu_usage, from /proc/stat)
    uint32_t onlineCpus = 0;
    uint64_t memUsage = 0;  // bytes, without the inactive file cache
    uint64_t memLimit = 0;  // bytes
    uint64_t blkRead = 0, blkWrite = 0;
    uint64_t netRx = 0, netTx = 0;  // 0: only --network none|host exist (docker shows 0B too)
    uint64_t pids = 0;
};

// The cgroup counters → the fields above (hostMemory caps an unlimited limit, as moby does).
ContainerStats containerStatsFrom(const runtime::cgroups::CgroupStats& s, uint64_t hostMemory);

// docker's CPU %: 0 unless both deltas are positive.
double cpuPercent(const ContainerStats& previous, const ContainerStats& now);
double memPercent(const ContainerStats& s);

// Sum of the "cpu " line of /proc/stat (user..softirq, as moby) in nanoseconds; the count of cpu lines.
uint64_t parseSystemCpuNs(const std::string& procStat, uint32_t* cpus = nullptr);

}  // namespace berth::engine
