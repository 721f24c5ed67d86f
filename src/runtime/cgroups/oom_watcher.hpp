// OOM-kill notifications for `events`:
//   v1: an eventfd registered on memory.oom_control through cgroup.event_control
//       (cgroup-v1/memory.rst "OOM Control"); the eventfd also fires when the cgroup is removed.
//   v2: inotify on memory.events; the oom_kill counter says how many were killed.
#pragma once

#include <memory>
#include <string>

#include "runtime/cgroups/cgroup_manager.hpp"

namespace berth::runtime::cgroups {

std::unique_ptr<OomWatcher> makeV1OomWatcher(CgroupFs& fs, const std::string& memoryDir);
std::unique_ptr<OomWatcher> makeV2OomWatcher(CgroupFs& fs, const std::string& dir);

}  // namespace berth::runtime::cgroups
