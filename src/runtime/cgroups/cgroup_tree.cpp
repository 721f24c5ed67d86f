#include "runtime/cgroups/text_fields.hpp"
#include "runtime/cgroups/cgroup_tree.hpp"

#include <signal.h>
#include <time.h>

#include <algorithm>

#include "common/error.hpp"
#include "common/strings.hpp"

namespace berth::runtime::cgroups {
namespace {

void sleepMs(long ms) {
    timespec ts{ms / 1000, (ms % 1000) * 1000000L};
    ::nanosleep(&ts, nullptr);
}

void collectPids(CgroupFs& fs, const std::string& dir, std::vector<pid_t>& out) {
    std::string text;
    try {
        text = fs.read(dir + "/cgroup.procs");
    } catch (const Error& e) {
        if (e.errnum() == ENOENT || e.errnum() == ENODEV) return;  // removed meanwhile
        throw;
    }
    for (const auto& f : textFields(text)) {
        uint64_t pid;
        if (!parseUnsignedField(f, pid)) break;  // as `in >> pid` stops
        out.push_back(pid_t(pid));
    }
    for (auto& sub : fs.subdirs(dir)) collectPids(fs, dir + "/" + sub, out);
}

}  // namespace

std::vector<std::string> makeCgroupDirs(CgroupFs& fs, const std::string& mountPoint,
                                        const std::string& dir) {
    std::vector<std::string> created;
    if (dir == mountPoint) return created;
    if (!startsWith(dir, mountPoint + "/"))
        throw Error("cgroup dir " + dir + " is not below its hierarchy " + mountPoint);
    // Usually only the container's own dir is missing (its parent, e.g. /berth, exists): one
    // mkdir per hierarchy; the walk from the mount point only when a parent is missing.
    try {
        if (fs.mkdir(dir)) created.push_back(dir);
        return created;
    } catch (const Error& e) {
        if (e.errnum() != ENOENT) throw;
    }
    std::string path = mountPoint;
    try {
        for (auto& part : split(dir.substr(mountPoint.size() + 1), '/')) {
            if (part.empty()) continue;
            path += "/" + part;
            if (fs.mkdir(path)) created.push_back(path);
        }
    } catch (...) {
        for (auto it = created.rbegin(); it != created.rend(); ++it) fs.rmdir(*it);
        throw;
    }
    return created;
}

std::vector<pid_t> subtreePids(CgroupFs& fs, const std::string& dir) {
    std::vector<pid_t> pids;
    collectPids(fs, dir, pids);
    std::sort(pids.begin(), pids.end());
    pids.erase(std::unique(pids.begin(), pids.end()), pids.end());
    return pids;
}

void signalPids(const std::vector<pid_t>& pids, int signal) {
    for (pid_t pid : pids)
        if (::kill(pid, signal) < 0 && errno != ESRCH)
            throw SysError("kill " + std::to_string(pid));
}

void removeCgroupTree(CgroupFs& fs, const std::string& dir) {
    for (auto& sub : fs.subdirs(dir)) removeCgroupTree(fs, dir + "/" + sub);
    // EBUSY: a task that was killed is still exiting; runc retries for a while too.
    long delay = 1;
    for (int attempt = 0;; ++attempt) {
        int err = fs.rmdir(dir);
        if (err == 0 || err == ENOENT) return;
        if (err != EBUSY || attempt >= 12) throw SysError("rmdir " + dir, err);
        sleepMs(delay);
        delay = std::min(delay * 2, 200L);
    }
}

void writeCgroupProcs(CgroupFs& fs, const std::string& dir, pid_t pid) {
    for (int attempt = 0;; ++attempt) {
        try {
            fs.write(dir + "/cgroup.procs", std::to_string(pid));
            return;
        } catch (const Error& e) {
            if (e.errnum() != EINVAL || attempt >= 5) throw;
            sleepMs(30);
        }
    }
}

}  // namespace berth::runtime::cgroups
