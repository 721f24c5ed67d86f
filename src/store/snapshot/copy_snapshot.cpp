#include "store/snapshot/copy_snapshot.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <map>

#include "common/dir_entries.hpp"
#include "common/error.hpp"
#include "common/fd.hpp"
#include "common/file_io.hpp"
#include "common/safe_path.hpp"
#include "store/unpack/layer_writer.hpp"

namespace berth::store {

namespace {

constexpr size_t kCopyBuffer = size_t{1} << 20;

// Reads the xattrs of a path (no-follow) given as /proc/self/fd/N/name.
std::vector<std::pair<std::string, std::string>> readXattrs(const std::string& path) {
    std::vector<std::pair<std::string, std::string>> out;
    ssize_t n = ::llistxattr(path.c_str(), nullptr, 0);
    if (n <= 0) return out;
    std::string names(static_cast<size_t>(n), '\0');
    n = ::llistxattr(path.c_str(), names.data(), names.size());
    if (n <= 0) return out;
    for (size_t i = 0; i < static_cast<size_t>(n);) {
        std::string key = names.c_str() + i;
        i += key.size() + 1;
        ssize_t len = ::lgetxattr(path.c_str(), key.c_str(), nullptr, 0);
        if (len < 0) continue;
        std::string value(static_cast<size_t>(len), '\0');
        len = ::lgetxattr(path.c_str(), key.c_str(), value.data(), value.size());
        if (len < 0) continue;
        value.resize(static_cast<size_t>(len));
        out.emplace_back(key, value);
    }
    return out;
}

bool isOpaque(const std::vector<std::pair<std::string, std::string>>& xattrs) {
    for (const auto& [k, v] : xattrs)
        if ((k == "trusted.overlay.opaque" || k == "user.overlay.opaque") && v == "y") return true;
    return false;
}

// Replays one overlay-form layer dir as archive entries into the writer (Apply mode).
class LayerReplayer {
  public:
    explicit LayerReplayer(LayerWriter& writer) : writer_(writer), buf_(kCopyBuffer) {}

    void replay(int dirFd, const std::string& rel) {
        for (const auto& name : dirEntriesAt(dirFd)) {
            std::string path = rel.empty() ? name : rel + "/" + name;
            struct stat st {};
            if (::fstatat(dirFd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0)
                throw SysError("stat " + path);
            std::string proc = fdPath(dirFd) + "/" + name;
            TarEntry e;
            e.name = path;
            e.type = st.st_mode & S_IFMT;
            e.perm = st.st_mode & 07777;
            e.uid = st.st_uid;
            e.gid = st.st_gid;
            e.mtime = st.st_mtim;
            e.atime = st.st_atim;
            if (S_ISCHR(st.st_mode) && st.st_rdev == 0) {  // overlayfs whiteout
                e.name = (rel.empty() ? "" : rel + "/") + ".wh." + name;
                e.type = S_IFREG;
                writer_.write(e, noData);
                continue;
            }
            e.xattrs = readXattrs(proc);
            if (S_ISDIR(st.st_mode)) {
                writer_.write(e, noData);
                if (isOpaque(e.xattrs)) {
                    TarEntry opq;
                    opq.name = path + "/.wh..wh..opq";
                    opq.type = S_IFREG;
                    writer_.write(opq, noData);
                }
                UniqueFd sub(
                    ::openat(dirFd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
                if (!sub) throw SysError("open " + path);
                replay(sub.get(), path);
            } else if (S_ISLNK(st.st_mode)) {
                char target[PATH_MAX];
                ssize_t n = ::readlinkat(dirFd, name.c_str(), target, sizeof target);
                if (n < 0) throw SysError("readlink " + path);
                e.linkName.assign(target, static_cast<size_t>(n));
                writer_.write(e, noData);
            } else if (S_ISREG(st.st_mode)) {
                if (st.st_nlink > 1) {
                    auto key = std::make_pair(st.st_dev, st.st_ino);
                    auto it = links_.find(key);
                    if (it != links_.end()) {
                        e.hardlink = true;
                        e.linkName = it->second;
                        writer_.write(e, noData);
                        continue;
                    }
                    links_.emplace(key, path);
                }
                UniqueFd fd(::openat(dirFd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
                if (!fd) throw SysError("open " + path);
                int64_t off = 0;
                writer_.write(e, [&]() -> DataBlock {
                    ssize_t n;
                    do {
                        n = ::read(fd.get(), buf_.data(), buf_.size());
                    } while (n < 0 && errno == EINTR);
                    if (n < 0) throw SysError("read " + path);
                    DataBlock b{off, buf_.data(), static_cast<size_t>(n)};
                    off += n;
                    return b;
                });
            } else {
                e.rdev = st.st_rdev;
                writer_.write(e, noData);
            }
        }
    }

  private:
    static DataBlock noData() { return {}; }
    LayerWriter& writer_;
    std::vector<char> buf_;
    std::map<std::pair<dev_t, ino_t>, std::string> links_;
};

}  // namespace

void CopySnapshot::create(const std::vector<std::string>& lowerDirsTopFirst,
                          const std::string& rootDir) {
    struct stat st {};
    if (::lstat(rootDir.c_str(), &st) == 0)
        throw Error("copy snapshot " + rootDir + ": already exists", EEXIST);
    std::string tmpl = rootDir + ".copy-XXXXXX";
    if (!::mkdtemp(tmpl.data())) throw SysError("copy snapshot: create " + tmpl);
    const std::string tmp = tmpl;
    try {
        UniqueFd root(::open(tmp.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!root || ::fchmod(root.get(), 0755) < 0) throw SysError("open " + tmp);
        LayerWriter::Settings settings;
        settings.whiteouts = WhiteoutMode::Apply;
        settings.privileged = ::geteuid() == 0;
        settings.preserveOwners = settings.privileged;
        for (auto it = lowerDirsTopFirst.rbegin(); it != lowerDirsTopFirst.rend(); ++it) {
            UniqueFd layer(::open(it->c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
            if (!layer) throw SysError("open layer " + *it);
            withContext("copy layer " + *it, [&] {
                LayerWriter writer(root.get(), settings);
                LayerReplayer(writer).replay(layer.get(), "");
                writer.finish();
            });
        }
        if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, rootDir.c_str(), RENAME_NOREPLACE) < 0)
            throw SysError("rename " + tmp + " to " + rootDir);
    } catch (...) {
        try {
            removeAll(tmp);
        } catch (...) {
        }
        throw;
    }
}

void CopySnapshot::remove(const std::string& rootDir) {
    removeAll(rootDir);
}

}  // namespace berth::store
