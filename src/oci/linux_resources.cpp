#include "oci/linux_resources.hpp"

#include <limits>

#include "common/error.hpp"

namespace berth::oci {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& field, const std::string& what) {
    throw Error(field + ": " + what);
}

const json* member(const json& obj, const std::string& key) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return nullptr;
    return &*it;
}

void requireObject(const json& j, const std::string& field) {
    if (!j.is_object()) fail(field, "expected an object");
}

int64_t asInt64(const json& j, const std::string& field) {
    if (j.is_number_unsigned()) {
        auto v = j.get<uint64_t>();
        if (v > uint64_t(std::numeric_limits<int64_t>::max())) fail(field, "integer out of range");
        return int64_t(v);
    }
    if (!j.is_number_integer()) fail(field, "expected integer");
    return j.get<int64_t>();
}

uint64_t asUint64(const json& j, const std::string& field) {
    if (j.is_number_unsigned()) return j.get<uint64_t>();
    if (j.is_number_integer())
        fail(field, std::to_string(j.get<int64_t>()) + " must not be negative");
    fail(field, "expected unsigned integer");
}

template <typename T>
T asUnsigned(const json& j, const std::string& field) {
    uint64_t v = asUint64(j, field);
    if (v > std::numeric_limits<T>::max())
        fail(field, std::to_string(v) + " out of range 0.." +
                        std::to_string(uint64_t(std::numeric_limits<T>::max())));
    return T(v);
}

bool asBool(const json& j, const std::string& field) {
    if (!j.is_boolean()) fail(field, "expected boolean");
    return j.get<bool>();
}

std::string asString(const json& j, const std::string& field) {
    if (!j.is_string()) fail(field, "expected string");
    return j.get<std::string>();
}

template <typename T, typename Fn>
void optField(const json& obj, const std::string& key, const std::string& prefix,
              std::optional<T>& out, Fn conv) {
    if (auto* v = member(obj, key)) out = conv(*v, prefix + "." + key);
}

MemoryResources parseMemory(const json& j, const std::string& p) {
    requireObject(j, p);
    MemoryResources m;
    optField(j, "limit", p, m.limit, asInt64);
    optField(j, "reservation", p, m.reservation, asInt64);
    optField(j, "swap", p, m.swap, asInt64);
    optField(j, "kernel", p, m.kernel, asInt64);
    optField(j, "kernelTCP", p, m.kernelTCP, asInt64);
    optField(j, "swappiness", p, m.swappiness, asUint64);
    optField(j, "disableOOMKiller", p, m.disableOOMKiller, asBool);
    optField(j, "useHierarchy", p, m.useHierarchy, asBool);
    optField(j, "checkBeforeUpdate", p, m.checkBeforeUpdate, asBool);
    return m;
}

CpuResources parseCpu(const json& j, const std::string& p) {
    requireObject(j, p);
    CpuResources c;
    optField(j, "shares", p, c.shares, asUint64);
    optField(j, "quota", p, c.quota, asInt64);
    optField(j, "burst", p, c.burst, asUint64);
    optField(j, "period", p, c.period, asUint64);
    optField(j, "realtimeRuntime", p, c.realtimeRuntime, asInt64);
    optField(j, "realtimePeriod", p, c.realtimePeriod, asUint64);
    optField(j, "idle", p, c.idle, asInt64);
    if (auto* v = member(j, "cpus")) c.cpus = asString(*v, p + ".cpus");
    if (auto* v = member(j, "mems")) c.mems = asString(*v, p + ".mems");
    return c;
}

void parseMajorMinor(const json& j, const std::string& p, int64_t& major, int64_t& minor) {
    auto* ma = member(j, "major");
    auto* mi = member(j, "minor");
    if (!ma) fail(p + ".major", "required");
    if (!mi) fail(p + ".minor", "required");
    major = asInt64(*ma, p + ".major");
    minor = asInt64(*mi, p + ".minor");
}

std::vector<ThrottleDevice> parseThrottle(const json& obj, const std::string& key,
                                          const std::string& prefix) {
    std::vector<ThrottleDevice> out;
    auto* arr = member(obj, key);
    if (!arr) return out;
    std::string p = prefix + "." + key;
    if (!arr->is_array()) fail(p, "expected an array");
    for (size_t i = 0; i < arr->size(); ++i) {
        std::string ep = p + "[" + std::to_string(i) + "]";
        const json& e = (*arr)[i];
        requireObject(e, ep);
        ThrottleDevice d;
        parseMajorMinor(e, ep, d.major, d.minor);
        auto* rate = member(e, "rate");
        if (!rate) fail(ep + ".rate", "required");
        d.rate = asUint64(*rate, ep + ".rate");
        out.push_back(d);
    }
    return out;
}

BlockIoResources parseBlockIo(const json& j, const std::string& p) {
    requireObject(j, p);
    BlockIoResources b;
    optField(j, "weight", p, b.weight, asUnsigned<uint16_t>);
    optField(j, "leafWeight", p, b.leafWeight, asUnsigned<uint16_t>);
    if (auto* arr = member(j, "weightDevice")) {
        if (!arr->is_array()) fail(p + ".weightDevice", "expected an array");
        for (size_t i = 0; i < arr->size(); ++i) {
            std::string ep = p + ".weightDevice[" + std::to_string(i) + "]";
            const json& e = (*arr)[i];
            requireObject(e, ep);
            WeightDevice d;
            parseMajorMinor(e, ep, d.major, d.minor);
            optField(e, "weight", ep, d.weight, asUnsigned<uint16_t>);
            optField(e, "leafWeight", ep, d.leafWeight, asUnsigned<uint16_t>);
            b.weightDevice.push_back(d);
        }
    }
    b.throttleReadBpsDevice = parseThrottle(j, "throttleReadBpsDevice", p);
    b.throttleWriteBpsDevice = parseThrottle(j, "throttleWriteBpsDevice", p);
    b.throttleReadIOPSDevice = parseThrottle(j, "throttleReadIOPSDevice", p);
    b.throttleWriteIOPSDevice = parseThrottle(j, "throttleWriteIOPSDevice", p);
    return b;
}

NetworkResources parseNetwork(const json& j, const std::string& p) {
    requireObject(j, p);
    NetworkResources n;
    optField(j, "classID", p, n.classID, asUnsigned<uint32_t>);
    if (auto* arr = member(j, "priorities")) {
        if (!arr->is_array()) fail(p + ".priorities", "expected an array");
        for (size_t i = 0; i < arr->size(); ++i) {
            std::string ep = p + ".priorities[" + std::to_string(i) + "]";
            const json& e = (*arr)[i];
            requireObject(e, ep);
            auto* name = member(e, "name");
            auto* prio = member(e, "priority");
            if (!name) fail(ep + ".name", "required");
            if (!prio) fail(ep + ".priority", "required");
            n.priorities.emplace_back(asString(*name, ep + ".name"),
                                      asUnsigned<uint32_t>(*prio, ep + ".priority"));
        }
    }
    return n;
}

DeviceRule parseDeviceRule(const json& e, const std::string& ep) {
    requireObject(e, ep);
    DeviceRule d;
    auto* allow = member(e, "allow");
    if (!allow) fail(ep + ".allow", "required");
    d.allow = asBool(*allow, ep + ".allow");
    if (auto* t = member(e, "type")) {
        std::string type = asString(*t, ep + ".type");
        if (type != "a" && type != "b" && type != "c")
            fail(ep + ".type", "\"" + type + "\" is not one of a, b, c");
        d.type = type[0];
    }
    if (auto* v = member(e, "major")) d.major = asInt64(*v, ep + ".major");
    if (auto* v = member(e, "minor")) d.minor = asInt64(*v, ep + ".minor");
    if (auto* v = member(e, "access")) {
        d.access = asString(*v, ep + ".access");
        if (d.access.empty()) d.access = "rwm";
    }
    return d;
}

}  // namespace

namespace {

// Hand-written matchers (std::regex alone added ~100 KB to berth-runtime).
bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// One or more digits at s[i]; advances i.
bool digits(const std::string& s, size_t& i) {
    size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
}

// N, N-M or N-M:used/group at s[i].
bool cpusetItem(const std::string& s, size_t& i) {
    if (!digits(s, i)) return false;
    if (i < s.size() && s[i] == '-') {
        ++i;
        if (!digits(s, i)) return false;
        if (i < s.size() && s[i] == ':') {
            ++i;
            if (!digits(s, i) || i >= s.size() || s[i] != '/') return false;
            ++i;
            if (!digits(s, i)) return false;
        }
    }
    return true;
}

}  // namespace

bool isValidCpusetList(const std::string& list) {
    // Kernel cpulist_parse syntax: comma-separated N or N-M (optionally N-M:used/group),
    // surrounding white space allowed.
    size_t i = 0;
    while (i < list.size() && isSpace(list[i])) ++i;
    if (!cpusetItem(list, i)) return false;
    while (i < list.size() && list[i] == ',') {
        ++i;
        if (!cpusetItem(list, i)) return false;
    }
    while (i < list.size() && isSpace(list[i])) ++i;
    return i == list.size();
}

namespace {

// "2MB", "1GB": [1-9][0-9]* then KB|MB|GB|TB|PB.
bool isHugepageSize(const std::string& s) {
    size_t i = 0;
    if (s.empty() || s[0] < '1' || s[0] > '9') return false;
    if (!digits(s, i)) return false;
    std::string unit = s.substr(i);
    return unit == "KB" || unit == "MB" || unit == "GB" || unit == "TB" || unit == "PB";
}

}  // namespace

LinuxResources parseLinuxResources(const json& j, const std::string& prefix) {
    requireObject(j, prefix);
    LinuxResources r;
    if (auto* v = member(j, "memory")) r.memory = parseMemory(*v, prefix + ".memory");
    if (auto* v = member(j, "cpu")) r.cpu = parseCpu(*v, prefix + ".cpu");
    if (auto* v = member(j, "pids")) {
        std::string p = prefix + ".pids";
        requireObject(*v, p);
        auto* limit = member(*v, "limit");
        if (!limit) fail(p + ".limit", "required");
        r.pids = PidsResources{asInt64(*limit, p + ".limit")};
    }
    if (auto* v = member(j, "blockIO")) r.blockIO = parseBlockIo(*v, prefix + ".blockIO");
    if (auto* arr = member(j, "hugepageLimits")) {
        std::string p = prefix + ".hugepageLimits";
        if (!arr->is_array()) fail(p, "expected an array");
        for (size_t i = 0; i < arr->size(); ++i) {
            std::string ep = p + "[" + std::to_string(i) + "]";
            const json& e = (*arr)[i];
            requireObject(e, ep);
            auto* size = member(e, "pageSize");
            auto* limit = member(e, "limit");
            if (!size) fail(ep + ".pageSize", "required");
            if (!limit) fail(ep + ".limit", "required");
            r.hugepageLimits.push_back(
                {asString(*size, ep + ".pageSize"), asUint64(*limit, ep + ".limit")});
        }
    }
    if (auto* v = member(j, "network")) r.network = parseNetwork(*v, prefix + ".network");
    if (auto* arr = member(j, "devices")) {
        std::string p = prefix + ".devices";
        if (!arr->is_array()) fail(p, "expected an array");
        for (size_t i = 0; i < arr->size(); ++i)
            r.devices.push_back(parseDeviceRule((*arr)[i], p + "[" + std::to_string(i) + "]"));
    }
    if (auto* u = member(j, "unified")) {
        std::string p = prefix + ".unified";
        requireObject(*u, p);
        for (auto& [key, value] : u->items()) r.unified[key] = asString(value, p + "." + key);
    }
    if (auto* rd = member(j, "rdma")) {
        std::string p = prefix + ".rdma";
        requireObject(*rd, p);
        for (auto& [dev, lim] : rd->items()) {
            std::string ep = p + "." + dev;
            requireObject(lim, ep);
            RdmaLimit l;
            optField(lim, "hcaHandles", ep, l.hcaHandles, asUnsigned<uint32_t>);
            optField(lim, "hcaObjects", ep, l.hcaObjects, asUnsigned<uint32_t>);
            r.rdma[dev] = l;
        }
    }
    validateLinuxResources(r, prefix);
    return r;
}

namespace {

void checkMinusOneOrPositive(const std::optional<int64_t>& v, const std::string& field) {
    if (v && *v < -1)
        fail(field, std::to_string(*v) + " is negative (only -1, unlimited, is allowed)");
}

void checkRange(uint64_t v, uint64_t lo, uint64_t hi, const std::string& field) {
    if (v < lo || v > hi)
        fail(field,
             std::to_string(v) + " out of range " + std::to_string(lo) + ".." + std::to_string(hi));
}

void checkWeight(const std::optional<uint16_t>& w, const std::string& field) {
    // blkio weights: the kernel's BLKIO_WEIGHT_MIN..MAX (CFQ/BFQ), 0 means unset.
    if (w && *w != 0) checkRange(*w, 10, 1000, field);
}

void checkDevice(int64_t major, int64_t minor, const std::string& field) {
    if (major < 0) fail(field + ".major", std::to_string(major) + " must not be negative");
    if (minor < 0) fail(field + ".minor", std::to_string(minor) + " must not be negative");
}

}  // namespace

void validateLinuxResources(const LinuxResources& r, const std::string& prefix) {
    if (auto& m = r.memory) {
        std::string p = prefix + ".memory";
        checkMinusOneOrPositive(m->limit, p + ".limit");
        checkMinusOneOrPositive(m->reservation, p + ".reservation");
        checkMinusOneOrPositive(m->swap, p + ".swap");
        checkMinusOneOrPositive(m->kernel, p + ".kernel");
        checkMinusOneOrPositive(m->kernelTCP, p + ".kernelTCP");
        if (m->swappiness) checkRange(*m->swappiness, 0, 100, p + ".swappiness");
        // swap is memory+swap (config-linux.md): it can't be below the memory limit.
        if (m->limit && m->swap && *m->limit > 0 && *m->swap > 0 && *m->swap < *m->limit)
            fail(p + ".swap", std::to_string(*m->swap) + " is below memory.limit " +
                                  std::to_string(*m->limit) + " (swap counts memory+swap)");
    }
    if (auto& c = r.cpu) {
        std::string p = prefix + ".cpu";
        // Kernel MIN_SHARES..MAX_SHARES (2..2^18); 0 means unset.
        if (c->shares && *c->shares != 0) checkRange(*c->shares, 2, 262144, p + ".shares");
        // CFS bandwidth: period 1ms..1s, quota >= 1ms (kernel/sched/core.c tg_set_cfs_bandwidth).
        if (c->period && *c->period != 0) checkRange(*c->period, 1000, 1000000, p + ".period");
        if (c->quota && *c->quota != 0 && *c->quota != -1) {
            if (*c->quota < 0)
                fail(p + ".quota", std::to_string(*c->quota) + " is negative (only -1 is allowed)");
            if (*c->quota < 1000) fail(p + ".quota", std::to_string(*c->quota) + " below 1000 µs");
        }
        if (c->burst && *c->burst != 0 && c->quota && *c->quota > 0 &&
            *c->burst > uint64_t(*c->quota))
            fail(p + ".burst",
                 std::to_string(*c->burst) + " exceeds quota " + std::to_string(*c->quota));
        checkMinusOneOrPositive(c->realtimeRuntime, p + ".realtimeRuntime");
        if (c->idle && *c->idle != 0 && *c->idle != 1)
            fail(p + ".idle", std::to_string(*c->idle) + " is not 0 or 1");
        if (!c->cpus.empty() && !isValidCpusetList(c->cpus))
            fail(p + ".cpus", "\"" + c->cpus + "\" is not a cpu list like 0-3,5");
        if (!c->mems.empty() && !isValidCpusetList(c->mems))
            fail(p + ".mems", "\"" + c->mems + "\" is not a node list like 0-1");
    }
    if (auto& b = r.blockIO) {
        std::string p = prefix + ".blockIO";
        checkWeight(b->weight, p + ".weight");
        checkWeight(b->leafWeight, p + ".leafWeight");
        for (size_t i = 0; i < b->weightDevice.size(); ++i) {
            std::string ep = p + ".weightDevice[" + std::to_string(i) + "]";
            checkDevice(b->weightDevice[i].major, b->weightDevice[i].minor, ep);
            checkWeight(b->weightDevice[i].weight, ep + ".weight");
            checkWeight(b->weightDevice[i].leafWeight, ep + ".leafWeight");
        }
        auto checkList = [&](const std::vector<ThrottleDevice>& l, const char* name) {
            for (size_t i = 0; i < l.size(); ++i)
                checkDevice(l[i].major, l[i].minor, p + "." + name + "[" + std::to_string(i) + "]");
        };
        checkList(b->throttleReadBpsDevice, "throttleReadBpsDevice");
        checkList(b->throttleWriteBpsDevice, "throttleWriteBpsDevice");
        checkList(b->throttleReadIOPSDevice, "throttleReadIOPSDevice");
        checkList(b->throttleWriteIOPSDevice, "throttleWriteIOPSDevice");
    }
    for (size_t i = 0; i < r.hugepageLimits.size(); ++i)
        if (!isHugepageSize(r.hugepageLimits[i].pageSize))
            fail(prefix + ".hugepageLimits[" + std::to_string(i) + "].pageSize",
                 "\"" + r.hugepageLimits[i].pageSize + "\" is not a size like 2MB or 1GB");
    for (size_t i = 0; i < r.devices.size(); ++i) {
        std::string ep = prefix + ".devices[" + std::to_string(i) + "]";
        const DeviceRule& d = r.devices[i];
        if (d.major < -1) fail(ep + ".major", std::to_string(d.major) + " is negative");
        if (d.minor < -1) fail(ep + ".minor", std::to_string(d.minor) + " is negative");
        if (d.access.find_first_not_of("rwm") != std::string::npos)
            fail(ep + ".access", "\"" + d.access + "\" has letters other than r, w, m");
    }
    for (auto& [key, value] : r.unified) {
        std::string ep = prefix + ".unified." + key;
        // A cgroup v2 interface file is "<controller>.<name>" directly in the cgroup dir.
        auto dot = key.find('.');
        if (key.find('/') != std::string::npos || dot == std::string::npos || dot == 0 ||
            dot + 1 == key.size() || key == "." || key == "..")
            fail(ep, "not a cgroup interface file name like memory.high");
        if (key == "cgroup.procs" || key == "cgroup.threads" || key == "cgroup.subtree_control")
            fail(ep, "managed by the runtime, can't be set");
        if (value.find('\0') != std::string::npos) fail(ep, "value contains NUL");
    }
}

}  // namespace berth::oci
