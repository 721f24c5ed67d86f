#include "engine/check/cgroup_leftovers.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <thread>

#include "common/dir_entries.hpp"
#include "common/error.hpp"
#include "common/file_io.hpp"
#include "runtime/cgroups/cgroup_layout.hpp"

namespace berth::engine::check {

namespace {

namespace cg = berth::runtime::cgroups;

std::vector<std::string> subdirs(const std::string& dir) {
    std::vector<std::string> out;
    for (auto& n : dirEntries(dir)) {
        struct stat st {};
        if (::lstat((dir + "/" + n).c_str(), &st) == 0 && S_ISDIR(st.st_mode)) out.push_back(n);
    }
    return out;
}

bool isContainerId(const std::string& s) {
    return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::vector<pid_t> procsOf(const std::string& dir) {
    std::vector<pid_t> out;
    std::string text;
    try {
        text = readFile(dir + "/cgroup.procs");
    } catch (const Error&) {
        return out;
    }
    std::istringstream in(text);
    long pid;
    while (in >> pid)
        if (pid > 0) out.push_back(pid_t(pid));
    return out;
}

// Kills what runs in dir and below; waits up to ~2 s for the cgroups to empty.
void killProcs(const std::string& dir) {
    for (int round = 0; round < 100; ++round) {
        bool any = false;
        std::vector<std::string> stack{dir};
        while (!stack.empty()) {
            std::string d = stack.back();
            stack.pop_back();
            for (pid_t p : procsOf(d)) {
                ::kill(p, SIGKILL);
                any = true;
            }
            for (auto& s : subdirs(d)) stack.push_back(d + "/" + s);
        }
        if (!any) return;
        // A frozen v1 cgroup keeps its tasks from dying: thaw it.
        if (pathExists(dir + "/freezer.state")) {
            try {
                writeFile(dir + "/freezer.state", "THAWED");
            } catch (const Error&) {
            }
        }
        if (pathExists(dir + "/cgroup.freeze")) {
            try {
                writeFile(dir + "/cgroup.freeze", "0");
            } catch (const Error&) {
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

std::string rmdirTree(const std::string& dir) {
    for (auto& s : subdirs(dir)) {
        std::string err = rmdirTree(dir + "/" + s);
        if (!err.empty()) return err;
    }
    for (int attempt = 0;; ++attempt) {
        if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return "";
        if (errno != EBUSY || attempt >= 50)
            return "rmdir " + dir + ": " + errnoName(errno);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

}  // namespace

std::map<std::string, std::vector<std::string>> scanContainerCgroups(const std::string& parent,
                                                                     const std::string& mountinfo,
                                                                     const std::string& selfCgroup) {
    std::map<std::string, std::vector<std::string>> out;
    cg::CgroupLayout layout;
    try {
        layout = cg::parseCgroupLayout(mountinfo.empty() ? readFile("/proc/self/mountinfo") : mountinfo,
                                       selfCgroup.empty() ? readFile("/proc/self/cgroup") : selfCgroup);
    } catch (const Error&) {
        return out;
    }
    std::vector<std::string> parents;
    for (auto& h : layout.v1) parents.push_back(cg::resolveCgroupDir(h.mountPoint, h.mountRoot, h.ownPath, parent));
    if (!layout.unifiedMount.empty())
        parents.push_back(cg::resolveCgroupDir(layout.unifiedMount, layout.unifiedMountRoot,
                                               layout.unifiedOwnPath, parent));
    for (auto& p : parents)
        for (auto& id : subdirs(p))
            if (isContainerId(id)) out[id].push_back(p + "/" + id);
    return out;
}

std::string removeCgroupDir(const std::string& dir) {
    if (!pathExists(dir)) return "";
    killProcs(dir);
    return rmdirTree(dir);
}

}  // namespace berth::engine::check
