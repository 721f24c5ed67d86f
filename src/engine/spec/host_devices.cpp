#include "engine/spec/host_devices.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <set>

namespace berth::engine {

namespace {

void walk(const std::string& root, const std::string& dir, nlohmann::json& out) {
    static const std::set<std::string> skipped = {"pts", "shm", "fd", "mqueue", ".lxc",
                                                  ".lxd-mounts", ".udev"};
    DIR* d = ::opendir(dir.c_str());
    if (!d) return;
    while (struct dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        std::string path = dir + "/" + name;
        struct stat st {};
        if (::lstat(path.c_str(), &st) != 0) continue;
        if (S_ISDIR(st.st_mode)) {
            if (!skipped.count(name)) walk(root, path, out);
            continue;
        }
        if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)) continue;
        if (path == root + "/console") continue;
        out.push_back({{"path", "/dev" + path.substr(root.size())},
                       {"type", S_ISCHR(st.st_mode) ? "c" : "b"},
                       {"major", major(st.st_rdev)},
                       {"minor", minor(st.st_rdev)},
                       {"fileMode", st.st_mode & 07777},
                       {"uid", st.st_uid},
                       {"gid", st.st_gid}});
    }
    ::closedir(d);
}

}  // namespace

nlohmann::json hostDeviceNodes(const std::string& devDir) {
    nlohmann::json out = nlohmann::json::array();
    walk(devDir, devDir, out);
    return out;
}

}  // namespace berth::engine
