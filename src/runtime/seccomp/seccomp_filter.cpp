#include "runtime/seccomp/seccomp_filter.hpp"

#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <memory>

#include "common/error.hpp"
#include "common/fd.hpp"
#include "common/log.hpp"

#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif
#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

namespace berth::runtime {
namespace {

using oci::SeccompAction;
using oci::SeccompOp;

struct FilterDeleter {
    void operator()(void* ctx) const { seccomp_release(ctx); }
};
using FilterCtx = std::unique_ptr<void, FilterDeleter>;

struct FlagName {
    const char* name;
    unsigned long value;
};
constexpr FlagName kFlags[] = {
    {"SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC},
    {"SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG},
    {"SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
    {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV},
};

uint32_t actionValue(SeccompAction a, std::optional<uint32_t> errnoRet) {
    // Both ERRNO and TRACE default to EPERM (config-linux.md: "If not specified its default
    // value is EPERM").
    uint32_t ret = errnoRet.value_or(EPERM);
    switch (a) {
        case SeccompAction::Kill:
            return SCMP_ACT_KILL;
        case SeccompAction::KillProcess:
            return SCMP_ACT_KILL_PROCESS;
        case SeccompAction::KillThread:
            return SCMP_ACT_KILL_THREAD;
        case SeccompAction::Trap:
            return SCMP_ACT_TRAP;
        case SeccompAction::Errno:
            return SCMP_ACT_ERRNO(ret);
        case SeccompAction::Trace:
            return SCMP_ACT_TRACE(ret);
        case SeccompAction::Allow:
            return SCMP_ACT_ALLOW;
        case SeccompAction::Log:
            return SCMP_ACT_LOG;
        case SeccompAction::Notify:
            return SCMP_ACT_NOTIFY;
    }
    return SCMP_ACT_KILL;
}

scmp_compare compareOp(SeccompOp op) {
    switch (op) {
        case SeccompOp::NotEqual:
            return SCMP_CMP_NE;
        case SeccompOp::LessThan:
            return SCMP_CMP_LT;
        case SeccompOp::LessEqual:
            return SCMP_CMP_LE;
        case SeccompOp::Equal:
            return SCMP_CMP_EQ;
        case SeccompOp::GreaterEqual:
            return SCMP_CMP_GE;
        case SeccompOp::GreaterThan:
            return SCMP_CMP_GT;
        case SeccompOp::MaskedEqual:
            return SCMP_CMP_MASKED_EQ;
    }
    return SCMP_CMP_EQ;
}

scmp_arg_cmp toCondition(const oci::SeccompArg& a) {
    // SCMP_CMP_MASKED_EQ: datum_a is the mask ("value"), datum_b the expected result
    // ("valueTwo"), the same mapping runc and crun use (Docker's clone rule relies on it).
    return scmp_arg_cmp{a.index, compareOp(a.op), a.value, a.valueTwo};
}

// Dropping a rule is harmless when the call then meets an action at least as strict.
bool safeToSkip(const oci::SeccompSyscall& rule, const oci::SeccompConfig& cfg) {
    if (rule.action == SeccompAction::Allow || rule.action == SeccompAction::Log) return true;
    return rule.action == cfg.defaultAction &&
           rule.errnoRet.value_or(EPERM) == cfg.defaultErrnoRet.value_or(EPERM);
}

void addRule(scmp_filter_ctx ctx, uint32_t action, int nr, const oci::SeccompSyscall& rule,
             const std::string& field) {
    // runc semantics: conditions on distinct arguments are ANDed in one rule; when an argument
    // index repeats, libseccomp can't AND them, so each condition becomes its own rule (OR).
    bool repeated = false;
    unsigned seen[6] = {};
    for (auto& a : rule.args)
        if (++seen[a.index] > 1) repeated = true;
    std::vector<scmp_arg_cmp> conds;
    for (auto& a : rule.args) conds.push_back(toCondition(a));
    auto check = [&](int rc) {
        if (rc < 0) throw SysError(field + ": adding seccomp rule", -rc);
    };
    if (!repeated) {
        check(seccomp_rule_add_array(ctx, action, nr, static_cast<unsigned>(conds.size()),
                                     conds.data()));
        return;
    }
    for (auto& c : conds) check(seccomp_rule_add_array(ctx, action, nr, 1, &c));
}

std::vector<sock_filter> exportProgram(scmp_filter_ctx ctx) {
    UniqueFd mem(memfd_create("berth-seccomp-bpf", MFD_CLOEXEC));
    if (!mem) throw SysError("memfd_create for the seccomp program");
    int rc = seccomp_export_bpf(ctx, mem.get());
    if (rc < 0) throw SysError("seccomp_export_bpf", -rc);
    off_t size = lseek(mem.get(), 0, SEEK_END);
    if (size < 0 || size % sizeof(sock_filter) != 0)
        throw Error("seccomp_export_bpf: unexpected program size " + std::to_string(size));
    std::vector<sock_filter> prog(static_cast<size_t>(size) / sizeof(sock_filter));
    if (pread(mem.get(), prog.data(), static_cast<size_t>(size), 0) != size)
        throw SysError("reading the exported seccomp program");
    if (prog.size() > BPF_MAXINSNS)
        throw Error("seccomp program has " + std::to_string(prog.size()) +
                    " instructions, more than the kernel's limit of " +
                    std::to_string(BPF_MAXINSNS));
    return prog;
}

bool kernelAcceptsFlag(unsigned long flag) {
    // With a NULL program the kernel validates the flags first: EFAULT means the flag is
    // known (the probe runc uses). Never installs anything.
    // WAIT_KILLABLE_RECV is only valid together with NEW_LISTENER.
    if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV) flag |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
    errno = 0;
    long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flag, nullptr);
    return rc < 0 && errno == EFAULT;
}

}  // namespace

SeccompCompileOptions seccompOptionsFromAnnotations(
    const std::map<std::string, std::string>& annotations) {
    SeccompCompileOptions o;
    auto it = annotations.find("run.oci.seccomp_fail_unknown_syscall");
    o.failOnUnknownSyscall = it != annotations.end() && !it->second.empty() && it->second != "0" &&
                             it->second != "false";
    return o;
}

CompiledSeccomp compileSeccomp(const oci::SeccompConfig& cfg, const SeccompCompileOptions& opt) {
    const std::string& where = opt.where;
    CompiledSeccomp out;
    uint32_t defaultAction = actionValue(cfg.defaultAction, cfg.defaultErrnoRet);
    FilterCtx ctx(seccomp_init(defaultAction));
    if (!ctx) throw Error(where + ".defaultAction: libseccomp rejected the default action");
    // Binary-tree dispatch: large profiles (Docker's ~400 calls) cost O(log n) per syscall.
    seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_OPTIMIZE, 2);

    for (size_t i = 0; i < cfg.architectures.size(); ++i) {
        const std::string& name = cfg.architectures[i];
        std::string field = where + ".architectures[" + std::to_string(i) + "]";
        // libseccomp's names are the spec's without the prefix, lower case ("x86_64").
        std::string token = name.substr(std::strlen("SCMP_ARCH_"));
        for (auto& ch : token) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        uint32_t arch = seccomp_arch_resolve_name(token.c_str());
        if (arch == 0)
            throw Error(field + ": architecture \"" + name + "\" is not supported by libseccomp " +
                        libseccompVersion());
        int rc = seccomp_arch_add(ctx.get(), arch);
        if (rc < 0 && rc != -EEXIST) throw SysError(field + ": adding architecture " + name, -rc);
    }

    for (size_t i = 0; i < cfg.syscalls.size(); ++i) {
        const auto& rule = cfg.syscalls[i];
        std::string ruleField = where + ".syscalls[" + std::to_string(i) + "]";
        uint32_t action = actionValue(rule.action, rule.errnoRet);
        // libseccomp refuses a rule whose action is the default one (EACCES): it is a no-op.
        if (action == defaultAction) continue;
        if (rule.action == SeccompAction::Notify) out.notify = true;
        for (size_t n = 0; n < rule.names.size(); ++n) {
            const std::string& name = rule.names[n];
            std::string field = ruleField + ".names[" + std::to_string(n) + "]";
            int nr = seccomp_syscall_resolve_name(name.c_str());
            if (nr == __NR_SCMP_ERROR) {
                if (opt.failOnUnknownSyscall || !safeToSkip(rule, cfg))
                    throw Error(field + ": unknown syscall \"" + name + "\" (libseccomp " +
                                libseccompVersion() + "); refusing to drop a " +
                                oci::seccompActionName(rule.action) + " rule");
                out.skipped.push_back(name + " (unknown to libseccomp " + libseccompVersion() +
                                      ")");
                continue;
            }
            addRule(ctx.get(), action, nr, rule, field);
        }
    }

    for (size_t i = 0; i < cfg.flags.size(); ++i) {
        const std::string& name = cfg.flags[i];
        std::string field = where + ".flags[" + std::to_string(i) + "]";
        unsigned long value = 0;
        for (auto& f : kFlags)
            if (name == f.name) value = f.value;
        if (value == 0) throw Error(field + ": unknown flag \"" + name + "\"");
        if (value == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV && !out.notify) {
            // The kernel only accepts it together with a listener; without one it means nothing.
            out.skipped.push_back(name + " (no SCMP_ACT_NOTIFY rule)");
            continue;
        }
        if (!kernelAcceptsFlag(value))
            throw Error(field + ": flag " + name + " is not supported by this kernel");
        out.flags |= static_cast<unsigned>(value);
    }
    if (out.notify) {
        out.flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
        // TSYNC and NEW_LISTENER conflict unless TSYNC_ESRCH (seccomp(2)).
        if (out.flags & SECCOMP_FILTER_FLAG_TSYNC) out.flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
        out.listenerPath = cfg.listenerPath;
        out.listenerMetadata = cfg.listenerMetadata;
    }
    out.program = exportProgram(ctx.get());
    for (auto& s : out.skipped) logDebug("seccomp: skipped " + s);
    return out;
}

int loadSeccomp(const CompiledSeccomp& compiled) noexcept {
    sock_fprog prog{};
    prog.len = static_cast<unsigned short>(compiled.program.size());
    prog.filter = const_cast<sock_filter*>(compiled.program.data());
    long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, compiled.flags, &prog);
    if (rc < 0) return -errno;
    return compiled.notify ? static_cast<int>(rc) : 0;
}

void sendSeccompListenerFd(const std::string& listenerPath, int listenerFd,
                           const nlohmann::json& containerState, pid_t pid,
                           const std::string& metadata) {
    std::string ctx = "seccomp listener " + listenerPath;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (listenerPath.size() >= sizeof(addr.sun_path)) throw Error(ctx + ": path too long");
    std::memcpy(addr.sun_path, listenerPath.c_str(), listenerPath.size() + 1);
    UniqueFd sock(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!sock) throw SysError(ctx + ": socket");
    if (connect(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) < 0)
        throw SysError(ctx + ": connect");

    nlohmann::json msg{{"ociVersion", containerState.value("ociVersion", "1.2.0")},
                       {"fds", {"seccompFd"}},
                       {"pid", pid},
                       {"state", containerState}};
    if (!metadata.empty()) msg["metadata"] = metadata;
    std::string payload = msg.dump();

    // The fd travels with the first sendmsg only (the spec's rule for multi-part sends).
    size_t sent = 0;
    bool first = true;
    while (sent < payload.size()) {
        iovec iov{payload.data() + sent, payload.size() - sent};
        msghdr mh{};
        mh.msg_iov = &iov;
        mh.msg_iovlen = 1;
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
        if (first) {
            mh.msg_control = control;
            mh.msg_controllen = sizeof(control);
            cmsghdr* cm = CMSG_FIRSTHDR(&mh);
            cm->cmsg_level = SOL_SOCKET;
            cm->cmsg_type = SCM_RIGHTS;
            cm->cmsg_len = CMSG_LEN(sizeof(int));
            std::memcpy(CMSG_DATA(cm), &listenerFd, sizeof(int));
        }
        ssize_t n = sendmsg(sock.get(), &mh, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw SysError(ctx + ": sendmsg");
        }
        sent += static_cast<size_t>(n);
        first = false;
    }
}

std::vector<std::string> supportedSeccompFlags() {
    std::vector<std::string> out;
    for (auto& f : kFlags)
        if (kernelAcceptsFlag(f.value)) out.emplace_back(f.name);
    return out;
}

bool seccompAvailable() {
    // PR_GET_SECCOMP fails with EINVAL on kernels built without CONFIG_SECCOMP.
    return syscall(SYS_prctl, PR_GET_SECCOMP, 0, 0, 0, 0) >= 0;
}

std::string libseccompVersion() {
    const scmp_version* v = seccomp_version();
    return std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
           std::to_string(v->micro);
}

}  // namespace berth::runtime
