#include "common/file_io.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.hpp"
#include "common/fd.hpp"

namespace berth {

std::string readFileAt(int dirfd, const std::string& path) {
    UniqueFd fd(::openat(dirfd, path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw SysError("open " + path);
    std::string out;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw SysError("read " + path);
        }
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

std::string readFile(const std::string& path) { return readFileAt(AT_FDCWD, path); }

static void writeAll(int fd, std::string_view data, const std::string& path) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            throw SysError("write " + path);
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
}

void writeFile(const std::string& path, std::string_view data) {
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    if (!fd) throw SysError("open " + path);
    writeAll(fd.get(), data, path);
}

namespace {

// Writes data to a temp file beside path and renames it over path, so readers see the old or
// the new content, never a part. durable: fsync the file before the rename and the directory
// after it (survives a power cut); without it only a crash of this process is covered.
void replaceViaTemp(const std::string& path, std::string_view data, unsigned mode, bool durable) {
    std::string tmp = path + ".tmp-" + std::to_string(::getpid());
    {
        UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
        if (!fd) throw SysError("open " + tmp);
        try {
            writeAll(fd.get(), data, tmp);
            if (durable && ::fsync(fd.get()) < 0) throw SysError("fsync " + tmp);
        } catch (...) {
            ::unlink(tmp.c_str());
            throw;
        }
    }
    if (::rename(tmp.c_str(), path.c_str()) < 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        throw SysError("rename " + tmp + " to " + path, err);
    }
    if (!durable) return;
    auto slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    UniqueFd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dfd) ::fsync(dfd.get());
}

}  // namespace

void writeFileAtomic(const std::string& path, std::string_view data, unsigned mode) {
    replaceViaTemp(path, data, mode, true);
}

void writeFileReplace(const std::string& path, std::string_view data, unsigned mode) {
    replaceViaTemp(path, data, mode, false);
}

void mkdirAll(const std::string& path, unsigned mode) {
    if (path.empty()) return;
    struct stat st;
    // Usually there already: one stat instead of a mkdir per component (~20 per `berth run`).
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return;
    // Else usually only the last component is missing (a container's upper/work/rootfs): one
    // mkdir; the parents only when it says they are missing too.
    if (::mkdir(path.c_str(), mode) == 0) return;
    if (errno == ENOENT) {
        auto slash = path.find_last_of('/');
        if (slash != std::string::npos && slash > 0) mkdirAll(path.substr(0, slash), mode);
        if (::mkdir(path.c_str(), mode) == 0) return;
    }
    if (errno != EEXIST) throw SysError("mkdir " + path);
    if (::stat(path.c_str(), &st) < 0) throw SysError("stat " + path);
    if (!S_ISDIR(st.st_mode)) throw Error("mkdir " + path + ": exists and is not a directory");
}

static void removeAllAt(int parentfd, const char* name, dev_t dev, const std::string& shown) {
    struct stat st;
    if (::fstatat(parentfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno == ENOENT) return;
        throw SysError("stat " + shown);
    }
    if (S_ISDIR(st.st_mode)) {
        if (st.st_dev != dev) throw Error("remove " + shown + ": is a mount point", EBUSY);
        UniqueFd dfd(::openat(parentfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!dfd && errno == ENOENT) return;  // deleted meanwhile (e.g. by the trash's deleter)
        if (!dfd) throw SysError("open " + shown);
        DIR* d = ::fdopendir(::dup(dfd.get()));
        if (!d) throw SysError("opendir " + shown);
        while (dirent* e = ::readdir(d)) {
            std::string n = e->d_name;
            if (n == "." || n == "..") continue;
            try {
                removeAllAt(dfd.get(), e->d_name, dev, shown + "/" + n);
            } catch (...) {
                ::closedir(d);
                throw;
            }
        }
        ::closedir(d);
        if (::unlinkat(parentfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
            throw SysError("rmdir " + shown);
    } else if (::unlinkat(parentfd, name, 0) < 0 && errno != ENOENT) {
        throw SysError("unlink " + shown);
    }
}

void removeAll(const std::string& path) {
    struct stat st;
    if (::lstat(path.c_str(), &st) < 0) {
        if (errno == ENOENT) return;
        throw SysError("stat " + path);
    }
    removeAllAt(AT_FDCWD, path.c_str(), st.st_dev, path);
}

bool pathExists(const std::string& path) {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace berth
