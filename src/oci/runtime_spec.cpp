// parseSpec: config.json → oci::Spec, checking types and the spec's MUSTs (config.md,
// config-linux.md). Every error names the field: "process.user.uid: expected an unsigned
// integer". Unknown fields are ignored (config.md "Extensibility").
#include "oci/runtime_spec.hpp"

#include <sys/stat.h>

#include <climits>
#include <cstdlib>
#include <limits>
#include <set>

#include "common/error.hpp"
#include "common/strings.hpp"
#include "oci/capabilities.hpp"
#include "oci/linux_resources.hpp"
#include "oci/seccomp_config.hpp"

namespace berth::oci {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& field, const std::string& what) {
    throw Error(field + ": " + what);
}

// A member that is present and not null (null counts as absent, as Go's decoders treat it).
const json* member(const json& obj, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return nullptr;
    return &*it;
}

const json& requireMember(const json& obj, const char* key, const std::string& prefix) {
    const json* v = member(obj, key);
    if (!v) fail(prefix.empty() ? key : prefix + "." + key, "required");
    return *v;
}

std::string sub(const std::string& prefix, const char* key) {
    return prefix.empty() ? key : prefix + "." + key;
}
std::string idx(const std::string& prefix, size_t i) {
    return prefix + "[" + std::to_string(i) + "]";
}

void requireObject(const json& j, const std::string& field) {
    if (!j.is_object()) fail(field, "expected an object");
}
void requireArray(const json& j, const std::string& field) {
    if (!j.is_array()) fail(field, "expected an array");
}

std::string asString(const json& j, const std::string& field) {
    if (!j.is_string()) fail(field, "expected a string");
    return j.get<std::string>();
}

bool asBool(const json& j, const std::string& field) {
    if (!j.is_boolean()) fail(field, "expected a boolean");
    return j.get<bool>();
}

template <typename T>
T asUnsigned(const json& j, const std::string& field) {
    if (j.is_number_unsigned()) {
        uint64_t v = j.get<uint64_t>();
        if (v > uint64_t(std::numeric_limits<T>::max()))
            fail(field, std::to_string(v) + " out of range 0.." +
                            std::to_string(uint64_t(std::numeric_limits<T>::max())));
        return T(v);
    }
    fail(field, "expected an unsigned integer");
}

template <typename T>
T asSigned(const json& j, const std::string& field) {
    int64_t v;
    if (j.is_number_unsigned()) {
        uint64_t u = j.get<uint64_t>();
        if (u > uint64_t(std::numeric_limits<int64_t>::max())) fail(field, "integer out of range");
        v = int64_t(u);
    } else if (j.is_number_integer()) {
        v = j.get<int64_t>();
    } else {
        fail(field, "expected an integer");
    }
    if (v < int64_t(std::numeric_limits<T>::min()) || v > int64_t(std::numeric_limits<T>::max()))
        fail(field, std::to_string(v) + " out of range");
    return T(v);
}

std::vector<std::string> asStrings(const json& j, const std::string& field) {
    requireArray(j, field);
    std::vector<std::string> out;
    out.reserve(j.size());
    for (size_t i = 0; i < j.size(); ++i) out.push_back(asString(j[i], idx(field, i)));
    return out;
}

void optString(const json& obj, const char* key, const std::string& prefix, std::string& out) {
    if (auto* v = member(obj, key)) out = asString(*v, sub(prefix, key));
}
void optBool(const json& obj, const char* key, const std::string& prefix, bool& out) {
    if (auto* v = member(obj, key)) out = asBool(*v, sub(prefix, key));
}
void optStrings(const json& obj, const char* key, const std::string& prefix,
                std::vector<std::string>& out) {
    if (auto* v = member(obj, key)) out = asStrings(*v, sub(prefix, key));
}

bool isAbsolute(const std::string& p) { return !p.empty() && p[0] == '/'; }

std::vector<IdMapping> parseIdMappings(const json& j, const std::string& field) {
    requireArray(j, field);
    std::vector<IdMapping> out;
    for (size_t i = 0; i < j.size(); ++i) {
        std::string p = idx(field, i);
        requireObject(j[i], p);
        IdMapping m;
        m.containerID = asUnsigned<uint32_t>(requireMember(j[i], "containerID", p),
                                             p + ".containerID");
        m.hostID = asUnsigned<uint32_t>(requireMember(j[i], "hostID", p), p + ".hostID");
        m.size = asUnsigned<uint32_t>(requireMember(j[i], "size", p), p + ".size");
        if (m.size == 0) fail(p + ".size", "must be greater than 0");
        out.push_back(m);
    }
    return out;
}

Root parseRoot(const json& j) {
    requireObject(j, "root");
    Root r;
    r.path = asString(requireMember(j, "path", "root"), "root.path");
    if (r.path.empty()) fail("root.path", "must not be empty");
    optBool(j, "readonly", "root", r.readonly);
    return r;
}

std::vector<Mount> parseMounts(const json& j) {
    requireArray(j, "mounts");
    std::vector<Mount> out;
    for (size_t i = 0; i < j.size(); ++i) {
        std::string p = idx("mounts", i);
        requireObject(j[i], p);
        Mount m;
        m.destination = asString(requireMember(j[i], "destination", p), p + ".destination");
        if (m.destination.empty()) fail(p + ".destination", "must not be empty");
        optString(j[i], "source", p, m.source);
        optString(j[i], "type", p, m.type);
        optStrings(j[i], "options", p, m.options);
        if (auto* v = member(j[i], "uidMappings"))
            m.uidMappings = parseIdMappings(*v, p + ".uidMappings");
        if (auto* v = member(j[i], "gidMappings"))
            m.gidMappings = parseIdMappings(*v, p + ".gidMappings");
        if (m.uidMappings.empty() != m.gidMappings.empty())
            fail(p, "uidMappings and gidMappings must be given together");
        out.push_back(std::move(m));
    }
    return out;
}

const std::set<std::string>& rlimitNames() {
    static const std::set<std::string> names{
        "RLIMIT_AS",     "RLIMIT_CORE",   "RLIMIT_CPU",    "RLIMIT_DATA",       "RLIMIT_FSIZE",
        "RLIMIT_LOCKS",  "RLIMIT_MEMLOCK", "RLIMIT_MSGQUEUE", "RLIMIT_NICE",    "RLIMIT_NOFILE",
        "RLIMIT_NPROC",  "RLIMIT_RSS",    "RLIMIT_RTPRIO", "RLIMIT_RTTIME",     "RLIMIT_SIGPENDING",
        "RLIMIT_STACK"};
    return names;
}

Capabilities parseCapabilities(const json& j, const std::string& p) {
    requireObject(j, p);
    Capabilities c;
    auto set = [&](const char* key, std::vector<std::string>& out) {
        optStrings(j, key, p, out);
        for (size_t i = 0; i < out.size(); ++i)
            if (!capabilityNumber(out[i]))
                fail(idx(sub(p, key), i), "unknown capability \"" + out[i] + "\"");
    };
    set("bounding", c.bounding);
    set("effective", c.effective);
    set("inheritable", c.inheritable);
    set("permitted", c.permitted);
    set("ambient", c.ambient);
    return c;
}

Process parseProcess(const json& j) {
    const std::string p = "process";
    requireObject(j, p);
    Process proc;
    optBool(j, "terminal", p, proc.terminal);
    if (auto* v = member(j, "consoleSize")) {
        requireObject(*v, "process.consoleSize");
        ConsoleSize cs;
        cs.height = asUnsigned<unsigned>(requireMember(*v, "height", "process.consoleSize"),
                                         "process.consoleSize.height");
        cs.width = asUnsigned<unsigned>(requireMember(*v, "width", "process.consoleSize"),
                                        "process.consoleSize.width");
        proc.consoleSize = cs;
    }
    const json& user = requireMember(j, "user", p);
    requireObject(user, "process.user");
    proc.user.uid = asUnsigned<uint32_t>(requireMember(user, "uid", "process.user"),
                                         "process.user.uid");
    proc.user.gid = asUnsigned<uint32_t>(requireMember(user, "gid", "process.user"),
                                         "process.user.gid");
    if (auto* v = member(user, "umask"))
        proc.user.umask = asUnsigned<uint32_t>(*v, "process.user.umask");
    if (auto* v = member(user, "additionalGids")) {
        requireArray(*v, "process.user.additionalGids");
        for (size_t i = 0; i < v->size(); ++i)
            proc.user.additionalGids.push_back(
                asUnsigned<uint32_t>((*v)[i], idx("process.user.additionalGids", i)));
    }
    optString(user, "username", "process.user", proc.user.username);

    // config.md: args is REQUIRED on POSIX platforms with at least one entry.
    const json& args = requireMember(j, "args", p);
    proc.args = asStrings(args, "process.args");
    if (proc.args.empty()) fail("process.args", "must have at least one entry");
    optStrings(j, "env", p, proc.env);
    for (size_t i = 0; i < proc.env.size(); ++i)
        if (proc.env[i].find('=') == std::string::npos)
            fail(idx("process.env", i), "\"" + proc.env[i] + "\" is not KEY=value");
    proc.cwd = asString(requireMember(j, "cwd", p), "process.cwd");
    if (!isAbsolute(proc.cwd)) fail("process.cwd", "\"" + proc.cwd + "\" must be an absolute path");
    if (auto* v = member(j, "capabilities"))
        proc.capabilities = parseCapabilities(*v, "process.capabilities");
    if (auto* v = member(j, "rlimits")) {
        requireArray(*v, "process.rlimits");
        std::set<std::string> seen;
        for (size_t i = 0; i < v->size(); ++i) {
            std::string rp = idx("process.rlimits", i);
            const json& e = (*v)[i];
            requireObject(e, rp);
            Rlimit r;
            r.type = asString(requireMember(e, "type", rp), rp + ".type");
            if (!rlimitNames().count(r.type)) fail(rp + ".type", "unknown rlimit \"" + r.type + "\"");
            if (!seen.insert(r.type).second) fail(rp + ".type", "duplicate rlimit " + r.type);
            r.hard = asUnsigned<uint64_t>(requireMember(e, "hard", rp), rp + ".hard");
            r.soft = asUnsigned<uint64_t>(requireMember(e, "soft", rp), rp + ".soft");
            if (r.soft > r.hard) fail(rp, "soft limit " + std::to_string(r.soft) +
                                              " is above the hard limit " + std::to_string(r.hard));
            proc.rlimits.push_back(r);
        }
    }
    optBool(j, "noNewPrivileges", p, proc.noNewPrivileges);
    optString(j, "apparmorProfile", p, proc.apparmorProfile);
    if (auto* v = member(j, "oomScoreAdj")) {
        int adj = asSigned<int>(*v, "process.oomScoreAdj");
        if (adj < -1000 || adj > 1000)
            fail("process.oomScoreAdj", std::to_string(adj) + " out of range -1000..1000");
        proc.oomScoreAdj = adj;
    }
    optString(j, "selinuxLabel", p, proc.selinuxLabel);
    if (auto* v = member(j, "ioPriority")) {
        std::string ip = "process.ioPriority";
        requireObject(*v, ip);
        IoPriority io;
        io.ioClass = asString(requireMember(*v, "class", ip), ip + ".class");
        if (io.ioClass != "IOPRIO_CLASS_RT" && io.ioClass != "IOPRIO_CLASS_BE" &&
            io.ioClass != "IOPRIO_CLASS_IDLE")
            fail(ip + ".class", "unknown class \"" + io.ioClass + "\"");
        if (auto* pr = member(*v, "priority")) io.priority = asSigned<int>(*pr, ip + ".priority");
        if (io.priority < 0 || io.priority > 7)
            fail(ip + ".priority", std::to_string(io.priority) + " out of range 0..7");
        proc.ioPriority = io;
    }
    if (auto* v = member(j, "scheduler")) {
        std::string sp = "process.scheduler";
        requireObject(*v, sp);
        Scheduler s;
        s.policy = asString(requireMember(*v, "policy", sp), sp + ".policy");
        static const std::set<std::string> policies{"SCHED_OTHER", "SCHED_FIFO", "SCHED_RR",
                                                    "SCHED_BATCH", "SCHED_ISO",  "SCHED_IDLE",
                                                    "SCHED_DEADLINE"};
        if (!policies.count(s.policy)) fail(sp + ".policy", "unknown policy \"" + s.policy + "\"");
        if (auto* x = member(*v, "nice")) s.nice = asSigned<int>(*x, sp + ".nice");
        if (auto* x = member(*v, "priority")) s.priority = asSigned<int>(*x, sp + ".priority");
        optStrings(*v, "flags", sp, s.flags);
        if (auto* x = member(*v, "runtime")) s.runtime = asUnsigned<uint64_t>(*x, sp + ".runtime");
        if (auto* x = member(*v, "deadline"))
            s.deadline = asUnsigned<uint64_t>(*x, sp + ".deadline");
        if (auto* x = member(*v, "period")) s.period = asUnsigned<uint64_t>(*x, sp + ".period");
        proc.scheduler = s;
    }
    return proc;
}

std::vector<Hook> parseHookList(const json& j, const std::string& field) {
    requireArray(j, field);
    std::vector<Hook> out;
    for (size_t i = 0; i < j.size(); ++i) {
        std::string p = idx(field, i);
        requireObject(j[i], p);
        Hook h;
        h.path = asString(requireMember(j[i], "path", p), p + ".path");
        if (!isAbsolute(h.path)) fail(p + ".path", "\"" + h.path + "\" must be an absolute path");
        optStrings(j[i], "args", p, h.args);
        optStrings(j[i], "env", p, h.env);
        if (auto* v = member(j[i], "timeout")) {
            int t = asSigned<int>(*v, p + ".timeout");
            if (t <= 0) fail(p + ".timeout", "must be greater than zero");
            h.timeout = t;
        }
        out.push_back(std::move(h));
    }
    return out;
}

Hooks parseHooks(const json& j) {
    requireObject(j, "hooks");
    Hooks h;
    auto list = [&](const char* key, std::vector<Hook>& out) {
        if (auto* v = member(j, key)) out = parseHookList(*v, sub("hooks", key));
    };
    list("prestart", h.prestart);
    list("createRuntime", h.createRuntime);
    list("createContainer", h.createContainer);
    list("startContainer", h.startContainer);
    list("poststart", h.poststart);
    list("poststop", h.poststop);
    return h;
}

std::optional<NamespaceType> namespaceFromName(const std::string& s) {
    static const std::pair<const char*, NamespaceType> names[] = {
        {"pid", NamespaceType::Pid},   {"network", NamespaceType::Network},
        {"mount", NamespaceType::Mount}, {"ipc", NamespaceType::Ipc},
        {"uts", NamespaceType::Uts},   {"user", NamespaceType::User},
        {"cgroup", NamespaceType::Cgroup}, {"time", NamespaceType::Time}};
    for (auto& [n, t] : names)
        if (s == n) return t;
    return std::nullopt;
}

Device parseDevice(const json& j, const std::string& p) {
    requireObject(j, p);
    Device d;
    d.type = asString(requireMember(j, "type", p), p + ".type");
    if (d.type != "c" && d.type != "b" && d.type != "u" && d.type != "p")
        fail(p + ".type", "unknown device type \"" + d.type + "\" (expected c, b, u or p)");
    d.path = asString(requireMember(j, "path", p), p + ".path");
    if (!isAbsolute(d.path)) fail(p + ".path", "\"" + d.path + "\" must be an absolute path");
    if (d.type != "p") {
        d.major = asSigned<int64_t>(requireMember(j, "major", p), p + ".major");
        d.minor = asSigned<int64_t>(requireMember(j, "minor", p), p + ".minor");
    } else {
        if (auto* v = member(j, "major")) d.major = asSigned<int64_t>(*v, p + ".major");
        if (auto* v = member(j, "minor")) d.minor = asSigned<int64_t>(*v, p + ".minor");
    }
    if (d.major < 0 || d.minor < 0) fail(p, "major and minor must not be negative");
    if (auto* v = member(j, "fileMode")) d.fileMode = asUnsigned<uint32_t>(*v, p + ".fileMode");
    if (auto* v = member(j, "uid")) d.uid = asUnsigned<uint32_t>(*v, p + ".uid");
    if (auto* v = member(j, "gid")) d.gid = asUnsigned<uint32_t>(*v, p + ".gid");
    return d;
}

Linux parseLinux(const json& j) {
    const std::string p = "linux";
    requireObject(j, p);
    Linux lx;
    if (auto* v = member(j, "namespaces")) {
        requireArray(*v, "linux.namespaces");
        std::set<NamespaceType> seen;
        for (size_t i = 0; i < v->size(); ++i) {
            std::string np = idx("linux.namespaces", i);
            const json& e = (*v)[i];
            requireObject(e, np);
            std::string type = asString(requireMember(e, "type", np), np + ".type");
            auto t = namespaceFromName(type);
            if (!t) fail(np + ".type", "unknown namespace type \"" + type + "\"");
            // config-linux.md: duplicated namespaces MUST generate an error.
            if (!seen.insert(*t).second) fail(np + ".type", "duplicate namespace \"" + type + "\"");
            Namespace ns{*t, {}};
            optString(e, "path", np, ns.path);
            if (!ns.path.empty() && !isAbsolute(ns.path))
                fail(np + ".path", "\"" + ns.path + "\" must be an absolute path");
            lx.namespaces.push_back(ns);
        }
    }
    if (auto* v = member(j, "uidMappings")) lx.uidMappings = parseIdMappings(*v, "linux.uidMappings");
    if (auto* v = member(j, "gidMappings")) lx.gidMappings = parseIdMappings(*v, "linux.gidMappings");
    if (auto* v = member(j, "timeOffsets")) {
        requireObject(*v, "linux.timeOffsets");
        for (auto& [clock, off] : v->items()) {
            std::string tp = "linux.timeOffsets." + clock;
            if (clock != "monotonic" && clock != "boottime")
                fail(tp, "unknown clock (expected monotonic or boottime)");
            requireObject(off, tp);
            TimeOffset o;
            if (auto* s = member(off, "secs")) o.secs = asSigned<int64_t>(*s, tp + ".secs");
            if (auto* n = member(off, "nanosecs")) {
                o.nanosecs = asUnsigned<uint32_t>(*n, tp + ".nanosecs");
                if (o.nanosecs >= 1000000000u) fail(tp + ".nanosecs", "must be below 1000000000");
            }
            lx.timeOffsets[clock] = o;
        }
    }
    if (auto* v = member(j, "devices")) {
        requireArray(*v, "linux.devices");
        for (size_t i = 0; i < v->size(); ++i)
            lx.devices.push_back(parseDevice((*v)[i], idx("linux.devices", i)));
    }
    optString(j, "cgroupsPath", p, lx.cgroupsPath);
    if (auto* v = member(j, "resources")) {
        parseLinuxResources(*v, "linux.resources");  // types and ranges, errors name the field
        lx.resources = *v;
    }
    optString(j, "rootfsPropagation", p, lx.rootfsPropagation);
    static const std::set<std::string> props{"",       "private", "rprivate", "shared",   "rshared",
                                             "slave",  "rslave",  "unbindable", "runbindable"};
    if (!props.count(lx.rootfsPropagation))
        fail("linux.rootfsPropagation", "unknown propagation \"" + lx.rootfsPropagation + "\"");
    if (auto* v = member(j, "seccomp")) {
        parseSeccompConfig(*v, "linux.seccomp");
        lx.seccomp = *v;
    }
    if (auto* v = member(j, "sysctl")) {
        requireObject(*v, "linux.sysctl");
        for (auto& [k, val] : v->items()) lx.sysctl[k] = asString(val, "linux.sysctl." + k);
    }
    optStrings(j, "maskedPaths", p, lx.maskedPaths);
    optStrings(j, "readonlyPaths", p, lx.readonlyPaths);
    for (size_t i = 0; i < lx.maskedPaths.size(); ++i)
        if (!isAbsolute(lx.maskedPaths[i])) fail(idx("linux.maskedPaths", i), "must be absolute");
    for (size_t i = 0; i < lx.readonlyPaths.size(); ++i)
        if (!isAbsolute(lx.readonlyPaths[i]))
            fail(idx("linux.readonlyPaths", i), "must be absolute");
    optString(j, "mountLabel", p, lx.mountLabel);
    if (auto* v = member(j, "personality")) {
        requireObject(*v, "linux.personality");
        std::string dom = asString(requireMember(*v, "domain", "linux.personality"),
                                   "linux.personality.domain");
        if (dom != "LINUX" && dom != "LINUX32")
            fail("linux.personality.domain", "unknown domain \"" + dom + "\"");
        lx.personality = *v;
    }
    if (auto* v = member(j, "intelRdt")) lx.intelRdt = *v;
    return lx;
}

// The combination rules of config-linux.md and config.md that need the whole document.
void checkCombinations(const Spec& s) {
    const Linux* lx = s.linux ? &*s.linux : nullptr;
    auto newNs = [&](NamespaceType t) {
        const Namespace* n = lx ? lx->findNamespace(t) : nullptr;
        return n && n->path.empty();
    };
    auto hasNs = [&](NamespaceType t) { return lx && lx->hasNamespace(t); };
    if (!s.hostname.empty() && !newNs(NamespaceType::Uts))
        fail("hostname", "setting the hostname needs a new uts namespace in linux.namespaces");
    if (!s.domainname.empty() && !newNs(NamespaceType::Uts))
        fail("domainname", "setting the domainname needs a new uts namespace in linux.namespaces");
    if (lx) {
        bool mappings = !lx->uidMappings.empty() || !lx->gidMappings.empty();
        if (newNs(NamespaceType::User)) {
            if (lx->uidMappings.empty()) fail("linux.uidMappings", "a new user namespace needs uid mappings");
            if (lx->gidMappings.empty()) fail("linux.gidMappings", "a new user namespace needs gid mappings");
        } else if (mappings) {
            fail(lx->uidMappings.empty() ? "linux.gidMappings" : "linux.uidMappings",
                 hasNs(NamespaceType::User)
                     ? "mappings can't be set when joining an existing user namespace"
                     : "mappings need a new user namespace in linux.namespaces");
        }
        if (!lx->timeOffsets.empty() && !newNs(NamespaceType::Time))
            fail("linux.timeOffsets", "time offsets need a new time namespace in linux.namespaces");
        if (!lx->sysctl.empty()) {
            // Namespaced sysctls only, and only with the namespace they belong to (runc's rules).
            for (auto& [k, v] : lx->sysctl) {
                (void)v;
                if (startsWith(k, "net.") && !hasNs(NamespaceType::Network))
                    fail("linux.sysctl." + k, "needs a network namespace in linux.namespaces");
            }
        }
        if (!lx->rootfsPropagation.empty() && !hasNs(NamespaceType::Mount))
            fail("linux.rootfsPropagation", "needs a mount namespace in linux.namespaces");
    }
    for (size_t i = 0; i < s.mounts.size(); ++i)
        if (!s.mounts[i].uidMappings.empty() && !hasNs(NamespaceType::Mount))
            fail(idx("mounts", i), "idmapped mounts need a mount namespace");
}

}  // namespace

const char* namespaceTypeName(NamespaceType t) {
    switch (t) {
        case NamespaceType::Pid: return "pid";
        case NamespaceType::Network: return "network";
        case NamespaceType::Mount: return "mount";
        case NamespaceType::Ipc: return "ipc";
        case NamespaceType::Uts: return "uts";
        case NamespaceType::User: return "user";
        case NamespaceType::Cgroup: return "cgroup";
        case NamespaceType::Time: return "time";
    }
    return "?";
}

Spec parseSpec(const std::string& jsonText) {
    json doc;
    try {
        doc = json::parse(jsonText);
    } catch (const json::parse_error& e) {
        // "parse error at line 3, column 5: syntax error ..." names the position.
        std::string msg = e.what();
        auto pos = msg.find("parse error");
        throw Error("malformed JSON: " + (pos == std::string::npos ? msg : msg.substr(pos)));
    }
    if (!doc.is_object()) throw Error("config: expected a JSON object");
    Spec s;
    s.ociVersion = asString(requireMember(doc, "ociVersion", ""), "ociVersion");
    if (s.ociVersion.empty()) fail("ociVersion", "must not be empty");
    // root is REQUIRED on Linux (config.md#root).
    s.root = parseRoot(requireMember(doc, "root", ""));
    if (auto* v = member(doc, "mounts")) s.mounts = parseMounts(*v);
    if (auto* v = member(doc, "process")) s.process = parseProcess(*v);
    optString(doc, "hostname", "", s.hostname);
    optString(doc, "domainname", "", s.domainname);
    if (auto* v = member(doc, "hooks")) s.hooks = parseHooks(*v);
    if (auto* v = member(doc, "annotations")) {
        requireObject(*v, "annotations");
        for (auto& [k, val] : v->items()) {
            if (k.empty()) fail("annotations", "keys must not be empty");
            s.annotations[k] = asString(val, "annotations." + k);
        }
    }
    if (auto* v = member(doc, "linux")) s.linux = parseLinux(*v);
    checkCombinations(s);
    s.raw = std::move(doc);
    return s;
}

std::string resolveRootfs(const Spec& spec, const std::string& bundleDir) {
    std::string path = spec.root.path;
    if (path.empty() || path[0] != '/') path = (bundleDir.empty() ? "." : bundleDir) + "/" + path;
    char buf[PATH_MAX];
    if (!::realpath(path.c_str(), buf)) throw SysError("root.path " + path);
    struct stat st;
    if (::stat(buf, &st) < 0) throw SysError("root.path " + path);
    if (!S_ISDIR(st.st_mode)) throw Error("root.path " + path + ": not a directory", ENOTDIR);
    return buf;
}

}  // namespace berth::oci
