// Usage statistics from cgroup v1 files, in runc's shape (runc libcontainer/cgroups/fs/*.go).
#include <unistd.h>


#include "runtime/cgroups/text_fields.hpp"
#include "common/strings.hpp"
#include "runtime/cgroups/v1/cgroup_v1_manager.hpp"

namespace berth::runtime::cgroups {
namespace {

std::vector<uint64_t> numbers(const std::string& text) {
    std::vector<uint64_t> out;
    for (const auto& f : textFields(text)) {
        uint64_t v;
        if (!parseUnsignedField(f, v)) break;  // as `in >> v` stops
        out.push_back(v);
    }
    return out;
}

// "254:0 Read 4096" lines; the "Total N" line is skipped.
std::vector<BlkioEntry> blkioEntries(const std::string& text) {
    std::vector<BlkioEntry> out;
    for (const auto& line : textLines(text)) {
        auto f = split(trim(line), ' ');
        if (f.size() != 3) continue;
        auto mm = split(f[0], ':');
        if (mm.size() != 2) continue;
        out.push_back({std::stoull(mm[0]), std::stoull(mm[1]), f[1], std::stoull(f[2])});
    }
    return out;
}

}  // namespace

CgroupStats CgroupV1Manager::stats() {
    CgroupStats s;
    auto readIf = [&](const std::string& dir, const std::string& f) -> std::string {
        if (dir.empty() || !fs_.exists(dir + "/" + f)) return {};
        return fs_.read(dir + "/" + f);
    };
    auto num = [&](const std::string& dir, const std::string& f) -> uint64_t {
        std::string t = readIf(dir, f);
        return t.empty() ? 0 : parseLimit(t, 0);
    };

    std::string cpuacct = dirOf("cpuacct");
    s.cpu.usage.total = num(cpuacct, "cpuacct.usage");
    s.cpu.usage.percpu = numbers(readIf(cpuacct, "cpuacct.usage_percpu"));
    s.cpu.usage.percpuKernel = numbers(readIf(cpuacct, "cpuacct.usage_percpu_sys"));
    s.cpu.usage.percpuUser = numbers(readIf(cpuacct, "cpuacct.usage_percpu_user"));
    // cpuacct.stat is in USER_HZ ticks.
    auto ticks = parseFlatKeyed(readIf(cpuacct, "cpuacct.stat"));
    uint64_t nsPerTick = 1000000000ull / uint64_t(::sysconf(_SC_CLK_TCK));
    s.cpu.usage.user = ticks["user"] * nsPerTick;
    s.cpu.usage.kernel = ticks["system"] * nsPerTick;
    auto cpuStat = parseFlatKeyed(readIf(dirOf("cpu"), "cpu.stat"));
    s.cpu.throttling.periods = cpuStat["nr_periods"];
    s.cpu.throttling.throttledPeriods = cpuStat["nr_throttled"];
    s.cpu.throttling.throttledTime = cpuStat["throttled_time"];

    std::string mem = dirOf("memory");
    if (!mem.empty()) {
        s.memory.raw = parseFlatKeyed(readIf(mem, "memory.stat"));
        s.memory.cache = s.memory.raw["cache"];
        auto entry = [&](const std::string& prefix) {
            MemoryEntry e;
            e.usage = num(mem, prefix + "usage_in_bytes");
            e.max = num(mem, prefix + "max_usage_in_bytes");
            e.failcnt = num(mem, prefix + "failcnt");
            e.limit = num(mem, prefix + "limit_in_bytes");
            return e;
        };
        s.memory.usage = entry("memory.");
        s.memory.swap = entry("memory.memsw.");
        s.memory.kernel = entry("memory.kmem.");
        s.memory.kernelTCP = entry("memory.kmem.tcp.");
    }

    std::string pids = dirOf("pids");
    s.pids.current = num(pids, "pids.current");
    s.pids.limit = num(pids, "pids.max");  // "max" → 0 (unlimited), as runc reports it

    // BFQ's counters when it is the I/O scheduler, else the throttle layer's (always counted).
    std::string blkio = dirOf("blkio");
    for (const char* prefix : {"blkio.bfq.", "blkio.throttle."}) {
        auto bytes =
            blkioEntries(readIf(blkio, std::string(prefix) + "io_service_bytes_recursive"));
        auto ios = blkioEntries(readIf(blkio, std::string(prefix) + "io_serviced_recursive"));
        if (bytes.empty() && ios.empty()) continue;
        s.blkio.ioServiceBytesRecursive = bytes;
        s.blkio.ioServicedRecursive = ios;
        break;
    }

    std::string hugetlb = dirOf("hugetlb");
    if (!hugetlb.empty()) {
        for (auto& d : fs_.subdirs("/sys/kernel/mm/hugepages")) {
            if (!startsWith(d, "hugepages-")) continue;
            uint64_t kb = std::stoull(d.substr(10));
            std::string size = kb % (1024 * 1024) == 0 ? std::to_string(kb / 1024 / 1024) + "GB"
                               : kb % 1024 == 0        ? std::to_string(kb / 1024) + "MB"
                                                       : std::to_string(kb) + "KB";
            std::string p = "hugetlb." + size + ".";
            if (readIf(hugetlb, p + "usage_in_bytes").empty()) continue;
            s.hugetlb[size] = {num(hugetlb, p + "usage_in_bytes"),
                               num(hugetlb, p + "max_usage_in_bytes"), num(hugetlb, p + "failcnt")};
        }
    } else if (unified_) {
        s.hugetlb = unified_->stats().hugetlb;  // hybrid: hugetlb lives in cgroup2
    }
    return s;
}

}  // namespace berth::runtime::cgroups
