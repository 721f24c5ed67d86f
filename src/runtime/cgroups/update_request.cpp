#include "runtime/cgroups/update_request.hpp"

#include <cctype>
#include <limits>

#include "common/error.hpp"
#include "common/strings.hpp"

namespace berth::runtime::cgroups {
namespace {

int64_t parseInt(const std::string& flag, const std::string& text) {
    try {
        size_t used = 0;
        long long v = std::stoll(text, &used, 10);
        if (used != text.size()) throw std::invalid_argument(text);
        return v;
    } catch (const std::exception&) {
        throw Error("--" + flag + ": \"" + text + "\" is not an integer");
    }
}

uint64_t parseUnsigned(const std::string& flag, const std::string& text) {
    int64_t v = parseInt(flag, text);
    if (v < 0) throw Error("--" + flag + ": " + text + " must not be negative");
    return uint64_t(v);
}

}  // namespace

const std::vector<std::string>& updateFlagNames() {
    static const std::vector<std::string> names = {
        "memory",      "memory-swap", "memory-reservation", "kernel-memory", "kernel-memory-tcp",
        "cpu-shares",  "cpu-quota",   "cpu-period",         "cpu-rt-period", "cpu-rt-runtime",
        "cpuset-cpus", "cpuset-mems", "pids-limit",         "blkio-weight",  "cpu-idle",
        "cpu-burst"};
    return names;
}

int64_t parseByteSize(const std::string& text) {
    std::string t = trim(text);
    if (t == "-1") return -1;
    size_t i = 0;
    while (i < t.size() && (std::isdigit(static_cast<unsigned char>(t[i])) || t[i] == '.')) ++i;
    if (i == 0) throw Error("\"" + text + "\" is not a size like 64m");
    double number = std::stod(t.substr(0, i));
    std::string unit;
    for (char c : t.substr(i)) unit += char(std::tolower(static_cast<unsigned char>(c)));
    if (!unit.empty() && unit.back() == 'b') unit.pop_back();
    if (unit.size() > 1 && unit.back() == 'i') unit.pop_back();  // "MiB"
    double mult = 1;
    if (unit == "k")
        mult = 1024.0;
    else if (unit == "m")
        mult = 1024.0 * 1024;
    else if (unit == "g")
        mult = 1024.0 * 1024 * 1024;
    else if (unit == "t")
        mult = 1024.0 * 1024 * 1024 * 1024;
    else if (unit == "p")
        mult = 1024.0 * 1024 * 1024 * 1024 * 1024;
    else if (!unit.empty())
        throw Error("\"" + text + "\": unknown size unit");
    double bytes = number * mult;
    if (bytes > double(std::numeric_limits<int64_t>::max()))
        throw Error("\"" + text + "\" is too large");
    return int64_t(bytes);
}

oci::LinuxResources resourcesFromUpdateFlags(const std::map<std::string, std::string>& flags) {
    oci::LinuxResources r;
    auto has = [&](const char* f) { return flags.count(f) > 0; };
    auto bytes = [&](const char* f) {
        return withContext(std::string("--") + f, [&] { return parseByteSize(flags.at(f)); });
    };
    if (has("memory") || has("memory-swap") || has("memory-reservation") || has("kernel-memory") ||
        has("kernel-memory-tcp")) {
        oci::MemoryResources m;
        if (has("memory")) m.limit = bytes("memory");
        if (has("memory-swap")) m.swap = bytes("memory-swap");
        if (has("memory-reservation")) m.reservation = bytes("memory-reservation");
        if (has("kernel-memory")) m.kernel = bytes("kernel-memory");
        if (has("kernel-memory-tcp")) m.kernelTCP = bytes("kernel-memory-tcp");
        r.memory = m;
    }
    if (has("cpu-shares") || has("cpu-quota") || has("cpu-period") || has("cpu-rt-period") ||
        has("cpu-rt-runtime") || has("cpuset-cpus") || has("cpuset-mems") || has("cpu-idle") ||
        has("cpu-burst")) {
        oci::CpuResources c;
        if (has("cpu-shares")) c.shares = parseUnsigned("cpu-shares", flags.at("cpu-shares"));
        if (has("cpu-quota")) c.quota = parseInt("cpu-quota", flags.at("cpu-quota"));
        if (has("cpu-period")) c.period = parseUnsigned("cpu-period", flags.at("cpu-period"));
        if (has("cpu-burst")) c.burst = parseUnsigned("cpu-burst", flags.at("cpu-burst"));
        if (has("cpu-rt-period"))
            c.realtimePeriod = parseUnsigned("cpu-rt-period", flags.at("cpu-rt-period"));
        if (has("cpu-rt-runtime"))
            c.realtimeRuntime = parseInt("cpu-rt-runtime", flags.at("cpu-rt-runtime"));
        if (has("cpu-idle")) c.idle = parseInt("cpu-idle", flags.at("cpu-idle"));
        if (has("cpuset-cpus")) c.cpus = flags.at("cpuset-cpus");
        if (has("cpuset-mems")) c.mems = flags.at("cpuset-mems");
        r.cpu = c;
    }
    if (has("pids-limit"))
        r.pids = oci::PidsResources{parseInt("pids-limit", flags.at("pids-limit"))};
    if (has("blkio-weight")) {
        uint64_t w = parseUnsigned("blkio-weight", flags.at("blkio-weight"));
        if (w > 65535)
            throw Error("--blkio-weight: " + std::to_string(w) + " out of range 10..1000");
        oci::BlockIoResources b;
        b.weight = uint16_t(w);
        r.blockIO = b;
    }
    // Same range rules as config.json; name the flag rather than the JSON field.
    static const std::map<std::string, std::string> fieldToFlag = {
        {"update.memory.limit", "--memory"},
        {"update.memory.swap", "--memory-swap"},
        {"update.memory.reservation", "--memory-reservation"},
        {"update.memory.kernel", "--kernel-memory"},
        {"update.memory.kernelTCP", "--kernel-memory-tcp"},
        {"update.cpu.shares", "--cpu-shares"},
        {"update.cpu.quota", "--cpu-quota"},
        {"update.cpu.period", "--cpu-period"},
        {"update.cpu.burst", "--cpu-burst"},
        {"update.cpu.realtimeRuntime", "--cpu-rt-runtime"},
        {"update.cpu.idle", "--cpu-idle"},
        {"update.cpu.cpus", "--cpuset-cpus"},
        {"update.cpu.mems", "--cpuset-mems"},
        {"update.blockIO.weight", "--blkio-weight"}};
    try {
        oci::validateLinuxResources(r, "update");
    } catch (const Error& e) {
        std::string msg = e.what();
        auto colon = msg.find(':');
        auto it = fieldToFlag.find(msg.substr(0, colon));
        if (it != fieldToFlag.end()) throw Error(it->second + msg.substr(colon));
        throw;
    }
    return r;
}

}  // namespace berth::runtime::cgroups
