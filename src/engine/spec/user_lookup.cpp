#include "engine/spec/user_lookup.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <optional>
#include <sstream>

#include "common/error.hpp"
#include "common/safe_path.hpp"
#include "common/strings.hpp"

namespace berth::engine {

namespace {

std::optional<uint32_t> parseId(const std::string& s) {
    if (s.empty() || s.size() > 10) return std::nullopt;
    uint64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + uint64_t(c - '0');
    }
    if (v > 0xFFFFFFFFull) return std::nullopt;
    return uint32_t(v);
}

struct PasswdEntry {
    std::string name;
    uint32_t uid = 0, gid = 0;
    std::string home;
};
struct GroupEntry {
    std::string name;
    uint32_t gid = 0;
    std::vector<std::string> members;
};

std::vector<PasswdEntry> parsePasswd(const std::string& text) {
    std::vector<PasswdEntry> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        auto f = split(line, ':');
        if (f.size() < 4) continue;
        auto uid = parseId(f[2]);
        auto gid = parseId(f[3]);
        if (!uid || !gid) continue;
        out.push_back({f[0], *uid, *gid, f.size() > 5 ? f[5] : ""});
    }
    return out;
}

std::vector<GroupEntry> parseGroup(const std::string& text) {
    std::vector<GroupEntry> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        auto f = split(line, ':');
        if (f.size() < 3) continue;
        auto gid = parseId(f[2]);
        if (!gid) continue;
        GroupEntry g{f[0], *gid, {}};
        if (f.size() > 3)
            for (auto& m : split(f[3], ','))
                if (!m.empty()) g.members.push_back(m);
        out.push_back(std::move(g));
    }
    return out;
}

// Reads a small file inside the rootfs; "" when missing (Docker: no passwd file is fine for
// numeric ids).
std::string readInRoot(int rootfd, const char* path) {
    UniqueFd fd = tryOpenInRoot(rootfd, path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
    if (!fd.valid()) return "";
    std::string data;
    char buf[8192];
    while (data.size() < (4u << 20)) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw SysError(std::string("read ") + path + " in the container's rootfs");
        }
        if (n == 0) break;
        data.append(buf, size_t(n));
    }
    return data;
}

}  // namespace

ExecUser resolveUserFrom(const std::string& passwdText, const std::string& groupText,
                         const std::string& spec) {
    std::string userPart = spec, groupPart;
    auto colon = spec.find(':');
    if (colon != std::string::npos) {
        userPart = spec.substr(0, colon);
        groupPart = spec.substr(colon + 1);
    }
    if (userPart.empty()) userPart = "0";  // "" and ":grp" mean root
    auto passwd = parsePasswd(passwdText);
    auto groups = parseGroup(groupText);

    ExecUser u;
    std::string userName;
    auto numericUid = parseId(userPart);
    auto pw = std::find_if(passwd.begin(), passwd.end(), [&](const PasswdEntry& e) {
        return numericUid ? e.uid == *numericUid : e.name == userPart;
    });
    if (pw != passwd.end()) {
        u.uid = pw->uid;
        u.gid = pw->gid;
        u.home = pw->home.empty() ? "/" : pw->home;
        userName = pw->name;
    } else if (numericUid) {
        u.uid = *numericUid;
    } else {
        throw Error("unable to find user " + userPart + ": no matching entries in passwd file");
    }

    if (!groupPart.empty()) {
        auto numericGid = parseId(groupPart);
        auto gr = std::find_if(groups.begin(), groups.end(), [&](const GroupEntry& g) {
            return numericGid ? g.gid == *numericGid : g.name == groupPart;
        });
        if (gr != groups.end()) u.gid = gr->gid;
        else if (numericGid) u.gid = *numericGid;
        else throw Error("unable to find group " + groupPart + ": no matching entries in group file");
    }
    // Supplementary groups: the primary gid, then every group naming the user (runc's order).
    u.additionalGids.push_back(u.gid);
    if (!userName.empty())
        for (auto& g : groups)
            if (std::find(g.members.begin(), g.members.end(), userName) != g.members.end() &&
                std::find(u.additionalGids.begin(), u.additionalGids.end(), g.gid) ==
                    u.additionalGids.end())
                u.additionalGids.push_back(g.gid);
    return u;
}

ExecUser resolveUser(int rootfsFd, const std::string& spec) {
    return resolveUserFrom(readInRoot(rootfsFd, "/etc/passwd"), readInRoot(rootfsFd, "/etc/group"),
                           spec);
}

}  // namespace berth::engine
