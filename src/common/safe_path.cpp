#include "common/safe_path.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <vector>

#include "common/error.hpp"

namespace berth {

static UniqueFd openat2InRoot(int rootfd, const std::string& path, int flags, unsigned mode,
                              unsigned long long resolve) {
    open_how how{};
    how.flags = static_cast<unsigned long long>(flags | O_CLOEXEC);
    how.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0;
    how.resolve = resolve;
    std::string rel = path;
    while (!rel.empty() && rel.front() == '/') rel.erase(0, 1);
    if (rel.empty()) rel = ".";
    for (;;) {
        long fd = ::syscall(SYS_openat2, rootfd, rel.c_str(), &how, sizeof how);
        if (fd >= 0) return UniqueFd(static_cast<int>(fd));
        // EAGAIN: a concurrent rename raced the lookup; the kernel asks us to retry.
        if (errno != EAGAIN && errno != EINTR) return UniqueFd();
    }
}

UniqueFd tryOpenInRoot(int rootfd, const std::string& path, int flags, unsigned mode) {
    return openat2InRoot(rootfd, path, flags, mode, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
}

UniqueFd tryOpenInRootNoSymlinks(int rootfd, const std::string& path, int flags, unsigned mode) {
    return openat2InRoot(rootfd, path, flags, mode,
                         RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
}

UniqueFd openInRoot(int rootfd, const std::string& path, int flags, unsigned mode) {
    UniqueFd fd = tryOpenInRoot(rootfd, path, flags, mode);
    if (!fd) throw SysError("open " + path + " in root");
    return fd;
}

std::string cleanPath(const std::string& path) {
    std::vector<std::string> parts;
    size_t i = 0;
    while (i <= path.size()) {
        size_t j = path.find('/', i);
        if (j == std::string::npos) j = path.size();
        std::string part = path.substr(i, j - i);
        if (part == "..") {
            if (!parts.empty()) parts.pop_back();
        } else if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        i = j + 1;
    }
    std::string out;
    for (auto& p : parts) out += "/" + p;
    if (out.empty()) out = "/";
    if (!path.empty() && path[0] != '/') out.erase(0, 1);
    return out.empty() ? "." : out;
}

bool isPathWithin(std::string_view path, std::string_view dir) {
    if (path.substr(0, dir.size()) != dir) return false;
    return path.size() == dir.size() || (!dir.empty() && dir.back() == '/') ||
           path[dir.size()] == '/';
}

std::pair<std::string, std::string> splitParent(const std::string& path) {
    std::string p = cleanPath("/" + path);
    auto slash = p.rfind('/');
    std::string dir = p.substr(0, slash);
    return {dir.empty() ? "/" : dir, p.substr(slash + 1)};
}

static UniqueFd mkdirAllInRootDepth(int rootfd, const std::string& path, unsigned mode, int depth) {
    if (depth > 40) throw Error("mkdir " + path + " in root: too many symlinks", ELOOP);
    std::string clean = cleanPath("/" + path);
    UniqueFd cur(::fcntl(rootfd, F_DUPFD_CLOEXEC, 3));
    if (!cur) throw SysError("dup root fd");
    std::string done;
    size_t i = 1;
    while (i < clean.size()) {
        size_t j = clean.find('/', i);
        if (j == std::string::npos) j = clean.size();
        std::string part = clean.substr(i, j - i);
        done += "/" + part;
        i = j + 1;
        // Resolve each step inside the root so a symlink component cannot lead out of it.
        UniqueFd next = tryOpenInRoot(rootfd, done, O_PATH | O_DIRECTORY);
        if (!next) {
            if (errno != ENOENT) throw SysError("open " + done + " in root");
            if (::mkdirat(cur.get(), part.c_str(), mode) < 0 && errno != EEXIST)
                throw SysError("mkdir " + done + " in root");
            char target[4096];
            ssize_t n = ::readlinkat(cur.get(), part.c_str(), target, sizeof target - 1);
            if (n > 0) {
                // A dangling symlink: create what it points at, interpreted inside the root.
                target[n] = 0;
                std::string parent = done.substr(0, done.rfind('/'));
                std::string dest = target[0] == '/' ? target : parent + "/" + target;
                mkdirAllInRootDepth(rootfd, dest, mode, depth + 1);
            }
            next = openInRoot(rootfd, done, O_PATH | O_DIRECTORY);
        }
        cur = std::move(next);
    }
    return cur;
}

UniqueFd mkdirAllInRoot(int rootfd, const std::string& path, unsigned mode) {
    // Most targets exist already (or only their last component is missing): one lookup of
    // the whole path, or of its parent, instead of one per component. Anything else (a
    // missing ancestor, a symlink to follow, an error to report) takes the component walk.
    std::string clean = cleanPath("/" + path);
    if (UniqueFd whole = tryOpenInRoot(rootfd, clean, O_PATH | O_DIRECTORY)) return whole;
    size_t slash = clean.rfind('/');
    if (errno != ENOENT || slash == 0 || slash == std::string::npos)
        return mkdirAllInRootDepth(rootfd, clean, mode, 0);
    UniqueFd parent = tryOpenInRoot(rootfd, clean.substr(0, slash), O_PATH | O_DIRECTORY);
    if (!parent) return mkdirAllInRootDepth(rootfd, clean, mode, 0);
    if (::mkdirat(parent.get(), clean.c_str() + slash + 1, mode) < 0 && errno != EEXIST)
        throw SysError("mkdir " + clean + " in root");
    if (UniqueFd made = tryOpenInRoot(rootfd, clean, O_PATH | O_DIRECTORY)) return made;
    // EEXIST of a dangling symlink (or a file): the walk follows or reports it.
    return mkdirAllInRootDepth(rootfd, clean, mode, 0);
}

std::string fdPath(int fd) {
    return "/proc/self/fd/" + std::to_string(fd);
}

}  // namespace berth
