// Device access rules: the container's effective list (spec rules, then linux.devices, then the
// standard devices every container gets, as runc does), their v1 devices.allow/deny strings, and
// the v2 eBPF program (BPF_PROG_TYPE_CGROUP_DEVICE) that enforces the same list.
#pragma once

#include <linux/bpf.h>

#include <string>
#include <vector>

#include "oci/linux_resources.hpp"
#include "oci/runtime_spec.hpp"

namespace berth::runtime::cgroups {

// The rules a container's cgroup enforces: linux.resources.devices in order, an allow rule for
// each linux.devices entry, then the default devices (null zero full random urandom tty console
// ptmx, pts, tun, and mknod of any device) like runc's AllowedDevices.
std::vector<oci::DeviceRule> containerDeviceRules(const std::vector<oci::DeviceRule>& specRules,
                                                  const std::vector<oci::Device>& linuxDevices);

// "c 1:3 rwm", "a *:* rwm"
std::string v1DeviceRuleString(const oci::DeviceRule& rule);

// The eBPF device filter: the kernel calls it on every open/mknod of a device node with
// {access_type = access << 16 | type, major, minor}; it returns 1 to allow, 0 to deny.
// Semantics of the rule list: the last matching rule wins; an "a *:* <rwm>" rule resets the
// default (deny-all or allow-all) and drops the rules before it; with no such rule the default
// is to allow, as a fresh v1 devices cgroup does.
std::vector<bpf_insn> deviceFilterProgram(const std::vector<oci::DeviceRule>& rules);

// Runs the program on one access (a tiny interpreter of exactly the instructions
// deviceFilterProgram emits), so unit tests can check the program's decisions.
// type: 'c' or 'b'; access: one or more of "rwm".
bool evaluateDeviceFilter(const std::vector<bpf_insn>& program, char type, uint32_t major,
                          uint32_t minor, const std::string& access);

}  // namespace berth::runtime::cgroups
