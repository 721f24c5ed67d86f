#include "runtime/cgroups/cgroup_fs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "common/error.hpp"
#include "common/file_io.hpp"

namespace berth::runtime::cgroups {

std::string RealCgroupFs::read(const std::string& path) {
    return readFile(path);
}

void RealCgroupFs::write(const std::string& path, std::string_view value) {
    // O_TRUNC as runc does; no O_CREAT: a missing file means an absent controller or feature.
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC));
    if (!fd) throw SysError("open " + path);
    for (;;) {
        ssize_t n = ::write(fd.get(), value.data(), value.size());
        if (n >= 0) return;
        if (errno != EINTR) throw SysError("write \"" + std::string(value) + "\" to " + path);
    }
}

bool RealCgroupFs::exists(const std::string& path) {
    return ::access(path.c_str(), F_OK) == 0;
}

bool RealCgroupFs::mkdir(const std::string& path) {
    if (::mkdir(path.c_str(), 0755) == 0) return true;
    if (errno == EEXIST) return false;
    throw SysError("mkdir " + path);
}

int RealCgroupFs::rmdir(const std::string& path) {
    return ::rmdir(path.c_str()) == 0 ? 0 : errno;
}

std::vector<std::string> RealCgroupFs::subdirs(const std::string& path) {
    std::vector<std::string> out;
    DIR* d = ::opendir(path.c_str());
    if (!d) {
        if (errno == ENOENT) return out;
        throw SysError("opendir " + path);
    }
    while (dirent* e = ::readdir(d)) {
        if (e->d_type != DT_DIR || !std::strcmp(e->d_name, ".") || !std::strcmp(e->d_name, ".."))
            continue;
        out.emplace_back(e->d_name);
    }
    ::closedir(d);
    return out;
}

bool RealCgroupFs::isCgroup2(const std::string& path) {
    struct statfs st {};
    if (::statfs(path.c_str(), &st) < 0) return false;
    return st.f_type == CGROUP2_SUPER_MAGIC;
}

UniqueFd RealCgroupFs::openDir(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) throw SysError("open " + path);
    return fd;
}

namespace {

long bpf(int cmd, bpf_attr& attr) {
    return ::syscall(__NR_bpf, cmd, &attr, sizeof attr);
}

}  // namespace

void RealCgroupFs::replaceDeviceFilter(const std::string& cgroupDir,
                                       const std::vector<bpf_insn>& program) {
    UniqueFd dir = openDir(cgroupDir);

    // Programs attached before this one (an update replaces them once the new one is in).
    std::vector<uint32_t> oldIds(64);
    bpf_attr query{};
    query.query.target_fd = uint32_t(dir.get());
    query.query.attach_type = BPF_CGROUP_DEVICE;
    query.query.prog_ids = uint64_t(uintptr_t(oldIds.data()));
    query.query.prog_cnt = uint32_t(oldIds.size());
    if (bpf(BPF_PROG_QUERY, query) < 0) throw SysError("bpf(BPF_PROG_QUERY) on " + cgroupDir);
    oldIds.resize(query.query.prog_cnt);

    static const char license[] = "Apache";
    bpf_attr load{};
    load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    load.insns = uint64_t(uintptr_t(program.data()));
    load.insn_cnt = uint32_t(program.size());
    load.license = uint64_t(uintptr_t(license));
    UniqueFd prog(int(bpf(BPF_PROG_LOAD, load)));
    if (!prog) {
        int err = errno;
        // Load again with the verifier's log, to say why it was refused.
        std::vector<char> log(65536);
        load.log_buf = uint64_t(uintptr_t(log.data()));
        load.log_size = uint32_t(log.size());
        load.log_level = 1;
        UniqueFd again(int(bpf(BPF_PROG_LOAD, load)));
        throw SysError("bpf(BPF_PROG_LOAD) device filter: " + std::string(log.data()), err);
    }

    bpf_attr attach{};
    attach.target_fd = uint32_t(dir.get());
    attach.attach_bpf_fd = uint32_t(prog.get());
    attach.attach_type = BPF_CGROUP_DEVICE;
    attach.attach_flags = BPF_F_ALLOW_MULTI;
    if (bpf(BPF_PROG_ATTACH, attach) < 0)
        throw SysError("bpf(BPF_PROG_ATTACH) device filter to " + cgroupDir);

    for (uint32_t id : oldIds) {
        bpf_attr byId{};
        byId.prog_id = id;
        UniqueFd old(int(bpf(BPF_PROG_GET_FD_BY_ID, byId)));
        if (!old) continue;  // already gone
        bpf_attr detach{};
        detach.target_fd = uint32_t(dir.get());
        detach.attach_bpf_fd = uint32_t(old.get());
        detach.attach_type = BPF_CGROUP_DEVICE;
        if (bpf(BPF_PROG_DETACH, detach) < 0 && errno != ENOENT)
            throw SysError("bpf(BPF_PROG_DETACH) old device filter from " + cgroupDir);
    }
}

}  // namespace berth::runtime::cgroups
