// Compiling an OCI seccomp config to a BPF program with libseccomp, and loading it.
//
// Split in two so the container init does no allocation and needs no libseccomp state:
//   compileSeccomp()  in the runtime (parent), before clone: resolves names, adds rules,
//                     exports the finished BPF program (all arch checks included);
//   loadSeccomp()     in the container init, LAST, just before execve: one seccomp(2) call.
// Loading needs no_new_privs or CAP_SYS_ADMIN (seccomp(2)). As runc does: with
// process.noNewPrivileges, load right before execve (after capabilities and setuid); without
// it, load before dropping capabilities while CAP_SYS_ADMIN is still held.
//
// Unknown syscall names (config-linux.md is silent; runc and crun warn and skip): a name
// libseccomp does not know is skipped with a warning only when dropping the rule cannot make
// the filter more permissive (rule action SCMP_ACT_ALLOW / SCMP_ACT_LOG, or the default action):
// the call then meets the default action. A name in a rule that denies (ERRNO, KILL, TRAP,
// TRACE, NOTIFY) is an error: we refuse to silently allow what the user asked to block. The
// annotation run.oci.seccomp_fail_unknown_syscall=1 (crun's) makes every unknown name an error.
#pragma once

#include <linux/filter.h>
#include <sys/types.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "oci/seccomp_config.hpp"

namespace berth::runtime {

struct CompiledSeccomp {
    std::vector<sock_filter> program;  // the complete filter, ready for seccomp(2)
    unsigned int flags = 0;            // SECCOMP_FILTER_FLAG_* passed to seccomp(2)
    bool notify = false;               // SCMP_ACT_NOTIFY used: loading returns a listener fd
    std::string listenerPath;
    std::string listenerMetadata;
    std::vector<std::string> skipped;  // "name (reason)" of rules dropped, for logs and tests
};

struct SeccompCompileOptions {
    bool failOnUnknownSyscall = false;    // annotation run.oci.seccomp_fail_unknown_syscall
    std::string where = "linux.seccomp";  // field prefix for error messages
};

// Throws berth::Error naming the field (unknown syscall in a deny rule, an architecture or flag
// this libseccomp/kernel can't do, ...).
CompiledSeccomp compileSeccomp(const oci::SeccompConfig& cfg,
                               const SeccompCompileOptions& options = {});

// Options from the config's annotations (run.oci.seccomp_fail_unknown_syscall).
SeccompCompileOptions seccompOptionsFromAnnotations(
    const std::map<std::string, std::string>& annotations);

// In the container init, after every privileged setup step, just before execve.
// Async-signal-safe: no allocation, never throws. Returns the listener fd (>= 0) when the
// filter uses SCMP_ACT_NOTIFY, 0 otherwise, -errno on failure.
int loadSeccomp(const CompiledSeccomp& compiled) noexcept;

// Runtime side of SCMP_ACT_NOTIFY (config-linux.md#the-container-process-state): connects to
// listenerPath (AF_UNIX, SOCK_STREAM), sends the container process state JSON with the
// listener fd as SCM_RIGHTS in the same sendmsg, closes the connection. Throws on failure
// (the spec: "If sending to this socket fails, the runtime MUST generate an error").
void sendSeccompListenerFd(const std::string& listenerPath, int listenerFd,
                           const nlohmann::json& containerState, pid_t pid,
                           const std::string& metadata);

// For `features`: SECCOMP_FILTER_FLAG_* names this kernel accepts (probed with seccomp(2)),
// and whether seccomp filtering is available at all.
std::vector<std::string> supportedSeccompFlags();
bool seccompAvailable();
std::string libseccompVersion();  // "2.5.4"

}  // namespace berth::runtime
