// A fake cgroup tree in a temp dir for the cgroup unit tests: v1 hierarchies and a cgroup2
// mount laid out like this host's /sys/fs/cgroup, where mkdir fills the new cgroup with the
// interface files its controllers have (as the kernel does), and every write is recorded.
#pragma once

#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/safe_path.hpp"
#include "common/strings.hpp"
#include "runtime/cgroups/cgroup_fs.hpp"
#include "runtime/cgroups/cgroup_layout.hpp"
#include "runtime/cgroups/cgroup_manager.hpp"
#include "support/test_support.hpp"

namespace berth::test {

inline const std::map<std::string, std::vector<std::string>>& v1ControllerFiles() {
    static const std::map<std::string, std::vector<std::string>> files = {
        {"cpu",
         {"cpu.shares=1024", "cpu.cfs_period_us=100000", "cpu.cfs_quota_us=-1",
          "cpu.cfs_burst_us=0", "cpu.rt_period_us=1000000", "cpu.rt_runtime_us=0", "cpu.idle=0",
          "cpu.stat=nr_periods 0\nnr_throttled 0\nthrottled_time 0\n"}},
        {"cpuacct",
         {"cpuacct.usage=0", "cpuacct.usage_percpu=0 0 ", "cpuacct.usage_percpu_sys=0 0 ",
          "cpuacct.usage_percpu_user=0 0 ", "cpuacct.stat=user 0\nsystem 0\n"}},
        {"cpuset", {"cpuset.cpus=", "cpuset.mems="}},
        {"memory",
         {"memory.limit_in_bytes=9223372036854771712",
          "memory.memsw.limit_in_bytes=9223372036854771712", "memory.soft_limit_in_bytes=0",
          "memory.kmem.tcp.limit_in_bytes=0", "memory.oom_control=oom_kill_disable 0\n",
          "memory.swappiness=60", "memory.use_hierarchy=1", "memory.usage_in_bytes=0",
          "memory.max_usage_in_bytes=0", "memory.failcnt=0", "memory.stat=cache 0\nrss 0\n",
          "memory.memsw.usage_in_bytes=0", "cgroup.event_control="}},
        {"devices", {"devices.allow=", "devices.deny=", "devices.list=a *:* rwm\n"}},
        {"freezer", {"freezer.state=THAWED"}},
        {"blkio",
         {"blkio.bfq.weight=100", "blkio.bfq.weight_device=", "blkio.throttle.read_bps_device=",
          "blkio.throttle.write_bps_device=", "blkio.throttle.read_iops_device=",
          "blkio.throttle.write_iops_device=", "blkio.throttle.io_service_bytes_recursive=",
          "blkio.throttle.io_serviced_recursive="}},
        {"pids", {"pids.max=max", "pids.current=0"}},
        {"hugetlb", {"hugetlb.2MB.limit_in_bytes=0", "hugetlb.1GB.limit_in_bytes=0"}},
        {"net_cls", {"net_cls.classid=0"}},
        {"net_prio", {"net_prio.ifpriomap="}},
        {"rdma", {"rdma.max="}},
    };
    return files;
}

inline const std::map<std::string, std::vector<std::string>>& v2ControllerFiles() {
    static const std::map<std::string, std::vector<std::string>> files = {
        {"memory",
         {"memory.max=max", "memory.low=0", "memory.high=max", "memory.swap.max=max",
          "memory.current=0", "memory.events=low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n",
          "memory.stat=file 0\n", "memory.swap.current=0"}},
        {"cpu", {"cpu.weight=100", "cpu.max=max 100000", "cpu.max.burst=0", "cpu.idle=0"}},
        {"cpuset", {"cpuset.cpus=", "cpuset.mems="}},
        {"pids", {"pids.max=max", "pids.current=0"}},
        {"io", {"io.weight=default 100", "io.max=", "io.stat="}},
        {"hugetlb",
         {"hugetlb.2MB.max=max", "hugetlb.2MB.rsvd.max=max", "hugetlb.2MB.current=0",
          "hugetlb.1GB.max=max", "hugetlb.1GB.rsvd.max=max"}},
        {"rdma", {"rdma.max="}},
    };
    return files;
}

// Recording seam over a fake tree. Paths in the log are relative to the tree root.
class FakeCgroupFs : public runtime::cgroups::RealCgroupFs {
  public:
    // v1: the v1 controllers mounted (each its own hierarchy); v2Controllers: what the cgroup2
    // mount offers. pureV2: the cgroup2 mount is the tree root itself.
    FakeCgroupFs(std::vector<std::string> v1, std::vector<std::string> v2Controllers, bool pureV2)
        : root_(dir_.path()), pureV2_(pureV2) {
        for (auto& c : v1) {
            std::string mp = root_ + "/" + c;
            mkdirAll(mp);
            v1Mounts_[mp] = c;
            populate(mp);
        }
        unified_ =
            pureV2 ? root_ : (v2Controllers.empty() && !v1.empty() ? "" : root_ + "/unified");
        if (!unified_.empty()) {
            mkdirAll(unified_);
            writeFile(unified_ + "/cgroup.controllers", join(v2Controllers, " "));
            writeFile(unified_ + "/cgroup.subtree_control", "");
            writeFile(unified_ + "/cgroup.procs", "");
        }
    }

    const std::string& root() const { return root_; }
    const std::string& unifiedMount() const { return unified_; }

    runtime::cgroups::CgroupLayout layout(const std::string& ownPath = "/") const {
        runtime::cgroups::CgroupLayout l;
        for (auto& [mp, c] : v1Mounts_) l.v1.push_back({{c}, mp, "/", ownPath});
        l.unifiedMount = unified_;
        l.unifiedOwnPath = ownPath;
        l.pureV2 = pureV2_;
        return l;
    }

    void write(const std::string& path, std::string_view value) override {
        std::string rel = path.substr(root_.size());
        writes.emplace_back(rel, std::string(value));
        if (failWrites.count(rel)) throw SysError("write " + path, failWrites[rel]);
        // cgroup.subtree_control takes "+ctl" deltas; the fake keeps the resulting set.
        if (endsWith(path, "/cgroup.subtree_control")) {
            std::string cur = trim(readFile(path));
            std::string add = std::string(value.substr(1));
            RealCgroupFs::write(path, cur.empty() ? add : cur + " " + add);
            // The kernel shows the controller's files in every child at once.
            std::string dir = path.substr(0, path.rfind('/'));
            for (auto& child : subdirs(dir)) {
                std::string c = dir + "/" + child;
                std::string have = trim(readFile(c + "/cgroup.controllers"));
                writeFile(c + "/cgroup.controllers", have.empty() ? add : have + " " + add);
                if (v2ControllerFiles().count(add))
                    for (auto& f : v2ControllerFiles().at(add)) put(c, f);
            }
            return;
        }
        RealCgroupFs::write(path, value);
    }

    std::string read(const std::string& path) override {
        auto it = readOverrides.find(path.substr(std::min(path.size(), root_.size())));
        if (startsWith(path, root_) && it != readOverrides.end()) return it->second;
        return RealCgroupFs::read(path);
    }

    bool mkdir(const std::string& path) override {
        bool made = RealCgroupFs::mkdir(path);
        if (made) populate(path);
        return made;
    }

    // rmdir of a cgroup: its interface files go with it; busy while it has processes.
    int rmdir(const std::string& path) override {
        if (!pathExists(path)) return ENOENT;
        if (!subdirs(path).empty()) return ENOTEMPTY;
        if (pathExists(path + "/cgroup.procs") && !trim(readFile(path + "/cgroup.procs")).empty())
            return EBUSY;
        removeAll(path);
        return 0;
    }

    bool isCgroup2(const std::string& path) override { return startsWith(path, unified_); }

    void replaceDeviceFilter(const std::string& dir, const std::vector<bpf_insn>& prog) override {
        deviceFilters.emplace_back(dir.substr(root_.size()), prog);
    }

    // Value last written to a file (relative path), or "<unwritten>".
    std::string lastWrite(const std::string& rel) const {
        for (auto it = writes.rbegin(); it != writes.rend(); ++it)
            if (it->first == rel) return it->second;
        return "<unwritten>";
    }
    std::vector<std::string> allWrites(const std::string& rel) const {
        std::vector<std::string> out;
        for (auto& w : writes)
            if (w.first == rel) out.push_back(w.second);
        return out;
    }
    void setFile(const std::string& rel, const std::string& content) {
        writeFile(root_ + rel, content);
    }
    std::string file(const std::string& rel) const { return readFile(root_ + rel); }

    std::vector<std::pair<std::string, std::string>> writes;
    std::vector<std::pair<std::string, std::vector<bpf_insn>>> deviceFilters;
    std::map<std::string, int> failWrites;             // rel path → errno to fail with
    std::map<std::string, std::string> readOverrides;  // rel path → what the "kernel" reports

  private:
    static void put(const std::string& dir, const std::string& spec) {
        auto eq = spec.find('=');
        writeFile(dir + "/" + spec.substr(0, eq), spec.substr(eq + 1));
    }

    void populate(const std::string& dir) {
        auto put = [&](const std::string& spec) { FakeCgroupFs::put(dir, spec); };
        for (auto& [mp, c] : v1Mounts_) {
            if (!isPathWithin(dir, mp)) continue;
            put("cgroup.procs=");
            put("tasks=");
            for (auto& f : v1ControllerFiles().at(c)) put(f);
            if (c == "cpuset" && dir == mp) {
                put("cpuset.cpus=0-1");
                put("cpuset.mems=0");
            }
            return;
        }
        if (!unified_.empty() && startsWith(dir, unified_ + "/")) {
            std::string parent = dir.substr(0, dir.rfind('/'));
            std::string enabled = trim(readFile(parent + "/cgroup.subtree_control"));
            for (auto& f : {"cgroup.procs=", "cgroup.subtree_control=", "cgroup.freeze=0",
                            "cgroup.events=populated 0\nfrozen 0\n",
                            "cgroup.kill=", "cpu.stat=", "cgroup.max.depth=max"})
                put(f);
            put("cgroup.controllers=" + enabled);
            for (auto& c : split(enabled, ' '))
                if (v2ControllerFiles().count(c))
                    for (auto& f : v2ControllerFiles().at(c)) put(f);
        }
    }

    TempDir dir_{"berth-cgfake"};
    std::string root_;
    bool pureV2_;
    std::map<std::string, std::string> v1Mounts_;  // mount point → controller
    std::string unified_;
};

// The manager of cgroup path in fs's layout, its directories created.
inline std::unique_ptr<runtime::cgroups::CgroupManager> createdCgroup(
    FakeCgroupFs& fs, const std::string& path = "/berth/c1") {
    auto m = runtime::cgroups::makeCgroupManager(fs, fs.layout(), {path, "c1"});
    m->create();
    return m;
}

}  // namespace berth::test
