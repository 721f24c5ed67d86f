// cgroup v2 backend: one directory in the unified hierarchy.
// Used alone on a pure v2 host, and inside CgroupV1Manager for the unified hierarchy of a
// hybrid host (placement, and the controllers that only live there, e.g. hugetlb).
#pragma once

#include <set>

#include "runtime/cgroups/cgroup_manager.hpp"

namespace berth::runtime::cgroups {

class CgroupV2Manager : public CgroupManager {
  public:
    // mountPoint: the cgroup2 mount; dir: the container's cgroup below it.
    CgroupV2Manager(CgroupFs& fs, std::string mountPoint, std::string dir);

    bool isUnifiedOnly() const override { return true; }
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

    const std::string& dir() const { return dir_; }
    const std::string& mountPoint() const { return mountPoint_; }
    // Controllers usable in the container's cgroup (the parent's cgroup.subtree_control).
    std::set<std::string> availableControllers();
    // Removes the levels create() made in this process (a failed create).
    void removeCreated();

  private:
    void setFrozen(bool frozen);
    void applyMemory(const oci::MemoryResources& m, bool update);
    void applyCpu(const oci::CpuResources& c);
    void applyIo(const oci::BlockIoResources& b);
    void applyHugetlb(const std::vector<oci::HugepageLimit>& limits);
    void applyUnified(const std::map<std::string, std::string>& unified);
    void write(const std::string& file, const std::string& value);
    std::string path(const std::string& file) const { return dir_ + "/" + file; }

    CgroupFs& fs_;
    std::string mountPoint_;
    std::string dir_;
    std::vector<std::string> created_;
};

// runc/crun conversions from the spec's v1 values (opencontainers/cgroups utils.go).
// Shares [2..262144] → weight [1..10000] on a log scale: 2→1, 1024→100, 262144→10000
// (the quadratic fit runc ≥ 1.3 / crun ≥ 1.23 use; 0 stays "unset").
uint64_t cpuSharesToWeight(uint64_t shares);
// blkio weight [10..1000] → io.weight [1..10000].
uint64_t blkioWeightToIoWeight(uint64_t weight);
// memory.swap.max from the spec's memory+swap total; -1 = max, 0 = leave unset.
int64_t memorySwapToV2(int64_t swap, int64_t limit);

}  // namespace berth::runtime::cgroups
