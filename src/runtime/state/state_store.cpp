#include "runtime/state/state_store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "runtime/cgroups/container_cgroup.hpp"

namespace berth::runtime {

const char* statusName(ContainerStatus s) {
    switch (s) {
        case ContainerStatus::Creating: return "creating";
        case ContainerStatus::Created: return "created";
        case ContainerStatus::Running: return "running";
        case ContainerStatus::Paused: return "paused";
        case ContainerStatus::Stopped: return "stopped";
    }
    return "unknown";
}

StateStore::StateStore(std::string root) : root_(std::move(root)) {
    while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

void StateStore::validateId(const std::string& id) {
    if (id.empty()) throw Error("container id must not be empty");
    if (id == "." || id == ".." || id.size() > 1024)
        throw Error("invalid container id \"" + id + "\"");
    for (char c : id) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '+' || c == '-' || c == '.';
        if (!ok)
            throw Error("invalid container id \"" + id +
                        "\": only letters, digits and _ + - . are allowed");
    }
}

namespace {

UniqueFd openAndLock(const std::string& path, const std::string& id) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT) throw Error("container " + id + " does not exist", ENOENT);
        throw SysError("open state dir " + path);
    }
    while (::flock(fd.get(), LOCK_EX) < 0)
        if (errno != EINTR) throw SysError("lock state dir " + path);
    return fd;
}

}  // namespace

ContainerLock StateStore::createAndLock(const std::string& id) const {
    validateId(id);
    mkdirAll(root_, 0700);
    std::string d = dir(id);
    if (::mkdir(d.c_str(), 0711) < 0) {
        if (errno == EEXIST) throw Error("container " + id + " already exists", EEXIST);
        throw SysError("mkdir state dir " + d);
    }
    return ContainerLock(openAndLock(d, id));
}

ContainerLock StateStore::lock(const std::string& id) const {
    validateId(id);
    ContainerLock l(openAndLock(dir(id), id));
    // A concurrent delete may have removed it while we waited for the lock.
    if (!pathExists(dir(id) + "/state.json"))
        throw Error("container " + id + " does not exist", ENOENT);
    return l;
}

bool StateStore::exists(const std::string& id) const {
    return pathExists(dir(id) + "/state.json");
}

void StateStore::save(const ContainerState& s) const {
    nlohmann::json j{{"ociVersion", s.ociVersion},
                     {"id", s.id},
                     {"pid", s.pid},
                     {"pidStartTime", s.pidStartTime},
                     {"bundle", s.bundle},
                     {"rootfs", s.rootfs},
                     {"created", s.created},
                     {"owner", s.owner},
                     {"annotations", s.annotations},
                     {"newPidNamespace", s.newPidNamespace},
                     {"started", s.started},
                     {"extra", s.extra}};
    writeFileReplace(dir(s.id) + "/state.json", j.dump(), 0600);
}

ContainerState StateStore::load(const std::string& id) const {
    validateId(id);
    std::string path = dir(id) + "/state.json";
    std::string text;
    try {
        text = readFile(path);
    } catch (const Error& e) {
        if (e.errnum() == ENOENT) throw Error("container " + id + " does not exist", ENOENT);
        throw;
    }
    try {
        auto j = nlohmann::json::parse(text);
        ContainerState s;
        s.ociVersion = j.value("ociVersion", "1.2.0");
        s.id = j.at("id").get<std::string>();
        s.pid = j.at("pid").get<pid_t>();
        s.pidStartTime = j.value("pidStartTime", uint64_t(0));
        s.bundle = j.value("bundle", "");
        s.rootfs = j.value("rootfs", "");
        s.created = j.value("created", "");
        s.owner = j.value("owner", "");
        s.annotations = j.value("annotations", std::map<std::string, std::string>{});
        s.newPidNamespace = j.value("newPidNamespace", true);
        s.started = j.value("started", false);
        if (j.contains("extra")) s.extra = j["extra"];
        return s;
    } catch (const nlohmann::json::exception& e) {
        throw Error(path + ": corrupt state: " + e.what());
    }
}

void StateStore::remove(const std::string& id) const {
    validateId(id);
    removeAll(dir(id));
}

std::vector<std::string> StateStore::list() const {
    std::vector<std::string> ids;
    DIR* d = ::opendir(root_.c_str());
    if (!d) {
        if (errno == ENOENT) return ids;
        throw SysError("open state root " + root_);
    }
    while (dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        if (pathExists(root_ + "/" + name + "/state.json")) ids.push_back(name);
    }
    ::closedir(d);
    std::sort(ids.begin(), ids.end());
    return ids;
}

uint64_t processStartTime(pid_t pid) {
    if (pid <= 0) return 0;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    int fd = ::open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    char buf[1024];
    ssize_t n = ::read(fd, buf, sizeof buf - 1);
    ::close(fd);
    if (n <= 0) return 0;
    buf[n] = 0;
    // "pid (comm) S ppid ..." — comm may hold spaces and ')', so scan from the last ')'.
    char* p = strrchr(buf, ')');
    if (!p) return 0;
    p += 2;  // state char
    if (*p == 'Z' || *p == 'X') return 0;
    // Fields after comm: 3=state ... 22=starttime → 20 more fields after state.
    int field = 3;
    while (*p && field < 22) {
        if (*p == ' ') ++field;
        ++p;
    }
    return strtoull(p, nullptr, 10);
}

bool processAlive(pid_t pid, uint64_t startTime) {
    uint64_t st = processStartTime(pid);
    if (st == 0) return false;
    return startTime == 0 || st == startTime;
}

ContainerStatus StateStore::status(const ContainerState& s) const {
    if (!processAlive(s.pid, s.pidStartTime)) return ContainerStatus::Stopped;
    if (!s.started && pathExists(fifoPath(s.id))) return ContainerStatus::Created;
    if (cgroups::containerCgroupFrozen(dir(s.id))) return ContainerStatus::Paused;
    return ContainerStatus::Running;
}

nlohmann::json StateStore::stateJson(const ContainerState& s, ContainerStatus st) const {
    nlohmann::json j{{"ociVersion", s.ociVersion},
                     {"id", s.id},
                     {"status", statusName(st)},
                     {"pid", st == ContainerStatus::Stopped ? 0 : s.pid},
                     {"bundle", s.bundle},
                     {"rootfs", s.rootfs},
                     {"created", s.created},
                     {"owner", s.owner}};
    if (!s.annotations.empty()) j["annotations"] = s.annotations;
    return j;
}

}  // namespace berth::runtime
