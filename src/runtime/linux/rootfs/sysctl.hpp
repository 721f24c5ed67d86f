// linux.sysctl (config-linux.md "Sysctl"): validation that each key is namespaced by a namespace
// the container has (runc validateSysctl), and the fd-relative write through the container's
// own /proc/sys.
#pragma once

#include <map>
#include <string>

#include "oci/runtime_spec.hpp"

namespace berth::runtime::rootfs {

// Throws berth::Error naming the key when a sysctl would change the host: net.* without a
// network namespace, kernel.{msg*,sem,shm*} and fs.mqueue.* without an ipc namespace,
// kernel.hostname/domainname without a uts namespace, and any key no namespace covers.
void validateSysctls(const oci::Spec& spec);

// "net.ipv4.ip_forward" → "/proc/sys/net/ipv4/ip_forward". Throws for keys that are empty or
// would climb out of /proc/sys.
std::string sysctlPath(const std::string& key);

// Writes each value through /proc/sys resolved inside rootFd, refusing a target that is not
// procfs (a fake /proc in the image must not swallow the write; CVE-2019-16884).
void applySysctls(int rootFd, const std::map<std::string, std::string>& sysctls);

}  // namespace berth::runtime::rootfs
