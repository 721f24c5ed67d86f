#include "runtime/cgroups/text_fields.hpp"
#include "runtime/cgroups/cgroup_stats.hpp"


#include "common/error.hpp"
#include "common/strings.hpp"

namespace berth::runtime::cgroups {
namespace {

using nlohmann::json;

// Go's omitempty for numbers and slices.
void putIf(json& j, const char* key, uint64_t v) {
    if (v) j[key] = v;
}
void putIf(json& j, const char* key, const std::vector<uint64_t>& v) {
    if (!v.empty()) j[key] = v;
}

json memoryEntry(const MemoryEntry& e) {
    json j = {{"limit", e.limit}, {"failcnt", e.failcnt}};
    putIf(j, "usage", e.usage);
    putIf(j, "max", e.max);
    return j;
}

json blkioList(const std::vector<BlkioEntry>& list) {
    json arr = json::array();
    for (auto& e : list) {
        json j = json::object();
        putIf(j, "major", e.major);
        putIf(j, "minor", e.minor);
        if (!e.op.empty()) j["op"] = e.op;
        putIf(j, "value", e.value);
        arr.push_back(j);
    }
    return arr;
}

}  // namespace

json toJson(const CgroupStats& s) {
    json usage = {{"kernel", s.cpu.usage.kernel}, {"user", s.cpu.usage.user}};
    putIf(usage, "total", s.cpu.usage.total);
    putIf(usage, "percpu", s.cpu.usage.percpu);
    putIf(usage, "percpu_kernel", s.cpu.usage.percpuKernel);
    putIf(usage, "percpu_user", s.cpu.usage.percpuUser);
    json throttling = json::object();
    putIf(throttling, "periods", s.cpu.throttling.periods);
    putIf(throttling, "throttled_periods", s.cpu.throttling.throttledPeriods);
    putIf(throttling, "throttled_time", s.cpu.throttling.throttledTime);

    json memory = {{"usage", memoryEntry(s.memory.usage)},
                   {"swap", memoryEntry(s.memory.swap)},
                   {"kernel", memoryEntry(s.memory.kernel)},
                   {"kernelTCP", memoryEntry(s.memory.kernelTCP)}};
    putIf(memory, "cache", s.memory.cache);
    if (!s.memory.raw.empty()) memory["raw"] = s.memory.raw;

    json pids = json::object();
    putIf(pids, "current", s.pids.current);
    putIf(pids, "limit", s.pids.limit);

    json blkio = json::object();
    auto putList = [&](const char* key, const std::vector<BlkioEntry>& l) {
        if (!l.empty()) blkio[key] = blkioList(l);
    };
    putList("ioServiceBytesRecursive", s.blkio.ioServiceBytesRecursive);
    putList("ioServicedRecursive", s.blkio.ioServicedRecursive);
    putList("ioQueueRecursive", s.blkio.ioQueuedRecursive);
    putList("ioServiceTimeRecursive", s.blkio.ioServiceTimeRecursive);
    putList("ioWaitTimeRecursive", s.blkio.ioWaitTimeRecursive);
    putList("ioMergedRecursive", s.blkio.ioMergedRecursive);
    putList("ioTimeRecursive", s.blkio.ioTimeRecursive);
    putList("sectorsRecursive", s.blkio.sectorsRecursive);

    json hugetlb = json::object();
    for (auto& [size, h] : s.hugetlb) {
        json e = {{"failcnt", h.failcnt}};
        putIf(e, "usage", h.usage);
        putIf(e, "max", h.max);
        hugetlb[size] = e;
    }

    return json{{"cpu", {{"usage", usage}, {"throttling", throttling}}},
                {"memory", memory},
                {"pids", pids},
                {"blkio", blkio},
                {"hugetlb", hugetlb},
                {"intel_rdt", json::object()},
                {"network_interfaces", nullptr}};
}

uint64_t parseUint(const std::string& text) {
    std::string t = trim(text);
    if (t.empty() || t.find_first_not_of("0123456789") != std::string::npos)
        throw Error("expected a number, got \"" + t + "\"");
    return std::stoull(t);
}

uint64_t parseLimit(const std::string& text, uint64_t unlimited) {
    std::string t = trim(text);
    if (t == "max") return unlimited;
    if (!t.empty() && t[0] == '-') return unlimited;
    return parseUint(t);
}

std::map<std::string, uint64_t> parseFlatKeyed(const std::string& text) {
    std::map<std::string, uint64_t> out;
    auto f = textFields(text);
    for (size_t i = 0; i + 1 < f.size(); i += 2) {
        const std::string& value = f[i + 1];
        if (value.find_first_not_of("0123456789") == std::string::npos && !value.empty())
            out[f[i]] = std::stoull(value);
    }
    return out;
}

}  // namespace berth::runtime::cgroups
