// cgroup v1 backend: a directory per mounted hierarchy (cpu, cpuacct, memory, ..., and named
// ones like name=systemd). On a hybrid host it also owns the container's cgroup in the unified
// hierarchy (a CgroupV2Manager) for placement, clone3(CLONE_INTO_CGROUP), and the controllers
// that are bound to v2 there (this host: hugetlb).
#pragma once

#include "runtime/cgroups/cgroup_manager.hpp"
#include "runtime/cgroups/v2/cgroup_v2_manager.hpp"

namespace berth::runtime::cgroups {

struct V1Dir {
    std::vector<std::string> controllers;  // of the hierarchy
    std::string mountPoint;
    std::string dir;  // the container's cgroup in it
};

class CgroupV1Manager : public CgroupManager {
  public:
    // unified: the hybrid host's cgroup2 part, or null.
    CgroupV1Manager(CgroupFs& fs, std::vector<V1Dir> dirs,
                    std::unique_ptr<CgroupV2Manager> unified);

    bool isUnifiedOnly() const override { return false; }
    void create() override;
    void apply(const oci::LinuxResources& r, bool update = false) override;
    void addProcess(pid_t pid, bool alreadyInUnified = false) override;
    UniqueFd cloneIntoFd() override;
    void freeze() override;
    void thaw() override;
    FreezerState freezerState() override;
    void killAll(int signal) override;
    std::vector<pid_t> pids() override;
    CgroupStats stats() override;
    std::unique_ptr<OomWatcher> watchOom() override;
    void destroy() override;
    nlohmann::json toJson() const override;

    // The container's dir for a controller, "" if that controller has no v1 hierarchy.
    std::string dirOf(const std::string& controller) const;

  private:
    std::string need(const std::string& controller, const std::string& field) const;
    void removeCreated();
    void setFreezer(const std::string& state);
    void applyMemory(const oci::MemoryResources& m, bool update);
    void applyCpu(const oci::CpuResources& c);
    void applyBlkio(const oci::BlockIoResources& b);
    void applyHugetlb(const std::vector<oci::HugepageLimit>& limits);
    void applyNetwork(const oci::NetworkResources& n);
    void applyDevices(const std::vector<oci::DeviceRule>& rules);

    CgroupFs& fs_;
    std::vector<V1Dir> dirs_;
    std::unique_ptr<CgroupV2Manager> unified_;
    std::vector<std::string> created_;
};

}  // namespace berth::runtime::cgroups
