// linux.resources → cgroup v2 files, with the v1→v2 conversions runc and crun apply
// (config-linux.md; runc libcontainer/cgroups/fs2/*.go; crun src/libcrun/cgroup-resources.c).
#include <cmath>

#include "common/error.hpp"
#include "common/log.hpp"
#include "runtime/cgroups/device_rules.hpp"
#include "runtime/cgroups/v2/cgroup_v2_manager.hpp"

namespace berth::runtime::cgroups {
namespace {

// -1 → "max"; other values as decimal.
std::string limitString(int64_t v) {
    return v == -1 ? "max" : std::to_string(v);
}

std::string dev(int64_t major, int64_t minor) {
    return std::to_string(major) + ":" + std::to_string(minor);
}

}  // namespace

uint64_t cpuSharesToWeight(uint64_t shares) {
    if (shares == 0) return 0;
    if (shares <= 2) return 1;
    if (shares >= 262144) return 10000;
    double l = std::log2(double(shares));
    // Quadratic in log2(shares) through (2,1), (1024,100), (262144,10000).
    double exponent = (l * l + 125 * l) / 612.0 - 7.0 / 34.0;
    return uint64_t(std::ceil(std::pow(10, exponent)));
}

uint64_t blkioWeightToIoWeight(uint64_t weight) {
    if (weight == 0) return 0;
    return 1 + (weight - 10) * 9999 / 990;
}

int64_t memorySwapToV2(int64_t swap, int64_t limit) {
    // runc ConvertMemorySwapToCgroupV2Value: the spec's swap is memory+swap, v2's is swap alone.
    if (limit == -1 && swap == 0) return -1;  // unlimited memory, swap unset: both unlimited
    if (swap == -1 || swap == 0) return swap;
    if (limit == -1) return swap;
    if (limit == 0) throw Error("memory.swap: can't set a swap limit without a memory limit");
    if (swap < limit) throw Error("memory.swap: memory+swap limit is below memory.limit");
    return swap - limit;
}

void CgroupV2Manager::applyMemory(const oci::MemoryResources& m, bool update) {
    int64_t limit = m.limit.value_or(0);
    if (update && m.checkBeforeUpdate.value_or(false) && limit > 0) {
        uint64_t usage = parseUint(fs_.read(path("memory.current")));
        if (uint64_t(limit) < usage)
            throw Error("memory.limit " + std::to_string(limit) + " is below current usage " +
                        std::to_string(usage) + " (checkBeforeUpdate)");
    }
    if (m.swap || limit == -1) {
        int64_t swap = memorySwapToV2(m.swap.value_or(0), limit);
        std::string value = swap == 0 ? "" : limitString(swap);
        if (swap == 0 && m.swap.value_or(0) > 0) value = "0";  // swap == limit: no swap at all
        if (!value.empty()) {
            if (!fs_.exists(path("memory.swap.max"))) {
                if (swap != -1)
                    throw Error("memory.swap: swap accounting is off (no memory.swap.max)");
            } else {
                write("memory.swap.max", value);
            }
        }
    }
    if (limit != 0) write("memory.max", limitString(limit));
    if (m.reservation && *m.reservation != 0) write("memory.low", limitString(*m.reservation));
    // kernel/kernelTCP/swappiness/disableOOMKiller/useHierarchy have no v2 file: runc and crun
    // ignore them there too.
    if (m.swappiness || m.disableOOMKiller.value_or(false))
        logDebug("cgroup v2: memory.swappiness/disableOOMKiller ignored (no v2 equivalent)");
}

void CgroupV2Manager::applyCpu(const oci::CpuResources& c) {
    if (c.realtimeRuntime.value_or(0) != 0 || c.realtimePeriod.value_or(0) != 0)
        throw Error("cpu.realtimeRuntime/realtimePeriod: not supported on cgroup v2");
    if (c.idle) write("cpu.idle", std::to_string(*c.idle));
    if (c.shares && *c.shares != 0)
        write("cpu.weight", std::to_string(cpuSharesToWeight(*c.shares)));
    if (c.quota.value_or(0) != 0 || c.period.value_or(0) != 0) {
        std::string value = c.quota.value_or(0) > 0 ? std::to_string(*c.quota) : "max";
        if (c.period.value_or(0) != 0) value += " " + std::to_string(*c.period);
        write("cpu.max", value);
    }
    if (c.burst) write("cpu.max.burst", std::to_string(*c.burst));
    if (!c.cpus.empty()) write("cpuset.cpus", c.cpus);
    if (!c.mems.empty()) write("cpuset.mems", c.mems);
}

void CgroupV2Manager::applyIo(const oci::BlockIoResources& b) {
    bool bfq = fs_.exists(path("io.bfq.weight"));
    if (b.weight && *b.weight != 0) {
        // BFQ takes the v1 range [1..1000] as is; io.weight wants [1..10000].
        if (bfq)
            write("io.bfq.weight", std::to_string(*b.weight));
        else
            write("io.weight", std::to_string(blkioWeightToIoWeight(*b.weight)));
    }
    for (auto& wd : b.weightDevice) {
        if (!wd.weight || *wd.weight == 0) continue;
        if (bfq)
            write("io.bfq.weight", dev(wd.major, wd.minor) + " " + std::to_string(*wd.weight));
        else
            write("io.weight", dev(wd.major, wd.minor) + " " +
                                   std::to_string(blkioWeightToIoWeight(*wd.weight)));
    }
    auto throttle = [&](const std::vector<oci::ThrottleDevice>& list, const char* key) {
        for (auto& t : list)
            write("io.max", dev(t.major, t.minor) + " " + key + "=" + std::to_string(t.rate));
    };
    throttle(b.throttleReadBpsDevice, "rbps");
    throttle(b.throttleWriteBpsDevice, "wbps");
    throttle(b.throttleReadIOPSDevice, "riops");
    throttle(b.throttleWriteIOPSDevice, "wiops");
}

void CgroupV2Manager::applyHugetlb(const std::vector<oci::HugepageLimit>& limits) {
    for (auto& h : limits) {
        std::string file = "hugetlb." + h.pageSize + ".max";
        if (!fs_.exists(path(file)))
            throw Error("hugepageLimits: page size " + h.pageSize + " not supported here (no " +
                        file + " in " + dir_ + ")");
        write(file, std::to_string(h.limit));
        // Reservations are charged separately (Linux 5.7); keep both in step, as runc does.
        std::string rsvd = "hugetlb." + h.pageSize + ".rsvd.max";
        if (fs_.exists(path(rsvd))) write(rsvd, std::to_string(h.limit));
    }
}

void CgroupV2Manager::applyUnified(const std::map<std::string, std::string>& unified) {
    auto controllers = availableControllers();
    for (auto& [key, value] : unified) {
        std::string controller = key.substr(0, key.find('.'));
        if (controller != "cgroup" && !controllers.count(controller))
            throw Error("unified." + key + ": controller \"" + controller +
                        "\" is not available in " + dir_);
        if (!fs_.exists(path(key)))
            throw Error("unified." + key + ": no such cgroup file in " + dir_);
        withContext("unified." + key, [&] { write(key, value); });
    }
}

void CgroupV2Manager::apply(const oci::LinuxResources& r, bool update) {
    withContext("cgroup " + dir_, [&] {
        if (r.memory) withContext("memory", [&] { applyMemory(*r.memory, update); });
        if (r.cpu) withContext("cpu", [&] { applyCpu(*r.cpu); });
        if (r.pids) write("pids.max", r.pids->limit > 0 ? std::to_string(r.pids->limit) : "max");
        if (r.blockIO) withContext("blockIO", [&] { applyIo(*r.blockIO); });
        if (!r.hugepageLimits.empty()) applyHugetlb(r.hugepageLimits);
        for (auto& [device, l] : r.rdma) {
            std::string value = device;
            value += " hca_handle=" + (l.hcaHandles ? std::to_string(*l.hcaHandles) : "max");
            value += " hca_object=" + (l.hcaObjects ? std::to_string(*l.hcaObjects) : "max");
            withContext("rdma." + device, [&] { write("rdma.max", value); });
        }
        if (r.network && (r.network->classID || !r.network->priorities.empty()))
            logWarn("cgroup v2 has no net_cls/net_prio: linux.resources.network ignored");
        // The v2 device controller is an eBPF program on the cgroup (cgroup-v2.rst "Device
        // controller"); runc and crun build it by hand, as we do.
        if (!r.devices.empty())
            withContext("devices",
                        [&] { fs_.replaceDeviceFilter(dir_, deviceFilterProgram(r.devices)); });
        if (!r.unified.empty()) applyUnified(r.unified);
    });
}

}  // namespace berth::runtime::cgroups
