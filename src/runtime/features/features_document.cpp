#include "runtime/features/features_document.hpp"

#include <seccomp.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "oci/capabilities.hpp"
#include "oci/seccomp_config.hpp"
#include "runtime/seccomp/seccomp_filter.hpp"

namespace berth::runtime {
namespace {

using nlohmann::json;

// Mount options the rootfs code (runtime/linux/rootfs/mount_options.cpp) gives a meaning;
// features.md: "The runtime MUST recognize the elements in this array". Filesystem data
// options ("size=", "mode=") are passed through and not listed, as the spec asks.
const char* const kMountOptions[] = {"acl",          "async",       "atime",          "bind",
                                     "defaults",     "dev",         "diratime",       "dirsync",
                                     "exec",         "iversion",    "lazytime",       "loud",
                                     "mand",         "noacl",       "noatime",        "nodev",
                                     "nodiratime",   "noexec",      "noiversion",     "nolazytime",
                                     "nomand",       "norelatime",  "nostrictatime",  "nosuid",
                                     "nosymfollow",  "private",     "ratime",         "rbind",
                                     "rdev",         "rdiratime",   "relatime",       "remount",
                                     "rexec",        "rnoatime",    "rnodev",         "rnodiratime",
                                     "rnoexec",      "rnorelatime", "rnostrictatime", "rnosuid",
                                     "rnosymfollow", "ro",          "rprivate",       "rrelatime",
                                     "rro",          "rrw",         "rshared",        "rslave",
                                     "rstrictatime", "rsuid",       "rsymfollow",     "runbindable",
                                     "rw",           "shared",      "silent",         "slave",
                                     "strictatime",  "suid",        "sync",           "unbindable"};

json capabilityNames() {
    // Every capability the config parser knows (CAP_CHOWN .. CAP_CHECKPOINT_RESTORE): our own
    // table, so the runtime needs no libcap (its constructor probed the kernel at every start).
    return oci::allCapabilityNames();
}

json seccompArchs() {
    json out = json::array();
    for (auto& name : oci::knownSeccompArchitectures()) {
        std::string token = name.substr(std::string("SCMP_ARCH_").size());
        for (auto& ch : token) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if (seccomp_arch_resolve_name(token.c_str()) != 0) out.push_back(name);
    }
    std::sort(out.begin(), out.end());
    return out;
}

json sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

}  // namespace

json featuresDocument() {
    json linux{
        {"namespaces", {"cgroup", "ipc", "mount", "network", "pid", "time", "user", "uts"}},
        {"capabilities", capabilityNames()},
        // cgroup v1 and v2 are both implemented (runtime/cgroups); no systemd driver, no rdma.
        {"cgroup",
         {{"v1", true}, {"v2", true}, {"systemd", false}, {"systemdUser", false}, {"rdma", false}}},
        {"seccomp",
         {{"enabled", seccompAvailable()},
          {"actions", sorted(oci::knownSeccompActions())},
          {"operators", sorted(oci::knownSeccompOps())},
          {"archs", seccompArchs()},
          {"knownFlags", oci::knownSeccompFlags()},
          {"supportedFlags", supportedSeccompFlags()}}},
        {"apparmor", {{"enabled", false}}},
        {"selinux", {{"enabled", false}}},
        {"intelRdt", {{"enabled", false}}},
        {"mountExtensions", {{"idmap", {{"enabled", false}}}}},
    };
    json mountOptions = json::array();
    for (auto* o : kMountOptions) mountOptions.push_back(o);
    return json{
        {"ociVersionMin", "1.0.0"},
        {"ociVersionMax", "1.2.0"},
        {"hooks",
         {"prestart", "createRuntime", "createContainer", "startContainer", "poststart",
          "poststop"}},
        {"mountOptions", mountOptions},
        {"linux", linux},
        {"annotations",
         {{"io.github.seccomp.libseccomp.version", libseccompVersion()},
          {"org.berth.runtime.version", "0.1.0"},
          {"run.oci.seccomp_fail_unknown_syscall", "recognized"}}},
    };
}

}  // namespace berth::runtime
