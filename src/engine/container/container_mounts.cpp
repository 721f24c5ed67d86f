#include "engine/container/container_mounts.hpp"

#include <sys/mount.h>

#include <algorithm>
#include <sstream>

#include "common/error.hpp"
#include "common/file_io.hpp"

namespace berth::engine {

namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape(const std::string& s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size()) {
            int v = 0;
            bool ok = true;
            for (size_t k = 1; k <= 3; ++k) {
                char c = s[i + k];
                if (c < '0' || c > '7') ok = false;
                v = v * 8 + (c - '0');
            }
            if (ok) {
                out += char(v);
                i += 3;
                continue;
            }
        }
        out += s[i];
    }
    return out;
}

}  // namespace

std::vector<std::string> mountsUnder(const std::string& dir, const std::string& mountinfoIn) {
    std::string text = mountinfoIn.empty() ? readFile("/proc/self/mountinfo") : mountinfoIn;
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        // id parent major:minor root mountpoint ...
        std::istringstream f(line);
        std::string id, parent, dev, root, point;
        if (!(f >> id >> parent >> dev >> root >> point)) continue;
        point = unescape(point);
        if (point == dir || point.compare(0, dir.size() + 1, dir + "/") == 0) out.push_back(point);
    }
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
