#include "runtime/seccomp/seccomp_profile.hpp"

#include <sys/utsname.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>

#include "common/error.hpp"

namespace berth::runtime {
namespace {

using nlohmann::json;

bool contains(const json& list, const std::string& value) {
    if (!list.is_array()) return false;
    return std::any_of(list.begin(), list.end(), [&](const json& e) {
        return e.is_string() && e.get<std::string>() == value;
    });
}

bool containsAny(const std::vector<std::string>& have, const std::string& value) {
    return std::find(have.begin(), have.end(), value) != have.end();
}

struct KernelVersion {
    int major = 0, minor = 0;
    bool operator>=(const KernelVersion& o) const {
        return major != o.major ? major > o.major : minor >= o.minor;
    }
};

std::optional<KernelVersion> parseKernel(const std::string& s) {
    KernelVersion v;
    if (std::sscanf(s.c_str(), "%d.%d", &v.major, &v.minor) != 2) return std::nullopt;
    return v;
}

// moby's native arch names → the seccomp arch keyed in archMap.
const std::map<std::string, std::string>& nativeToSeccomp() {
    static const std::map<std::string, std::string> m{
        {"x86", "SCMP_ARCH_X86"},           {"amd64", "SCMP_ARCH_X86_64"},
        {"arm", "SCMP_ARCH_ARM"},           {"arm64", "SCMP_ARCH_AARCH64"},
        {"mips64", "SCMP_ARCH_MIPS64"},     {"mips64n32", "SCMP_ARCH_MIPS64N32"},
        {"mipsel64", "SCMP_ARCH_MIPSEL64"}, {"mipsel64n32", "SCMP_ARCH_MIPSEL64N32"},
        {"ppc64le", "SCMP_ARCH_PPC64LE"},   {"s390x", "SCMP_ARCH_S390X"},
        {"riscv64", "SCMP_ARCH_RISCV64"}};
    return m;
}

// Does the condition block `cond` (includes or excludes) hold? Every present criterion must.
// For includes, all listed caps must be held; for excludes, any held cap triggers.
bool kernelAtLeast(const json& cond, const char* where, const KernelVersion& kernel) {
    auto it = cond.find("minKernel");
    if (it == cond.end() || it->is_null()) return false;
    if (!it->is_string()) throw Error(std::string(where) + ".minKernel: expected a string");
    auto v = parseKernel(it->get<std::string>());
    if (!v)
        throw Error(std::string(where) + ".minKernel: bad kernel version \"" +
                    it->get<std::string>() + "\"");
    return kernel >= *v;
}

bool ruleApplies(const json& rule, const std::string& field, const ProfileTarget& t,
                 const KernelVersion& kernel) {
    if (auto ex = rule.find("excludes"); ex != rule.end() && ex->is_object()) {
        std::string w = field + ".excludes";
        if (contains(ex->value("arches", json::array()), t.arch)) return false;
        for (auto& c : ex->value("caps", json::array()))
            if (c.is_string() && containsAny(t.capabilities, c.get<std::string>())) return false;
        if (kernelAtLeast(*ex, w.c_str(), kernel)) return false;
    }
    if (auto in = rule.find("includes"); in != rule.end() && in->is_object()) {
        std::string w = field + ".includes";
        json arches = in->value("arches", json::array());
        if (!arches.empty() && !contains(arches, t.arch)) return false;
        for (auto& c : in->value("caps", json::array()))
            if (!c.is_string() || !containsAny(t.capabilities, c.get<std::string>())) return false;
        if (in->contains("minKernel") && !(*in)["minKernel"].is_null() &&
            !kernelAtLeast(*in, w.c_str(), kernel))
            return false;
    }
    return true;
}

std::string hostKernelRelease() {
    utsname u{};
    uname(&u);
    return u.release;
}

}  // namespace

std::string hostProfileArch() {
    utsname u{};
    uname(&u);
    std::string m = u.machine;
    if (m == "x86_64") return "amd64";
    if (m == "aarch64") return "arm64";
    if (m == "i386" || m == "i686") return "x86";
    if (m.rfind("armv", 0) == 0) return "arm";
    return m;  // ppc64le, s390x, riscv64, mips64 match moby's names
}

json profileToOciSeccomp(const json& profile, const ProfileTarget& target) {
    if (!profile.is_object()) throw Error("seccomp profile: expected an object");
    ProfileTarget t = target;
    if (t.arch.empty()) t.arch = hostProfileArch();
    std::string release = t.kernelRelease.empty() ? hostKernelRelease() : t.kernelRelease;
    auto kernel = parseKernel(release);
    if (!kernel) throw Error("kernel release \"" + release + "\": not a version");

    json out = json::object();
    if (!profile.contains("defaultAction")) throw Error("seccomp profile.defaultAction: required");
    out["defaultAction"] = profile["defaultAction"];
    for (const char* key : {"defaultErrnoRet", "flags", "listenerPath", "listenerMetadata"})
        if (profile.contains(key) && !profile[key].is_null()) out[key] = profile[key];

    bool hasArchs = profile.contains("architectures") && !profile["architectures"].empty() &&
                    !profile["architectures"].is_null();
    bool hasMap =
        profile.contains("archMap") && profile["archMap"].is_array() && !profile["archMap"].empty();
    if (hasArchs && hasMap)
        throw Error("seccomp profile: both \"architectures\" and \"archMap\" are set; use one");
    if (hasArchs) out["architectures"] = profile["architectures"];
    if (hasMap) {
        json archs = json::array();
        auto native = nativeToSeccomp().find(t.arch);
        for (auto& entry : profile["archMap"]) {
            if (native == nativeToSeccomp().end()) break;
            if (entry.value("architecture", "") != native->second) continue;
            archs.push_back(native->second);
            if (entry.contains("subArchitectures") && entry["subArchitectures"].is_array())
                for (auto& sub : entry["subArchitectures"]) archs.push_back(sub);
        }
        out["architectures"] = archs;
    }

    json calls = json::array();
    const json& rules = profile.contains("syscalls") ? profile["syscalls"] : json::array();
    if (!rules.is_array()) throw Error("seccomp profile.syscalls: expected an array");
    for (size_t i = 0; i < rules.size(); ++i) {
        const json& rule = rules[i];
        std::string field = "seccomp profile.syscalls[" + std::to_string(i) + "]";
        if (!rule.is_object()) throw Error(field + ": expected an object");
        json names = rule.value("names", json::array());
        if (rule.contains("name") && rule["name"].is_string()) {
            if (!names.empty())
                throw Error(field + ": \"name\" and \"names\" are both set; use \"names\"");
            names = json::array({rule["name"]});
        }
        if (!ruleApplies(rule, field, t, *kernel)) continue;
        json call{{"names", names}, {"action", rule.value("action", "")}};
        if (rule.contains("errnoRet") && !rule["errnoRet"].is_null())
            call["errnoRet"] = rule["errnoRet"];
        if (rule.contains("args") && rule["args"].is_array() && !rule["args"].empty())
            call["args"] = rule["args"];
        calls.push_back(std::move(call));
    }
    out["syscalls"] = std::move(calls);
    return out;
}

json defaultOciSeccomp(const ProfileTarget& target) {
    return profileToOciSeccomp(defaultSeccompProfile(), target);
}

json defaultOciSeccompForConfig(const json& config) {
    ProfileTarget t;
    auto proc = config.find("process");
    if (proc != config.end() && proc->is_object()) {
        auto caps = proc->find("capabilities");
        if (caps != proc->end() && caps->is_object() && caps->contains("bounding") &&
            (*caps)["bounding"].is_array())
            for (auto& c : (*caps)["bounding"])
                if (c.is_string()) t.capabilities.push_back(c.get<std::string>());
    }
    return defaultOciSeccomp(t);
}

}  // namespace berth::runtime
