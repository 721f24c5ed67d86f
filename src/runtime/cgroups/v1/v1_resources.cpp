// linux.resources → cgroup v1 files (config-linux.md; kernel Documentation/admin-guide/
// cgroup-v1/*.rst; write order and fallbacks as runc libcontainer/cgroups/fs/*.go).
#include "common/error.hpp"
#include "common/log.hpp"
#include "runtime/cgroups/device_rules.hpp"
#include "runtime/cgroups/v1/cgroup_v1_manager.hpp"

namespace berth::runtime::cgroups {
namespace {

std::string dev(int64_t major, int64_t minor) {
    return std::to_string(major) + ":" + std::to_string(minor);
}

}  // namespace

void CgroupV1Manager::applyMemory(const oci::MemoryResources& m, bool update) {
    std::string dir = need("memory", "memory");
    auto file = [&](const char* f) { return dir + "/" + f; };
    int64_t limit = m.limit.value_or(0);
    int64_t swap = m.swap.value_or(0);

    if (update && m.checkBeforeUpdate.value_or(false) && limit > 0) {
        uint64_t usage = parseUint(fs_.read(file("memory.usage_in_bytes")));
        if (uint64_t(limit) < usage)
            throw Error("memory.limit " + std::to_string(limit) + " is below current usage " +
                        std::to_string(usage) + " (checkBeforeUpdate)");
    }
    bool haveMemsw = fs_.exists(file("memory.memsw.limit_in_bytes"));
    // Unlimited memory with swap unset: unlimited swap too (runc setMemoryAndSwap).
    if (limit == -1 && swap == 0 && haveMemsw) swap = -1;
    if (swap != 0 && !haveMemsw)
        throw Error(
            "memory.swap: swap accounting is off on this host "
            "(no memory.memsw.limit_in_bytes; boot with swapaccount=1)");
    auto setLimit = [&] {
        if (limit != 0) fs_.write(file("memory.limit_in_bytes"), std::to_string(limit));
    };
    auto setSwap = [&] {
        if (swap != 0) fs_.write(file("memory.memsw.limit_in_bytes"), std::to_string(swap));
    };
    // The kernel keeps limit <= memsw at every step: raise memsw first when growing.
    bool swapFirst = false;
    if (limit != 0 && swap != 0) {
        uint64_t current = parseLimit(fs_.read(file("memory.limit_in_bytes")), UINT64_MAX);
        swapFirst = swap == -1 || current < uint64_t(swap);
    }
    if (swapFirst) {
        setSwap();
        setLimit();
    } else {
        setLimit();
        setSwap();
    }
    if (m.reservation && *m.reservation != 0)
        fs_.write(file("memory.soft_limit_in_bytes"), std::to_string(*m.reservation));
    // memory.kmem.limit_in_bytes is deprecated and ignored by the kernel (5.16+): tolerated.
    if (m.kernel && *m.kernel != 0)
        logDebug("memory.kernel ignored: kernel memory limits are gone");
    if (m.kernelTCP && *m.kernelTCP != 0 && fs_.exists(file("memory.kmem.tcp.limit_in_bytes")))
        fs_.write(file("memory.kmem.tcp.limit_in_bytes"), std::to_string(*m.kernelTCP));
    if (m.disableOOMKiller) fs_.write(file("memory.oom_control"), *m.disableOOMKiller ? "1" : "0");
    if (m.swappiness) fs_.write(file("memory.swappiness"), std::to_string(*m.swappiness));
    // Hierarchy is always on in modern kernels; writing 0 is refused, so only 1 is passed on.
    if (m.useHierarchy.value_or(false) && fs_.exists(file("memory.use_hierarchy")))
        fs_.write(file("memory.use_hierarchy"), "1");
}

void CgroupV1Manager::applyCpu(const oci::CpuResources& c) {
    bool anyCpu = c.shares || c.quota || c.period || c.burst || c.realtimeRuntime ||
                  c.realtimePeriod || c.idle;
    if (anyCpu) {
        std::string dir = need("cpu", "cpu");
        auto file = [&](const char* f) { return dir + "/" + f; };
        if (c.shares && *c.shares != 0) {
            fs_.write(file("cpu.shares"), std::to_string(*c.shares));
            // The kernel clamps silently; say so instead (runc does the same check).
            uint64_t got = parseUint(fs_.read(file("cpu.shares")));
            if (got != *c.shares)
                throw Error("cpu.shares: the kernel set " + std::to_string(got) + " instead of " +
                            std::to_string(*c.shares));
        }
        // A shorter period can be refused (EINVAL) while the old quota is in place: then set it
        // again after the quota, like runc.
        bool periodPending = false;
        if (c.period && *c.period != 0) {
            try {
                fs_.write(file("cpu.cfs_period_us"), std::to_string(*c.period));
            } catch (const Error& e) {
                if (e.errnum() != EINVAL || c.quota.value_or(0) == 0) throw;
                periodPending = true;
            }
        }
        if (c.quota && *c.quota != 0) {
            fs_.write(file("cpu.cfs_quota_us"), std::to_string(*c.quota));
            if (periodPending) fs_.write(file("cpu.cfs_period_us"), std::to_string(*c.period));
        }
        if (c.burst) fs_.write(file("cpu.cfs_burst_us"), std::to_string(*c.burst));
        if (c.realtimePeriod && *c.realtimePeriod != 0)
            fs_.write(file("cpu.rt_period_us"), std::to_string(*c.realtimePeriod));
        if (c.realtimeRuntime && *c.realtimeRuntime != 0)
            fs_.write(file("cpu.rt_runtime_us"), std::to_string(*c.realtimeRuntime));
        if (c.idle) fs_.write(file("cpu.idle"), std::to_string(*c.idle));
    }
    if (!c.cpus.empty()) fs_.write(need("cpuset", "cpu.cpus") + "/cpuset.cpus", c.cpus);
    if (!c.mems.empty()) fs_.write(need("cpuset", "cpu.mems") + "/cpuset.mems", c.mems);
}

void CgroupV1Manager::applyBlkio(const oci::BlockIoResources& b) {
    std::string dir = need("blkio", "blockIO");
    auto file = [&](const std::string& f) { return dir + "/" + f; };
    // CFQ's blkio.weight is gone with the legacy block layer; BFQ offers blkio.bfq.weight.
    bool cfq = fs_.exists(file("blkio.weight"));
    std::string weightFile = cfq ? "blkio.weight" : "blkio.bfq.weight";
    std::string weightDeviceFile = cfq ? "blkio.weight_device" : "blkio.bfq.weight_device";
    if (b.weight && *b.weight != 0) fs_.write(file(weightFile), std::to_string(*b.weight));
    if (b.leafWeight && *b.leafWeight != 0)
        fs_.write(file("blkio.leaf_weight"), std::to_string(*b.leafWeight));
    for (auto& wd : b.weightDevice) {
        if (wd.weight && *wd.weight != 0)
            fs_.write(file(weightDeviceFile),
                      dev(wd.major, wd.minor) + " " + std::to_string(*wd.weight));
        if (wd.leafWeight && *wd.leafWeight != 0)
            fs_.write(file("blkio.leaf_weight_device"),
                      dev(wd.major, wd.minor) + " " + std::to_string(*wd.leafWeight));
    }
    auto throttle = [&](const std::vector<oci::ThrottleDevice>& list, const char* f) {
        for (auto& t : list)
            fs_.write(file(f), dev(t.major, t.minor) + " " + std::to_string(t.rate));
    };
    throttle(b.throttleReadBpsDevice, "blkio.throttle.read_bps_device");
    throttle(b.throttleWriteBpsDevice, "blkio.throttle.write_bps_device");
    throttle(b.throttleReadIOPSDevice, "blkio.throttle.read_iops_device");
    throttle(b.throttleWriteIOPSDevice, "blkio.throttle.write_iops_device");
}

void CgroupV1Manager::applyHugetlb(const std::vector<oci::HugepageLimit>& limits) {
    std::string dir = need("hugetlb", "hugepageLimits");
    for (auto& h : limits) {
        std::string file = dir + "/hugetlb." + h.pageSize + ".limit_in_bytes";
        if (!fs_.exists(file))
            throw Error("hugepageLimits: page size " + h.pageSize + " not supported here (no " +
                        file + ")");
        fs_.write(file, std::to_string(h.limit));
        std::string rsvd = dir + "/hugetlb." + h.pageSize + ".rsvd.limit_in_bytes";
        if (fs_.exists(rsvd)) fs_.write(rsvd, std::to_string(h.limit));
    }
}

void CgroupV1Manager::applyNetwork(const oci::NetworkResources& n) {
    if (n.classID)
        fs_.write(need("net_cls", "network.classID") + "/net_cls.classid",
                  std::to_string(*n.classID));
    for (auto& [iface, prio] : n.priorities)
        fs_.write(need("net_prio", "network.priorities") + "/net_prio.ifpriomap",
                  iface + " " + std::to_string(prio));
}

void CgroupV1Manager::applyDevices(const std::vector<oci::DeviceRule>& rules) {
    std::string dir = need("devices", "devices");
    // The list's meaning (device_rules.hpp): a reset rule "a *:* rwm" sets the default and the
    // rules after it refine it; v1 expresses the reset as "a" written to devices.deny/allow.
    size_t first = 0;
    for (size_t i = 0; i < rules.size(); ++i) {
        const auto& r = rules[i];
        if (r.type == 'a' && r.major == -1 && r.minor == -1 &&
            r.access.find('r') != std::string::npos && r.access.find('w') != std::string::npos &&
            r.access.find('m') != std::string::npos)
            first = i;
    }
    for (size_t i = first; i < rules.size(); ++i) {
        const auto& r = rules[i];
        fs_.write(dir + (r.allow ? "/devices.allow" : "/devices.deny"), v1DeviceRuleString(r));
    }
}

void CgroupV1Manager::apply(const oci::LinuxResources& r, bool update) {
    oci::LinuxResources forUnified;  // what only the hybrid host's cgroup2 part can take
    if (r.memory) withContext("memory", [&] { applyMemory(*r.memory, update); });
    if (r.cpu) withContext("cpu", [&] { applyCpu(*r.cpu); });
    if (r.pids)
        fs_.write(need("pids", "pids") + "/pids.max",
                  r.pids->limit > 0 ? std::to_string(r.pids->limit) : "max");
    if (r.blockIO) withContext("blockIO", [&] { applyBlkio(*r.blockIO); });
    if (!r.hugepageLimits.empty()) {
        if (dirOf("hugetlb").empty() && unified_ &&
            unified_->availableControllers().count("hugetlb"))
            forUnified.hugepageLimits = r.hugepageLimits;  // hybrid: hugetlb is bound to v2
        else
            applyHugetlb(r.hugepageLimits);
    }
    if (r.network) withContext("network", [&] { applyNetwork(*r.network); });
    if (!r.devices.empty()) withContext("devices", [&] { applyDevices(r.devices); });
    for (auto& [device, l] : r.rdma) {
        std::string value = device;
        value += " hca_handle=" + (l.hcaHandles ? std::to_string(*l.hcaHandles) : "max");
        value += " hca_object=" + (l.hcaObjects ? std::to_string(*l.hcaObjects) : "max");
        fs_.write(need("rdma", "rdma." + device) + "/rdma.max", value);
    }
    if (!r.unified.empty()) {
        // runc refuses `unified` on v1; on a hybrid host the keys whose controller is in the
        // cgroup2 hierarchy can be honoured there (applyUnified checks each one).
        if (!unified_) throw Error("unified: needs cgroup v2, and this host has only v1");
        forUnified.unified = r.unified;
    }
    if (!forUnified.hugepageLimits.empty() || !forUnified.unified.empty())
        unified_->apply(forUnified, update);
}

}  // namespace berth::runtime::cgroups
