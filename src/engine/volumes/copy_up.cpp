#include "engine/volumes/copy_up.hpp"

#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <map>
#include <utility>
#include <vector>

#include "common/dir_entries.hpp"
#include "common/error.hpp"
#include "common/fd.hpp"
#include "common/file_io.hpp"
#include "common/safe_path.hpp"

namespace berth::engine {

namespace {

// Every entry is opened relative to its parent's fd by one name with O_NOFOLLOW: nothing in the
// (untrusted) image tree can redirect the walk or the writes.
class TreeCopier {
  public:
    void copyDir(int srcDir, int dstDir, const std::string& rel) {
        std::vector<std::string> names;
        try {
            names = dirEntriesAt(srcDir);
        } catch (Error& e) {
            throw e.addContext("copy-up " + rel);
        }
        for (auto& n : names) copyEntry(srcDir, dstDir, n, rel + "/" + n);
    }

  private:
    void copyEntry(int srcDir, int dstDir, const std::string& name, const std::string& rel) {
        struct stat st {};
        if (::fstatat(srcDir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
            throw SysError("copy-up: stat " + rel);
        const char* n = name.c_str();
        if (!S_ISDIR(st.st_mode) && st.st_nlink > 1) {
            auto key = std::make_pair(st.st_dev, st.st_ino);
            auto it = links_.find(key);
            if (it != links_.end()) {
                if (::linkat(it->second.first, it->second.second.c_str(), dstDir, n, 0) == 0) return;
            }
        }
        if (S_ISDIR(st.st_mode)) {
            if (::mkdirat(dstDir, n, 0700) != 0) throw SysError("copy-up: mkdir " + rel);
            UniqueFd s(::openat(srcDir, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            UniqueFd d(::openat(dstDir, n, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!s || !d) throw SysError("copy-up: open " + rel);
            copyDir(s.get(), d.get(), rel);
            copyMeta(s.get(), d.get(), st, rel);
        } else if (S_ISREG(st.st_mode)) {
            UniqueFd s(::openat(srcDir, n, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
            if (!s) throw SysError("copy-up: open " + rel);
            UniqueFd d(::openat(dstDir, n, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
            if (!d) throw SysError("copy-up: create " + rel);
            off_t left = st.st_size;
            while (left > 0) {
                ssize_t w = ::copy_file_range(s.get(), nullptr, d.get(), nullptr, size_t(left), 0);
                if (w < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP))
                    w = ::sendfile(d.get(), s.get(), nullptr, size_t(left));
                if (w < 0 && errno == EINTR) continue;
                if (w < 0) throw SysError("copy-up: copy " + rel);
                if (w == 0) break;  // the file shrank meanwhile
                left -= w;
            }
            copyMeta(s.get(), d.get(), st, rel);
            if (st.st_nlink > 1) rememberLink(st, dstDir, name);
        } else if (S_ISLNK(st.st_mode)) {
            std::string target(size_t(st.st_size) + 1, '\0');
            ssize_t len = ::readlinkat(srcDir, n, target.data(), target.size());
            if (len < 0) throw SysError("copy-up: readlink " + rel);
            target.resize(size_t(len));
            if (::symlinkat(target.c_str(), dstDir, n) != 0) throw SysError("copy-up: symlink " + rel);
            if (::fchownat(dstDir, n, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) != 0)
                throw SysError("copy-up: chown " + rel);
            struct timespec ts[2] = {st.st_atim, st.st_mtim};
            ::utimensat(dstDir, n, ts, AT_SYMLINK_NOFOLLOW);
        } else {
            // fifo, socket, char and block devices
            if (::mknodat(dstDir, n, st.st_mode, st.st_rdev) != 0) throw SysError("copy-up: mknod " + rel);
            if (::fchownat(dstDir, n, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) != 0 ||
                ::fchmodat(dstDir, n, st.st_mode & 07777, 0) != 0)
                throw SysError("copy-up: chown " + rel);
            struct timespec ts[2] = {st.st_atim, st.st_mtim};
            ::utimensat(dstDir, n, ts, AT_SYMLINK_NOFOLLOW);
            if (st.st_nlink > 1) rememberLink(st, dstDir, name);
        }
    }

    void rememberLink(const struct stat& st, int dstDir, const std::string& name) {
        UniqueFd keep(::fcntl(dstDir, F_DUPFD_CLOEXEC, 0));
        if (!keep) return;
        links_[{st.st_dev, st.st_ino}] = {keep.get(), name};
        held_.push_back(std::move(keep));
    }

    std::map<std::pair<dev_t, ino_t>, std::pair<int, std::string>> links_;
    std::vector<UniqueFd> held_;

  public:
    // Owner before mode (chown clears set-id bits), xattrs, then times (last: writes bump them).
    static void copyMeta(int src, int dst, const struct stat& st, const std::string& rel) {
        if (::fchown(dst, st.st_uid, st.st_gid) != 0) throw SysError("copy-up: chown " + rel);
        if (::fchmod(dst, st.st_mode & 07777) != 0) throw SysError("copy-up: chmod " + rel);
        copyXattrs(src, dst, rel);
        struct timespec ts[2] = {st.st_atim, st.st_mtim};
        ::futimens(dst, ts);
    }

    static void copyXattrs(int src, int dst, const std::string& rel) {
        ssize_t len = ::flistxattr(src, nullptr, 0);
        if (len <= 0) return;
        std::string names(size_t(len), '\0');
        len = ::flistxattr(src, names.data(), names.size());
        if (len <= 0) return;
        names.resize(size_t(len));
        for (size_t i = 0; i < names.size();) {
            std::string key = names.c_str() + i;
            i += key.size() + 1;
            ssize_t vlen = ::fgetxattr(src, key.c_str(), nullptr, 0);
            if (vlen < 0) continue;
            std::string value(size_t(vlen), '\0');
            vlen = ::fgetxattr(src, key.c_str(), value.data(), value.size());
            if (vlen < 0) continue;
            if (::fsetxattr(dst, key.c_str(), value.data(), size_t(vlen), 0) != 0 &&
                errno != ENOTSUP && errno != EPERM)
                throw SysError("copy-up: setxattr " + key + " on " + rel);
        }
    }
};

}  // namespace

bool copyUpImagePath(int rootfsFd, const std::string& pathInRoot, const std::string& destDir,
                     const std::string& pendingMarker) {
    UniqueFd dst(::open(destDir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dst) throw SysError("copy-up: open " + destDir);
    if (!dirEntriesAt(dst.get()).empty()) return false;  // Docker: only into an empty volume
    UniqueFd src = tryOpenInRoot(rootfsFd, pathInRoot, O_RDONLY | O_DIRECTORY);
    if (!src) {
        if (errno == ENOENT || errno == ENOTDIR) return false;
        throw SysError("copy-up: open " + pathInRoot + " in the image");
    }
    struct stat st {};
    if (::fstat(src.get(), &st) != 0) throw SysError("copy-up: stat " + pathInRoot);
    // Not durable (no fsync): the copied files are not either; a killed process is the case.
    if (!pendingMarker.empty()) writeFileReplace(pendingMarker, pathInRoot + "\n", 0600);
    TreeCopier copier;
    copier.copyDir(src.get(), dst.get(), pathInRoot);
    TreeCopier::copyMeta(src.get(), dst.get(), st, pathInRoot);
    if (!pendingMarker.empty() && ::unlink(pendingMarker.c_str()) != 0 && errno != ENOENT)
        throw SysError("copy-up: remove " + pendingMarker);
    return true;
}

}  // namespace berth::engine
