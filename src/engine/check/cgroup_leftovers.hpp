// The cgroups the runtime makes for berth's containers ("/berth/<id>", absolute cgroupsPath,
// see spec_builder): one directory per hierarchy — every v1 controller mount
// (/sys/fs/cgroup/<ctl>/berth/<id>) and the cgroup2 mount (/sys/fs/cgroup/unified/berth/<id>
// on a hybrid host, /sys/fs/cgroup/berth/<id> on a pure v2 one). Found by scanning, so a cgroup
// whose runtime state is gone is found too.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace berth::engine::check {

// id → its cgroup directories, for every container cgroup under the berth parent.
// mountinfo/selfCgroup: /proc/self/mountinfo and /proc/self/cgroup ("" = read them).
std::map<std::string, std::vector<std::string>> scanContainerCgroups(
    const std::string& parent = "/berth", const std::string& mountinfo = "",
    const std::string& selfCgroup = "");

// Kills every process left in dir (and nested cgroups) and removes the directories bottom-up.
// Returns "" or what failed ("rmdir X: EBUSY").
std::string removeCgroupDir(const std::string& dir);

}  // namespace berth::engine::check
