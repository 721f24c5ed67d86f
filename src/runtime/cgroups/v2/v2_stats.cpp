// Usage statistics from cgroup v2 files, in runc's shape (runc libcontainer/cgroups/fs2/*.go).
#include <limits>

#include "runtime/cgroups/text_fields.hpp"
#include "common/error.hpp"
#include "common/strings.hpp"
#include "runtime/cgroups/oom_watcher.hpp"
#include "runtime/cgroups/v2/cgroup_v2_manager.hpp"

namespace berth::runtime::cgroups {
namespace {

constexpr uint64_t kUnlimited = std::numeric_limits<uint64_t>::max();

// "hugepages-2048kB" → "2MB" (the spec's pageSize spelling).
std::string pageSizeName(const std::string& dirName) {
    uint64_t kb = std::stoull(dirName.substr(10));
    const char* units[] = {"KB", "MB", "GB", "TB", "PB"};
    int u = 0;
    while (kb >= 1024 && kb % 1024 == 0 && u < 4) {
        kb /= 1024;
        ++u;
    }
    return std::to_string(kb) + units[u];
}

}  // namespace

CgroupStats CgroupV2Manager::stats() {
    CgroupStats s;
    auto file = [&](const std::string& f) { return dir_ + "/" + f; };
    auto readIf = [&](const std::string& f) -> std::string {
        return fs_.exists(file(f)) ? fs_.read(file(f)) : std::string();
    };

    auto cpu = parseFlatKeyed(readIf("cpu.stat"));
    s.cpu.usage.total = cpu["usage_usec"] * 1000;
    s.cpu.usage.user = cpu["user_usec"] * 1000;
    s.cpu.usage.kernel = cpu["system_usec"] * 1000;
    s.cpu.throttling.periods = cpu["nr_periods"];
    s.cpu.throttling.throttledPeriods = cpu["nr_throttled"];
    s.cpu.throttling.throttledTime = cpu["throttled_usec"] * 1000;

    if (fs_.exists(file("memory.current"))) {
        s.memory.raw = parseFlatKeyed(readIf("memory.stat"));
        s.memory.cache = s.memory.raw["file"];
        s.memory.usage.usage = parseUint(fs_.read(file("memory.current")));
        s.memory.usage.limit = parseLimit(fs_.read(file("memory.max")), kUnlimited);
        std::string peak = readIf("memory.peak");
        if (!peak.empty()) s.memory.usage.max = parseUint(peak);
        s.memory.usage.failcnt = parseFlatKeyed(readIf("memory.events"))["max"];
        std::string swap = readIf("memory.swap.current");
        if (!swap.empty()) {
            // runc reports v2 swap as memory+swap, the v1 (memsw) meaning.
            s.memory.swap.usage = parseUint(swap) + s.memory.usage.usage;
            uint64_t swapMax = parseLimit(readIf("memory.swap.max"), kUnlimited);
            s.memory.swap.limit = (swapMax == kUnlimited || s.memory.usage.limit == kUnlimited)
                                      ? kUnlimited
                                      : swapMax + s.memory.usage.limit;
            s.memory.swap.failcnt = parseFlatKeyed(readIf("memory.swap.events"))["max"];
        }
    }

    std::string pidsCurrent = readIf("pids.current");
    if (!pidsCurrent.empty()) {
        s.pids.current = parseUint(pidsCurrent);
        s.pids.limit = parseLimit(readIf("pids.max"), 0);
    }

    // io.stat: "254:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0"
    for (const auto& line : textLines(readIf("io.stat"))) {
        auto fields = split(trim(line), ' ');
        if (fields.empty()) continue;
        auto mm = split(fields[0], ':');
        if (mm.size() != 2) continue;
        uint64_t major = std::stoull(mm[0]), minor = std::stoull(mm[1]);
        for (size_t i = 1; i < fields.size(); ++i) {
            auto kv = split(fields[i], '=');
            if (kv.size() != 2) continue;
            uint64_t v = std::stoull(kv[1]);
            if (kv[0] == "rbytes")
                s.blkio.ioServiceBytesRecursive.push_back({major, minor, "Read", v});
            if (kv[0] == "wbytes")
                s.blkio.ioServiceBytesRecursive.push_back({major, minor, "Write", v});
            if (kv[0] == "rios") s.blkio.ioServicedRecursive.push_back({major, minor, "Read", v});
            if (kv[0] == "wios") s.blkio.ioServicedRecursive.push_back({major, minor, "Write", v});
        }
    }

    for (auto& d : fs_.subdirs("/sys/kernel/mm/hugepages")) {
        if (!startsWith(d, "hugepages-")) continue;
        std::string size = pageSizeName(d);
        std::string current = readIf("hugetlb." + size + ".current");
        if (current.empty()) continue;
        HugetlbStats h;
        h.usage = parseUint(current);
        h.max = parseLimit(readIf("hugetlb." + size + ".max"), kUnlimited);
        h.failcnt = parseFlatKeyed(readIf("hugetlb." + size + ".events"))["max"];
        s.hugetlb[size] = h;
    }
    return s;
}

std::unique_ptr<OomWatcher> CgroupV2Manager::watchOom() {
    if (!fs_.exists(dir_ + "/memory.events"))
        throw Error("cgroup " + dir_ + ": no memory controller (memory.events) to watch for OOM");
    return makeV2OomWatcher(fs_, dir_);
}

}  // namespace berth::runtime::cgroups
