// Everything the container init needs, decided in the runtime before clone: namespace flags
// and the fds of namespaces to join, argv/envp, ids, rlimits, capability masks. The init then
// only makes syscalls with it. Pure decisions (planLaunch) are unit-testable without root.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/fd.hpp"
#include "oci/runtime_spec.hpp"
#include "runtime/cgroups/container_cgroup.hpp"
#include "runtime/seccomp/seccomp_filter.hpp"

namespace berth::runtime {

struct LaunchOptions {
    std::string id;
    std::string stateRoot;  // --root (the seccomp cache lives under it)
    std::string bundle;     // absolute
    std::string pidFile;
    std::string consoleSocket;
    int consoleSocketFd = -1;  // `run` in the foreground: its own socketpair end, used as
                               // the console socket when process.terminal is set
    bool noPivot = false;
    bool noNewKeyring = false;
    int preserveFds = 0;     // fds 3 .. 3+N-1 pass through to the container process
    bool foreground = false;  // `run`: started over the sync socket, no exec.fifo
};

struct PreparedRlimit {
    int resource = 0;
    rlimit limit{};
    std::string name;
};

// Bit n = capability number n.
struct CapabilityMasks {
    uint64_t bounding = 0, effective = 0, permitted = 0, inheritable = 0, ambient = 0;
};

struct NamespaceJoin {
    oci::NamespaceType type;
    int nstype = 0;  // CLONE_NEW*
    std::string path;
    std::string field;  // "linux.namespaces[2].path", for errors
    UniqueFd fd;        // opened by openNamespaceJoins()
};

struct LaunchPlan {
    oci::Spec spec;
    std::string configText;  // config.json as read (saved as is, not serialised again); may be ""

    std::string rootfs;  // absolute, checked
    LaunchOptions options;

    // Namespaces (namespaces.cpp). Fast path: one clone3 with newFlags makes the init.
    // Two-stage (joining by path, or a time namespace): a stage-1 child joins, unshares
    // newFlags, and clones the init with CLONE_PARENT (runc's nsexec order: join first).
    int newFlags = 0;  // CLONE_NEW* to create, without CLONE_NEWCGROUP (unshared in the init
                       // after it is in its cgroup)
    bool newUser = false, newPid = false, newMount = false, newUts = false, newCgroup = false,
         newTime = false, newNet = false;
    bool twoStage = false;
    std::vector<NamespaceJoin> joins;

    // Process (process_setup.cpp).
    std::vector<std::string> args, env;
    std::string path;  // PATH from env, for the lookup of args[0] inside the container
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;
    mode_t umask = 022;
    std::vector<PreparedRlimit> rlimits;
    CapabilityMasks caps;
    int lastCap = 40;  // /proc/sys/kernel/cap_last_cap: the bounding set is dropped up to it
    bool noNewPrivileges = false;
    std::optional<int> oomScoreAdj;
    bool terminal = false;
    bool runtimeHooks = false;  // prestart / createRuntime hooks: the parent runs them mid-setup

    // Issue-3 concerns, decided before anything exists on the host.
    std::optional<cgroups::CgroupPlan> cgroup;  // validated linux.resources + cgroupsPath
    std::optional<CompiledSeccomp> seccomp;     // the finished BPF program
};

// Validates what needs more than the JSON (and plans the cgroup and compiles the seccomp filter) (process present, rlimit names, capability names
// this kernel knows, terminal needs a console socket unless in the foreground...).
// Throws berth::Error naming the field.
LaunchPlan planLaunch(oci::Spec spec, std::string rootfs, LaunchOptions options);

}  // namespace berth::runtime
