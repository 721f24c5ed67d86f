// OCI runtime-spec `linux.seccomp` (config-linux.md#seccomp) as C++ types.
// parseSeccompConfig() validates the JSON kept in oci::Linux::seccomp; every error names the
// field ("linux.seccomp.syscalls[2].action: unknown action \"SCMP_ACT_FOO\"").
// Names of syscalls are not checked here: which names exist depends on libseccomp and the
// architecture, so runtime/seccomp/ decides (see seccomp_filter.hpp).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace berth::oci {

enum class SeccompAction { Kill, KillProcess, KillThread, Trap, Errno, Trace, Allow, Log, Notify };
enum class SeccompOp {
    NotEqual,
    LessThan,
    LessEqual,
    Equal,
    GreaterEqual,
    GreaterThan,
    MaskedEqual
};

struct SeccompArg {
    uint32_t index = 0;  // 0..5
    uint64_t value = 0;
    uint64_t valueTwo = 0;
    SeccompOp op = SeccompOp::Equal;
};

struct SeccompSyscall {
    std::vector<std::string> names;  // at least one
    SeccompAction action = SeccompAction::Allow;
    std::optional<uint32_t> errnoRet;  // only with Errno / Trace
    std::vector<SeccompArg> args;
};

struct SeccompConfig {
    SeccompAction defaultAction = SeccompAction::Allow;
    std::optional<uint32_t> defaultErrnoRet;
    std::vector<std::string> architectures;  // "SCMP_ARCH_X86_64", validated
    std::vector<std::string> flags;          // "SECCOMP_FILTER_FLAG_TSYNC", validated
    std::string listenerPath;
    std::string listenerMetadata;
    std::vector<SeccompSyscall> syscalls;

    bool usesNotify() const;
};

// Throws berth::Error naming the field under `where` (default "linux.seccomp").
SeccompConfig parseSeccompConfig(const nlohmann::json& j,
                                 const std::string& where = "linux.seccomp");

// The spec's names, and their inverse. Unknown names → nullopt.
const char* seccompActionName(SeccompAction a);
std::optional<SeccompAction> seccompActionFromName(const std::string& name);
const char* seccompOpName(SeccompOp op);
std::optional<SeccompOp> seccompOpFromName(const std::string& name);

// Every architecture / flag name the spec (1.2) lists.
const std::vector<std::string>& knownSeccompArchitectures();
const std::vector<std::string>& knownSeccompFlags();
const std::vector<std::string>& knownSeccompActions();
const std::vector<std::string>& knownSeccompOps();

}  // namespace berth::oci
