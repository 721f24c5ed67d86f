// The syscall seam under the cgroup managers: every read, write, mkdir and rmdir of a cgroup
// file, the filesystem-type probe, and the eBPF device-filter attach go through CgroupFs.
// The managers decide which file gets which value; RealCgroupFs does it against the kernel,
// and unit tests wrap it to record writes against a fake tree in a temp dir.
#pragma once

#include <linux/bpf.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/fd.hpp"

namespace berth::runtime::cgroups {

class CgroupFs {
  public:
    virtual ~CgroupFs() = default;

    // Whole-file read; throws SysError naming the path.
    virtual std::string read(const std::string& path) = 0;
    // One write(2) of the whole value to an existing file (cgroup files parse each write on
    // its own); EINTR is retried. Throws SysError naming the path and the value.
    virtual void write(const std::string& path, std::string_view value) = 0;
    virtual bool exists(const std::string& path) = 0;
    // mkdir; returns false if it already existed. Throws on other errors.
    virtual bool mkdir(const std::string& path) = 0;
    // rmdir; returns the errno (0 on success, ENOENT if already gone).
    virtual int rmdir(const std::string& path) = 0;
    // Names of the sub-directories (child cgroups) of path.
    virtual std::vector<std::string> subdirs(const std::string& path) = 0;
    // statfs(path).f_type == CGROUP2_SUPER_MAGIC
    virtual bool isCgroup2(const std::string& path) = 0;
    // O_PATH-free directory fd (O_RDONLY|O_DIRECTORY|O_CLOEXEC), e.g. for CLONE_INTO_CGROUP.
    virtual UniqueFd openDir(const std::string& path) = 0;
    // Loads a BPF_PROG_TYPE_CGROUP_DEVICE program and attaches it to the cgroup dir with
    // BPF_F_ALLOW_MULTI, then detaches the programs that were attached before (update).
    virtual void replaceDeviceFilter(const std::string& cgroupDir,
                                     const std::vector<bpf_insn>& program) = 0;
};

// The real kernel.
class RealCgroupFs : public CgroupFs {
  public:
    std::string read(const std::string& path) override;
    void write(const std::string& path, std::string_view value) override;
    bool exists(const std::string& path) override;
    bool mkdir(const std::string& path) override;
    int rmdir(const std::string& path) override;
    std::vector<std::string> subdirs(const std::string& path) override;
    bool isCgroup2(const std::string& path) override;
    UniqueFd openDir(const std::string& path) override;
    void replaceDeviceFilter(const std::string& cgroupDir,
                             const std::vector<bpf_insn>& program) override;
};

}  // namespace berth::runtime::cgroups
