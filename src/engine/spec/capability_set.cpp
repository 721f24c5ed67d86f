#include "engine/spec/capability_set.hpp"

#include <algorithm>
#include <cctype>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/strings.hpp"
#include "oci/capabilities.hpp"

namespace berth::engine {

const std::vector<std::string>& dockerDefaultCapabilities() {
    static const std::vector<std::string> caps = {
        "CAP_CHOWN",  "CAP_DAC_OVERRIDE", "CAP_FSETID",     "CAP_FOWNER",
        "CAP_MKNOD",  "CAP_NET_RAW",      "CAP_SETGID",     "CAP_SETUID",
        "CAP_SETFCAP", "CAP_SETPCAP",     "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
        "CAP_KILL",   "CAP_AUDIT_WRITE",
    };
    return caps;
}

std::vector<std::string> hostCapabilities() {
    int last = -1;
    try {
        last = std::stoi(trim(readFile("/proc/sys/kernel/cap_last_cap")));
    } catch (...) {
    }
    // Only what our bounding set still holds: a capability dropped from it (this VM's
    // CAP_SYS_RESOURCE) cannot be granted, and asking for it fails the start with EPERM, which is
    // what `docker run --privileged` does on such a host. Podman takes the bounding set too.
    uint64_t bounding = ~0ull;
    try {
        std::string status = readFile("/proc/self/status");
        auto pos = status.find("CapBnd:");
        if (pos != std::string::npos) bounding = std::stoull(status.substr(pos + 7), nullptr, 16);
    } catch (...) {
    }
    std::vector<std::string> out;
    for (auto& name : oci::allCapabilityNames()) {
        auto n = oci::capabilityNumber(name);
        if (!n || (last >= 0 && *n > last)) continue;
        if (*n < 64 && !(bounding & (1ull << *n))) continue;
        out.push_back(name);
    }
    return out;
}

std::string normalizeCapability(const std::string& name) {
    std::string up;
    for (char c : name) up += char(std::toupper(static_cast<unsigned char>(c)));
    if (up == "ALL") return up;
    if (!startsWith(up, "CAP_")) up = "CAP_" + up;
    if (!oci::capabilityNumber(up)) throw Error("unknown capability: \"" + up + "\"");
    return up;
}

namespace {

std::vector<std::string> normalizeList(const std::vector<std::string>& in, const char* which) {
    std::vector<std::string> out;
    for (auto& c : in) {
        try {
            auto n = normalizeCapability(c);
            if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
        } catch (Error& e) {
            throw Error(std::string("invalid ") + which + ": " + e.what());
        }
    }
    return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

std::vector<std::string> tweakCapabilities(const std::vector<std::string>& addIn,
                                           const std::vector<std::string>& dropIn,
                                           bool privileged) {
    auto add = normalizeList(addIn, "CapAdd");
    auto drop = normalizeList(dropIn, "CapDrop");
    if (privileged) return hostCapabilities();
    std::vector<std::string> caps;
    if (contains(add, "ALL")) {
        for (auto& c : hostCapabilities())
            if (!contains(drop, c)) caps.push_back(c);
    } else if (contains(drop, "ALL")) {
        caps = add;
    } else {
        for (auto& c : dockerDefaultCapabilities())
            if (!contains(drop, c)) caps.push_back(c);
        for (auto& c : add)
            if (!contains(caps, c)) caps.push_back(c);
    }
    return caps;
}

}  // namespace berth::engine
