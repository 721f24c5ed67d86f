#include "oci/seccomp_config.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "common/error.hpp"

namespace berth::oci {
namespace {

using nlohmann::json;

constexpr std::array<std::pair<SeccompAction, const char*>, 9> kActions{{
    {SeccompAction::Kill, "SCMP_ACT_KILL"},
    {SeccompAction::KillProcess, "SCMP_ACT_KILL_PROCESS"},
    {SeccompAction::KillThread, "SCMP_ACT_KILL_THREAD"},
    {SeccompAction::Trap, "SCMP_ACT_TRAP"},
    {SeccompAction::Errno, "SCMP_ACT_ERRNO"},
    {SeccompAction::Trace, "SCMP_ACT_TRACE"},
    {SeccompAction::Allow, "SCMP_ACT_ALLOW"},
    {SeccompAction::Log, "SCMP_ACT_LOG"},
    {SeccompAction::Notify, "SCMP_ACT_NOTIFY"},
}};

constexpr std::array<std::pair<SeccompOp, const char*>, 7> kOps{{
    {SeccompOp::NotEqual, "SCMP_CMP_NE"},
    {SeccompOp::LessThan, "SCMP_CMP_LT"},
    {SeccompOp::LessEqual, "SCMP_CMP_LE"},
    {SeccompOp::Equal, "SCMP_CMP_EQ"},
    {SeccompOp::GreaterEqual, "SCMP_CMP_GE"},
    {SeccompOp::GreaterThan, "SCMP_CMP_GT"},
    {SeccompOp::MaskedEqual, "SCMP_CMP_MASKED_EQ"},
}};

Error fieldError(const std::string& field, const std::string& what) {
    return Error(field + ": " + what);
}

const json* member(const json& obj, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return nullptr;
    return &*it;
}

std::string requireString(const json& obj, const char* key, const std::string& where,
                          bool required) {
    const json* v = member(obj, key);
    if (!v) {
        if (required) throw fieldError(where + "." + key, "required field is missing");
        return {};
    }
    if (!v->is_string()) throw fieldError(where + "." + key, "expected a string");
    return v->get<std::string>();
}

std::optional<uint64_t> optionalUint(const json& obj, const char* key, const std::string& where,
                                     uint64_t max) {
    const json* v = member(obj, key);
    if (!v) return std::nullopt;
    // A document built in memory holds non-negative numbers as signed: accept those too.
    bool nonNegative =
        v->is_number_unsigned() || (v->is_number_integer() && v->get<int64_t>() >= 0);
    if (!nonNegative) throw fieldError(where + "." + key, "expected an unsigned integer");
    uint64_t n = v->get<uint64_t>();
    if (n > max)
        throw fieldError(where + "." + key, "value " + std::to_string(n) + " out of range (max " +
                                                std::to_string(max) + ")");
    return n;
}

std::vector<std::string> stringArray(const json& obj, const char* key, const std::string& where) {
    const json* v = member(obj, key);
    if (!v) return {};
    if (!v->is_array()) throw fieldError(where + "." + key, "expected an array of strings");
    std::vector<std::string> out;
    for (size_t i = 0; i < v->size(); ++i) {
        const json& e = (*v)[i];
        std::string field = where + "." + key + "[" + std::to_string(i) + "]";
        if (!e.is_string()) throw fieldError(field, "expected a string");
        if (e.get_ref<const std::string&>().empty()) throw fieldError(field, "must not be empty");
        out.push_back(e.get<std::string>());
    }
    return out;
}

SeccompAction parseAction(const json& obj, const char* key, const std::string& where) {
    std::string name = requireString(obj, key, where, true);
    auto a = seccompActionFromName(name);
    if (!a) throw fieldError(where + "." + key, "unknown action \"" + name + "\"");
    return *a;
}

// config-linux.md: "When the action doesn't support an errno, the runtime MUST print and error
// and fail." Only SCMP_ACT_ERRNO and SCMP_ACT_TRACE carry a return code.
void checkErrnoAllowed(SeccompAction a, const std::string& field) {
    if (a != SeccompAction::Errno && a != SeccompAction::Trace)
        throw fieldError(field, std::string("action ") + seccompActionName(a) +
                                    " does not take an errno (only SCMP_ACT_ERRNO and "
                                    "SCMP_ACT_TRACE do)");
}

SeccompArg parseArg(const json& j, const std::string& where) {
    if (!j.is_object()) throw fieldError(where, "expected an object");
    SeccompArg arg;
    auto index = optionalUint(j, "index", where, 5);  // seccomp_data has six arguments
    if (!index) throw fieldError(where + ".index", "required field is missing");
    arg.index = static_cast<uint32_t>(*index);
    auto value = optionalUint(j, "value", where, UINT64_MAX);
    if (!value) throw fieldError(where + ".value", "required field is missing");
    arg.value = *value;
    arg.valueTwo = optionalUint(j, "valueTwo", where, UINT64_MAX).value_or(0);
    std::string op = requireString(j, "op", where, true);
    auto parsed = seccompOpFromName(op);
    if (!parsed) throw fieldError(where + ".op", "unknown operator \"" + op + "\"");
    arg.op = *parsed;
    return arg;
}

SeccompSyscall parseSyscall(const json& j, const std::string& where) {
    if (!j.is_object()) throw fieldError(where, "expected an object");
    SeccompSyscall sc;
    if (!member(j, "names")) {
        // Pre-1.0 profiles used "name": accept it as runc does.
        std::string single = requireString(j, "name", where, false);
        if (single.empty()) throw fieldError(where + ".names", "required field is missing");
        sc.names.push_back(single);
    } else {
        sc.names = stringArray(j, "names", where);
        if (sc.names.empty()) throw fieldError(where + ".names", "must contain at least one entry");
    }
    sc.action = parseAction(j, "action", where);
    if (auto e = optionalUint(j, "errnoRet", where, UINT32_MAX)) {
        checkErrnoAllowed(sc.action, where + ".errnoRet");
        sc.errnoRet = static_cast<uint32_t>(*e);
    }
    if (const json* args = member(j, "args")) {
        if (!args->is_array()) throw fieldError(where + ".args", "expected an array");
        for (size_t i = 0; i < args->size(); ++i)
            sc.args.push_back(parseArg((*args)[i], where + ".args[" + std::to_string(i) + "]"));
    }
    return sc;
}

template <typename List>
void checkKnown(const std::vector<std::string>& values, const List& known, const std::string& field,
                const char* what) {
    for (size_t i = 0; i < values.size(); ++i)
        if (std::find(known.begin(), known.end(), values[i]) == known.end())
            throw fieldError(field + "[" + std::to_string(i) + "]",
                             std::string("unknown ") + what + " \"" + values[i] + "\"");
}

}  // namespace

bool SeccompConfig::usesNotify() const {
    if (defaultAction == SeccompAction::Notify) return true;
    return std::any_of(syscalls.begin(), syscalls.end(),
                       [](const SeccompSyscall& s) { return s.action == SeccompAction::Notify; });
}

SeccompConfig parseSeccompConfig(const json& j, const std::string& where) {
    if (!j.is_object()) throw fieldError(where, "expected an object");
    SeccompConfig cfg;
    cfg.defaultAction = parseAction(j, "defaultAction", where);
    if (auto e = optionalUint(j, "defaultErrnoRet", where, UINT32_MAX)) {
        checkErrnoAllowed(cfg.defaultAction, where + ".defaultErrnoRet");
        cfg.defaultErrnoRet = static_cast<uint32_t>(*e);
    }
    cfg.architectures = stringArray(j, "architectures", where);
    checkKnown(cfg.architectures, knownSeccompArchitectures(), where + ".architectures",
               "architecture");
    cfg.flags = stringArray(j, "flags", where);
    checkKnown(cfg.flags, knownSeccompFlags(), where + ".flags", "flag");
    cfg.listenerPath = requireString(j, "listenerPath", where, false);
    cfg.listenerMetadata = requireString(j, "listenerMetadata", where, false);
    if (!cfg.listenerMetadata.empty() && cfg.listenerPath.empty())
        throw fieldError(where + ".listenerMetadata", "must not be set without listenerPath");
    if (const json* calls = member(j, "syscalls")) {
        if (!calls->is_array()) throw fieldError(where + ".syscalls", "expected an array");
        for (size_t i = 0; i < calls->size(); ++i)
            cfg.syscalls.push_back(
                parseSyscall((*calls)[i], where + ".syscalls[" + std::to_string(i) + "]"));
    }
    // The runtime itself still makes syscalls between loading the filter and execve; a notify
    // default would park it waiting on an agent (runc refuses this too).
    if (cfg.defaultAction == SeccompAction::Notify)
        throw fieldError(where + ".defaultAction", "SCMP_ACT_NOTIFY cannot be the default action");
    if (cfg.usesNotify() && cfg.listenerPath.empty())
        throw fieldError(where + ".listenerPath",
                         "required when an action is SCMP_ACT_NOTIFY (the notify fd goes there)");
    return cfg;
}

const char* seccompActionName(SeccompAction a) {
    for (auto& [v, n] : kActions)
        if (v == a) return n;
    return "?";
}

std::optional<SeccompAction> seccompActionFromName(const std::string& name) {
    for (auto& [v, n] : kActions)
        if (name == n) return v;
    return std::nullopt;
}

const char* seccompOpName(SeccompOp op) {
    for (auto& [v, n] : kOps)
        if (v == op) return n;
    return "?";
}

std::optional<SeccompOp> seccompOpFromName(const std::string& name) {
    for (auto& [v, n] : kOps)
        if (name == n) return v;
    return std::nullopt;
}

const std::vector<std::string>& knownSeccompArchitectures() {
    static const std::vector<std::string> archs{
        "SCMP_ARCH_X86",     "SCMP_ARCH_X86_64",   "SCMP_ARCH_X32",         "SCMP_ARCH_ARM",
        "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",     "SCMP_ARCH_MIPS64",      "SCMP_ARCH_MIPS64N32",
        "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
        "SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_S390",        "SCMP_ARCH_S390X",
        "SCMP_ARCH_PARISC",  "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64"};
    return archs;
}

const std::vector<std::string>& knownSeccompFlags() {
    static const std::vector<std::string> flags{
        "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
        "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};
    return flags;
}

const std::vector<std::string>& knownSeccompActions() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> v;
        for (auto& [a, n] : kActions) v.emplace_back(n);
        return v;
    }();
    return names;
}

const std::vector<std::string>& knownSeccompOps() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> v;
        for (auto& [o, n] : kOps) v.emplace_back(n);
        return v;
    }();
    return names;
}

}  // namespace berth::oci
