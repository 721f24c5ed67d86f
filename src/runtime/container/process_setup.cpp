#include "runtime/container/process_setup.hpp"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <climits>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/strings.hpp"
#include "oci/capabilities.hpp"

namespace berth::runtime {

void applyRlimits(const LaunchPlan& plan) {
    for (auto& r : plan.rlimits)
        if (::setrlimit(r.resource, &r.limit) < 0)
            throw SysError("process.rlimits " + r.name + " soft " +
                           std::to_string(r.limit.rlim_cur) + " hard " +
                           std::to_string(r.limit.rlim_max));
}

void applyOomScoreAdj(const LaunchPlan& plan) {
    if (!plan.oomScoreAdj) return;
    withContext("process.oomScoreAdj", [&] {
        writeFile("/proc/self/oom_score_adj", std::to_string(*plan.oomScoreAdj));
    });
}

void joinNewSessionKeyring(const std::string& id) {
    // KEYCTL_JOIN_SESSION_KEYRING = 1. Errors are ignored as runc does: keyrings may be
    // unavailable (ENOSYS) or refused by a seccomp filter of the caller.
    std::string name = "_ses." + id;
    (void)::syscall(SYS_keyctl, 1, name.c_str());
}

void closeLeakedFds(std::vector<int> keep, int preserveFds) {
    int first = 3 + std::max(preserveFds, 0);
    keep.erase(std::remove_if(keep.begin(), keep.end(), [&](int fd) { return fd < first; }),
               keep.end());
    std::sort(keep.begin(), keep.end());
    unsigned lo = unsigned(first);
    for (int fd : keep) {
        if (unsigned(fd) > lo) ::syscall(SYS_close_range, lo, unsigned(fd) - 1, 0);
        lo = unsigned(fd) + 1;
    }
    if (::syscall(SYS_close_range, lo, ~0U, 0) < 0) throw SysError("close inherited fds");
    // The preserved fds pass through; everything we keep for ourselves is close-on-exec.
    for (int fd : keep) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
}

namespace {

void capset(uint64_t eff, uint64_t perm, uint64_t inh) {
    __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2] = {};
    data[0].effective = uint32_t(eff);
    data[1].effective = uint32_t(eff >> 32);
    data[0].permitted = uint32_t(perm);
    data[1].permitted = uint32_t(perm >> 32);
    data[0].inheritable = uint32_t(inh);
    data[1].inheritable = uint32_t(inh >> 32);
    if (::syscall(SYS_capset, &hdr, data) < 0)
        throw SysError("process.capabilities: set effective/permitted/inheritable");
}

}  // namespace

void applyUserAndCapabilities(const LaunchPlan& plan) {
    const auto& c = plan.caps;
    // The kernel's last capability was read once by the runtime (planLaunch), not probed here
    // with a PR_CAPBSET_READ per number above it.
    for (int cap = 0; cap <= plan.lastCap; ++cap)
        if (!(c.bounding & (uint64_t(1) << cap)))
            if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
                throw SysError("process.capabilities.bounding: drop " + oci::capabilityName(cap));

    if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) throw SysError("prctl PR_SET_KEEPCAPS");
    if (::setgroups(plan.groups.size(), plan.groups.data()) < 0) {
        // In a user namespace whose setgroups is denied, an empty list can't be set either.
        if (!(errno == EPERM && plan.groups.empty()))
            throw SysError("process.user.additionalGids: setgroups");
    }
    if (::setresgid(plan.gid, plan.gid, plan.gid) < 0)
        throw SysError("process.user.gid " + std::to_string(plan.gid) + ": setresgid");
    if (::setresuid(plan.uid, plan.uid, plan.uid) < 0)
        throw SysError("process.user.uid " + std::to_string(plan.uid) + ": setresuid");
    if (::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0) throw SysError("prctl PR_SET_KEEPCAPS");

    // inheritable must hold the ambient ones for raising them to work (capabilities(7)).
    capset(c.effective, c.permitted, c.inheritable);
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        throw SysError("process.capabilities.ambient: clear");
    // An ambient cap that is not also permitted and inheritable cannot be raised; runc and crun
    // skip it rather than fail (their own `spec` lists ambient caps with an empty inheritable
    // set since CVE-2022-29162), so configs written for them run here too.
    const uint64_t raisable = c.ambient & c.permitted & c.inheritable;
    for (int cap = 0; cap < 64; ++cap)
        if (raisable & (uint64_t(1) << cap))
            if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
                throw SysError("process.capabilities.ambient: raise " + oci::capabilityName(cap) +
                               " (it must also be permitted and inheritable)");
    if (plan.noNewPrivileges && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        throw SysError("process.noNewPrivileges");
    ::umask(plan.umask);
}

void enterCwd(const LaunchPlan& plan) {
    const std::string& cwd = plan.spec.process->cwd;
    if (::chdir(cwd.c_str()) < 0) {
        if (errno != ENOENT) throw SysError("process.cwd " + cwd);
        // runc creates a missing cwd (as root, before the user switch).
        withContext("process.cwd " + cwd, [&] { mkdirAll(cwd, 0755); });
        if (::chdir(cwd.c_str()) < 0) throw SysError("process.cwd " + cwd);
    }
    // CVE-2024-21626: the kernel reports a cwd outside our root as "(unreachable)/..." or
    // ENOENT; a leaked fd of the host (cwd "/proc/self/fd/N") would show up here.
    char buf[PATH_MAX];
    long n = ::syscall(SYS_getcwd, buf, sizeof buf);
    if (n < 0) throw SysError("process.cwd " + cwd + ": verify cwd inside the container");
    if (buf[0] != '/')
        throw Error("process.cwd " + cwd + ": resolves outside the container (" +
                    std::string(buf) + ")", EPERM);
}

std::string findExecutable(const LaunchPlan& plan) {
    const std::string& name = plan.args[0];
    auto isExecutableFile = [](const std::string& p) {
        struct stat st;
        return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
    };
    if (name.find('/') != std::string::npos) {
        struct stat st;
        if (::stat(name.c_str(), &st) < 0) throw SysError("exec: \"" + name + "\"");
        if (S_ISDIR(st.st_mode)) throw Error("exec: \"" + name + "\": is a directory", EISDIR);
        return name;
    }
    std::string path = plan.path.empty() ? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
                                         : plan.path;
    for (auto& dir : split(path, ':')) {
        std::string cand = (dir.empty() ? "." : dir) + "/" + name;
        if (isExecutableFile(cand)) return cand;
    }
    throw Error("exec: \"" + name + "\": executable file not found in $PATH", ENOENT);
}

}  // namespace berth::runtime
