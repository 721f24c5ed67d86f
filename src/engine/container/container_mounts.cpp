#include "engine/container/container_mounts.hpp"

#include <sys/mount.h>

#include <algorithm>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/mountinfo.hpp"
#include "common/safe_path.hpp"

namespace berth::engine {

std::vector<std::string> mountsUnder(const std::string& dir, const std::string& mountinfoIn) {
    std::string text = mountinfoIn.empty() ? readFile("/proc/self/mountinfo") : mountinfoIn;
    std::vector<std::string> out;
    for (const auto& m : parseMountInfo(text))
        if (isPathWithin(m.mountPoint, dir)) out.push_back(m.mountPoint);
    // Deepest first (umount of a path always takes its topmost mount, so stacked ones go in
    // turn).
    std::stable_sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
        return std::count(a.begin(), a.end(), '/') > std::count(b.begin(), b.end(), '/');
    });
    return out;
}

std::vector<std::string> unmountAllUnder(const std::string& dir) {
    std::vector<std::string> done;
    for (int round = 0; round < 8; ++round) {
        auto points = mountsUnder(dir);
        if (points.empty()) break;
        for (auto& p : points) {
            if (::umount2(p.c_str(), UMOUNT_NOFOLLOW) == 0 ||
                (errno == EBUSY && ::umount2(p.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) == 0)) {
                done.push_back(p);
                continue;
            }
            if (errno == EINVAL || errno == ENOENT) continue;  // gone meanwhile
            throw SysError("unmount " + p);
        }
    }
    return done;
}

}  // namespace berth::engine
