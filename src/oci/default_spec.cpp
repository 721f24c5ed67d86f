// The config.json `berth-runtime spec` writes: the same document as `runc spec`
// (and `runc spec --rootless`), so bundles made for one run on the other.
#include <nlohmann/json.hpp>

#include "oci/runtime_spec.hpp"

namespace berth::oci {

nlohmann::json defaultSpecJson(bool rootless) {
    using nlohmann::json;
    json caps = json::array({"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"});
    json spec;
    spec["ociVersion"] = "1.2.0";
    spec["process"] = {
        {"terminal", true},
        {"user", {{"uid", 0}, {"gid", 0}}},
        {"args", {"sh"}},
        {"env", {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"}},
        {"cwd", "/"},
        {"capabilities",
         {{"bounding", caps}, {"effective", caps}, {"permitted", caps}}},
        {"rlimits", {{{"type", "RLIMIT_NOFILE"}, {"hard", 1024}, {"soft", 1024}}}},
        {"noNewPrivileges", true}};
    spec["root"] = {{"path", "rootfs"}, {"readonly", true}};
    spec["hostname"] = "berth";
    auto mount = [](const char* dest, const char* type, const char* src, json opts) {
        return json{{"destination", dest}, {"type", type}, {"source", src}, {"options", opts}};
    };
    spec["mounts"] = json::array(
        {mount("/proc", "proc", "proc", json::array()),
         mount("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
         mount("/dev/pts", "devpts", "devpts",
               rootless ? json{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"}
                        : json{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620",
                               "gid=5"}),
         mount("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}),
         mount("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}),
         rootless ? mount("/sys", "none", "/sys", {"rbind", "nosuid", "noexec", "nodev", "ro"})
                  : mount("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
         mount("/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"})});
    json namespaces = json::array(
        {{{"type", "pid"}}, {{"type", "network"}}, {{"type", "ipc"}}, {{"type", "uts"}},
         {{"type", "mount"}}, {{"type", "cgroup"}}});
    json linux;
    if (rootless) {
        namespaces = json::array({{{"type", "pid"}}, {{"type", "ipc"}}, {{"type", "uts"}},
                                  {{"type", "mount"}}, {{"type", "cgroup"}}, {{"type", "user"}}});
        linux["uidMappings"] = {{{"containerID", 0}, {"hostID", 1000}, {"size", 1}}};
        linux["gidMappings"] = {{{"containerID", 0}, {"hostID", 1000}, {"size", 1}}};
    } else {
        linux["resources"] = {{"devices", {{{"allow", false}, {"access", "rwm"}}}}};
    }
    linux["namespaces"] = namespaces;
    linux["maskedPaths"] = {"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                            "/proc/sched_debug", "/sys/firmware", "/proc/scsi"};
    linux["readonlyPaths"] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                              "/proc/sysrq-trigger"};
    spec["linux"] = linux;
    return spec;
}

}  // namespace berth::oci
