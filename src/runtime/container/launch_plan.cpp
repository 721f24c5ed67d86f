#include "runtime/container/launch_plan.hpp"

#include <sched.h>

#include <cstring>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/log.hpp"
#include "common/strings.hpp"
#include "oci/capabilities.hpp"
#include "runtime/container/namespaces.hpp"
#include "runtime/seccomp/seccomp_cache.hpp"

namespace berth::runtime {
namespace {

int rlimitResource(const std::string& name) {
    static const std::pair<const char*, int> table[] = {
        {"RLIMIT_AS", RLIMIT_AS},           {"RLIMIT_CORE", RLIMIT_CORE},
        {"RLIMIT_CPU", RLIMIT_CPU},         {"RLIMIT_DATA", RLIMIT_DATA},
        {"RLIMIT_FSIZE", RLIMIT_FSIZE},     {"RLIMIT_LOCKS", RLIMIT_LOCKS},
        {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK}, {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE},
        {"RLIMIT_NICE", RLIMIT_NICE},       {"RLIMIT_NOFILE", RLIMIT_NOFILE},
        {"RLIMIT_NPROC", RLIMIT_NPROC},     {"RLIMIT_RSS", RLIMIT_RSS},
        {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},   {"RLIMIT_RTTIME", RLIMIT_RTTIME},
        {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING}, {"RLIMIT_STACK", RLIMIT_STACK}};
    for (auto& [n, r] : table)
        if (name == n) return r;
    return -1;
}

int lastCap() {
    static int last = [] {
        try {
            return std::stoi(trim(readFile("/proc/sys/kernel/cap_last_cap")));
        } catch (...) {
            return 40;
        }
    }();
    return last;
}

uint64_t capMask(const std::vector<std::string>& names, const char* set) {
    uint64_t mask = 0;
    for (auto& n : names) {
        int c = *oci::capabilityNumber(n);  // the parser refused unknown names
        if (c > lastCap()) {
            // runc warns and goes on: a config written for a newer kernel still runs.
            logWarn("process.capabilities." + std::string(set) + ": " + n +
                    " is not supported by this kernel, ignored");
            continue;
        }
        mask |= uint64_t(1) << c;
    }
    return mask;
}

}  // namespace

LaunchPlan planLaunch(oci::Spec spec, std::string rootfs, LaunchOptions options) {
    LaunchPlan p;
    if (!spec.process) throw Error("process: required to create a container");
    const oci::Process& proc = *spec.process;
    p.args = proc.args;
    p.env = proc.env;
    for (auto& e : p.env)
        if (startsWith(e, "PATH=")) p.path = e.substr(5);
    p.uid = proc.user.uid;
    p.gid = proc.user.gid;
    p.groups.assign(proc.user.additionalGids.begin(), proc.user.additionalGids.end());
    if (proc.user.umask) p.umask = mode_t(*proc.user.umask & 07777);
    for (auto& r : proc.rlimits) {
        PreparedRlimit pr;
        pr.resource = rlimitResource(r.type);
        pr.limit.rlim_cur = r.soft;
        pr.limit.rlim_max = r.hard;
        pr.name = r.type;
        p.rlimits.push_back(pr);
    }
    p.lastCap = lastCap();
    if (proc.capabilities) {
        auto& c = *proc.capabilities;
        p.caps.bounding = capMask(c.bounding, "bounding");
        p.caps.effective = capMask(c.effective, "effective");
        p.caps.permitted = capMask(c.permitted, "permitted");
        // CVE-2022-29162: inheritable stays empty unless the config asks for it.
        p.caps.inheritable = capMask(c.inheritable, "inheritable");
        p.caps.ambient = capMask(c.ambient, "ambient");
    }
    p.noNewPrivileges = proc.noNewPrivileges;
    p.oomScoreAdj = proc.oomScoreAdj;
    p.terminal = proc.terminal;
    if (p.terminal && options.consoleSocket.empty() && options.consoleSocketFd < 0)
        throw Error("process.terminal: a terminal needs --console-socket when detached");
    p.runtimeHooks = !spec.hooks.prestart.empty() || !spec.hooks.createRuntime.empty();
    planNamespaces(spec, p);
    if (spec.linux) {
        p.cgroup = cgroups::planContainerCgroup(spec, options.id);
        if (spec.linux->seccomp) {
            std::string cache = options.stateRoot.empty() ? "" : options.stateRoot + "/seccomp-cache";
            p.seccomp = compileSeccompCached(*spec.linux->seccomp,
                                             seccompOptionsFromAnnotations(spec.annotations), cache);
        }
    }
    p.spec = std::move(spec);
    p.rootfs = std::move(rootfs);
    p.options = std::move(options);
    return p;
}

}  // namespace berth::runtime
