#include "runtime/linux/rootfs/sysctl.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <unistd.h>

#include <algorithm>

#include "common/error.hpp"
#include "common/safe_path.hpp"
#include "common/strings.hpp"
#include "runtime/linux/rootfs/plan_executor.hpp"

namespace berth::runtime::rootfs {
namespace {

// The IPC namespace's sysctls (ipc/ipc_sysctl.c, ipc/mq_sysctl.c).
constexpr const char* kIpcSysctls[] = {
    "kernel.msgmax",      "kernel.msgmnb",      "kernel.msgmni",      "kernel.sem",
    "kernel.shmall",      "kernel.shmmax",      "kernel.shmmni",      "kernel.shm_rmid_forced",
    "kernel.msg_next_id", "kernel.sem_next_id", "kernel.shm_next_id",
};

}  // namespace

void validateSysctls(const oci::Spec& spec) {
    if (!spec.linux) return;
    auto has = [&](oci::NamespaceType t) { return spec.linux->hasNamespace(t); };
    for (auto& [key, value] : spec.linux->sysctl) {
        withContext("linux.sysctl \"" + key + "\"", [&] {
            (void)sysctlPath(key);
            bool ipc = startsWith(key, "fs.mqueue.") ||
                       std::any_of(std::begin(kIpcSysctls), std::end(kIpcSysctls),
                                   [&](const char* k) { return key == k; });
            if (ipc) {
                if (!has(oci::NamespaceType::Ipc))
                    throw Error("not allowed without an ipc namespace (it would change the host)",
                                EPERM);
                return;
            }
            if (startsWith(key, "net.")) {
                if (!has(oci::NamespaceType::Network))
                    throw Error(
                        "not allowed without a network namespace (it would change the "
                        "host)",
                        EPERM);
                return;
            }
            if (key == "kernel.hostname" || key == "kernel.domainname") {
                if (!has(oci::NamespaceType::Uts))
                    throw Error("not allowed without a uts namespace (it would change the host)",
                                EPERM);
                return;
            }
            throw Error("not in a separate kernel namespace (it would change the host)", EPERM);
        });
    }
}

std::string sysctlPath(const std::string& key) {
    if (key.empty()) throw Error("empty sysctl key", EINVAL);
    std::string rel = key;
    std::replace(rel.begin(), rel.end(), '.', '/');
    for (auto& part : split(rel, '/'))
        if (part.empty() || part == "..")
            throw Error("malformed sysctl key \"" + key + "\"", EINVAL);
    return "/proc/sys/" + rel;
}

void applySysctls(int rootFd, const std::map<std::string, std::string>& sysctls) {
    for (auto& [key, value] : sysctls) {
        withContext("linux.sysctl \"" + key + "\"", [&] {
            std::string path = sysctlPath(key);
            UniqueFd fd = openInRoot(rootFd, path, O_WRONLY | O_NOFOLLOW);
            if (fsTypeOfFd(fd.get()) != PROC_SUPER_MAGIC)
                throw Error(path + " is not on procfs", EXDEV);
            ssize_t n = ::write(fd.get(), value.data(), value.size());
            if (n < 0) throw SysError("write " + path);
            if (static_cast<size_t>(n) != value.size()) throw Error("short write to " + path, EIO);
        });
    }
}

}  // namespace berth::runtime::rootfs
