#include "engine/resources/container_stats.hpp"

#include <unistd.h>

#include <optional>
#include <sstream>

#include "common/strings.hpp"
#include "runtime/cgroups/cgroup_stats.hpp"

namespace berth::engine {

ContainerStats containerStatsFrom(const runtime::cgroups::CgroupStats& s, uint64_t hostMemory) {
    ContainerStats c;
    c.running = true;
    c.cpuTotalNs = s.cpu.usage.total;
    uint64_t usage = s.memory.usage.usage;
    auto stat = [&](const char* key) -> std::optional<uint64_t> {
        auto it = s.memory.raw.find(key);
        if (it == s.memory.raw.end()) return std::nullopt;
        return it->second;
    };
    // cli/command/container/stats_helpers.go calculateMemUsageUnixNoCache
    if (auto v1 = stat("total_inactive_file"); v1 && *v1 < usage) {
        usage -= *v1;
    } else if (auto v2 = stat("inactive_file"); !v1 && v2 && *v2 < usage) {
        usage -= *v2;
    }
    c.memUsage = usage;
    c.memLimit = s.memory.usage.limit;
    if (hostMemory > 0 && (c.memLimit == 0 || c.memLimit > hostMemory)) c.memLimit = hostMemory;
    for (auto& e : s.blkio.ioServiceBytesRecursive) {
        std::string op = e.op;
        for (auto& ch : op) ch = char(std::tolower(static_cast<unsigned char>(ch)));
        if (op == "read") c.blkRead += e.value;
        if (op == "write") c.blkWrite += e.value;
    }
    c.pids = s.pids.current;
    return c;
}

double cpuPercent(const ContainerStats& previous, const ContainerStats& now) {
    double cpuDelta = double(now.cpuTotalNs) - double(previous.cpuTotalNs);
    double systemDelta = double(now.systemCpuNs) - double(previous.systemCpuNs);
    if (cpuDelta <= 0 || systemDelta <= 0) return 0;
    return cpuDelta / systemDelta * double(now.onlineCpus) * 100.0;
}

double memPercent(const ContainerStats& s) {
    if (s.memLimit == 0) return 0;
    return double(s.memUsage) / double(s.memLimit) * 100.0;
}

uint64_t parseSystemCpuNs(const std::string& procStat, uint32_t* cpus) {
    std::istringstream in(procStat);
    uint64_t total = 0;
    uint32_t n = 0;
    long tck = ::sysconf(_SC_CLK_TCK);
    if (tck <= 0) tck = 100;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("cpu", 0) != 0) continue;
        if (line.size() > 3 && line[3] != ' ') {
            ++n;
            continue;
        }
        // moby getSystemCPUUsage: user nice system idle iowait irq softirq (steal ignored).
        auto fields = split(trim(line.substr(3)), ' ');
        int used = 0;
        for (auto& f : fields) {
            if (f.empty()) continue;
            if (used++ == 7) break;
            total += std::stoull(f);
        }
    }
    if (cpus) *cpus = n;
    return total * (1'000'000'000ull / uint64_t(tck));
}

}  // namespace berth::engine
