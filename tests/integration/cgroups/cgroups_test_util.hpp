// Helpers for the real-kernel cgroup tests: unique cgroup paths, a guard that always destroys
// the cgroup and kills what is in it, and a way to start a process inside a cgroup.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/strings.hpp"
#include "runtime/cgroups/cgroup_manager.hpp"

namespace berth::test {

inline std::string uniqueCgroupPath(const std::string& what) {
    static std::atomic<int> n{0};
    return "/berth-c1-it-" + std::to_string(::getpid()) + "-" + std::to_string(n++) + "-" + what;
}

inline void sleepMs(long ms) {
    timespec ts{ms / 1000, (ms % 1000) * 1000000L};
    ::nanosleep(&ts, nullptr);
}

// Processes started by a test; killed and reaped on destruction whatever happened.
class Children {
  public:
    ~Children() {
        for (pid_t p : pids_) {
            ::kill(p, SIGKILL);
            ::waitpid(p, nullptr, 0);
        }
    }
    // Forks `sh -c script`; the child waits until the parent has put it in the cgroup.
    pid_t startIn(runtime::cgroups::CgroupManager& m, const std::string& script) {
        int go[2];
        if (::pipe2(go, O_CLOEXEC) < 0) throw SysError("pipe2");
        pid_t pid = ::fork();
        if (pid < 0) throw SysError("fork");
        if (pid == 0) {
            char c;
            ::close(go[1]);
            if (::read(go[0], &c, 1) != 1) _exit(126);
            ::execl("/bin/busybox", "sh", "-c", script.c_str(), (char*)nullptr);
            _exit(127);
        }
        ::close(go[0]);
        pids_.push_back(pid);
        try {
            m.addProcess(pid);
        } catch (...) {
            ::close(go[1]);
            throw;
        }
        if (::write(go[1], "x", 1) != 1) throw SysError("write go");
        ::close(go[1]);
        return pid;
    }
    void adopt(pid_t pid) { pids_.push_back(pid); }
    // waitpid with a timeout; returns the raw status or -1 on timeout.
    int wait(pid_t pid, int timeoutMs) {
        for (int waited = 0; waited < timeoutMs; waited += 10) {
            int status = 0;
            if (::waitpid(pid, &status, WNOHANG) == pid) {
                forget(pid);
                return status;
            }
            sleepMs(10);
        }
        return -1;
    }

  private:
    void forget(pid_t pid) {
        for (auto it = pids_.begin(); it != pids_.end(); ++it)
            if (*it == pid) {
                pids_.erase(it);
                return;
            }
    }
    std::vector<pid_t> pids_;
};

// Destroys the cgroup at scope exit (kills stragglers, removes every dir), even on failure.
struct CgroupGuard {
    explicit CgroupGuard(std::unique_ptr<runtime::cgroups::CgroupManager> mgr)
        : m(std::move(mgr)) {}
    CgroupGuard(CgroupGuard&&) = default;
    std::unique_ptr<runtime::cgroups::CgroupManager> m;
    ~CgroupGuard() {
        if (!m) return;
        try {
            m->thaw();
        } catch (...) {
        }
        try {
            m->destroy();
        } catch (...) {
        }
    }
    runtime::cgroups::CgroupManager* operator->() { return m.get(); }
};

inline std::string readTrim(const std::string& path) {
    return trim(readFile(path));
}

// The cgroup line of a process for one controller ("memory") or the v2 one ("").
inline std::string procCgroup(pid_t pid, const std::string& controller) {
    for (auto& line : split(readFile("/proc/" + std::to_string(pid) + "/cgroup"), '\n')) {
        auto a = line.find(':'), b = line.find(':', a + 1);
        if (a == std::string::npos || b == std::string::npos) continue;
        std::string ctls = line.substr(a + 1, b - a - 1);
        if (controller.empty()
                ? ctls.empty()
                : ("," + ctls + ",").find("," + controller + ",") != std::string::npos)
            return line.substr(b + 1);
    }
    return "";
}

}  // namespace berth::test
