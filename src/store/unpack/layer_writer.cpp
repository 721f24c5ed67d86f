#include "store/unpack/layer_writer.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "common/error.hpp"
#include "common/safe_path.hpp"
#include "store/unpack/entry_path.hpp"

namespace berth::store {

namespace {

constexpr size_t kDirCacheMax = 1024;

bool isOverlayXattr(const std::string& name) {
    // Only a ".wh..wh..opq" entry may make a dir opaque; an archive setting overlayfs'
    // own xattrs (opaque, redirect, metacopy) could reshape the merged tree.
    return name.rfind("trusted.overlay.", 0) == 0 || name.rfind("user.overlay.", 0) == 0;
}

void writeAll(int fd, const void* data, size_t len) {
    auto* p = static_cast<const char*>(data);
    while (len > 0) {
        ssize_t n = ::write(fd, p, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw SysError("write");
        }
        p += n;
        len -= static_cast<size_t>(n);
    }
}

timespec accessTime(const TarEntry& e) {
    return e.atime.tv_nsec == UTIME_OMIT ? e.mtime : e.atime;
}

// Empties the directory at dirFd without following symlinks or crossing into other trees.
void removeTreeContents(int dirFd) {
    int dupFd = ::fcntl(dirFd, F_DUPFD_CLOEXEC, 3);
    if (dupFd < 0) throw SysError("dup dir fd");
    DIR* dir = ::fdopendir(dupFd);
    if (!dir) {
        ::close(dupFd);
        throw SysError("opendir");
    }
    std::vector<std::string> names;
    while (dirent* d = ::readdir(dir)) {
        std::string n = d->d_name;
        if (n != "." && n != "..") names.push_back(n);
    }
    ::closedir(dir);
    for (const auto& n : names) {
        if (::unlinkat(dirFd, n.c_str(), 0) == 0 || errno == ENOENT) continue;
        if (errno != EISDIR && errno != EPERM) throw SysError("unlink " + n);
        UniqueFd sub(::openat(dirFd, n.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!sub) throw SysError("open " + n);
        removeTreeContents(sub.get());
        if (::unlinkat(dirFd, n.c_str(), AT_REMOVEDIR) < 0) throw SysError("rmdir " + n);
    }
}

}  // namespace

LayerWriter::LayerWriter(int rootFd, Settings settings) : rootFd_(rootFd), settings_(settings) {
    rootShared_ = std::make_shared<UniqueFd>(::fcntl(rootFd, F_DUPFD_CLOEXEC, 3));
    if (!*rootShared_) throw SysError("dup layer root fd");
}

UniqueFd LayerWriter::openDirNoFollow(const std::vector<std::string>& comps, size_t n,
                                      bool create) {
    std::string rel = joinComponents(comps, n);
    UniqueFd fd = tryOpenInRootNoSymlinks(rootFd_, rel, O_PATH | O_DIRECTORY);
    if (fd) return fd;
    // Walk component by component for a precise error, creating missing dirs if asked.
    UniqueFd cur(::fcntl(rootFd_, F_DUPFD_CLOEXEC, 3));
    if (!cur) throw SysError("dup layer root fd");
    for (size_t i = 0; i < n; ++i) {
        const std::string& part = comps[i];
        std::string sofar = joinComponents(comps, i + 1);
        UniqueFd next = tryOpenInRootNoSymlinks(cur.get(), part, O_PATH | O_DIRECTORY);
        if (!next && errno == ENOENT && create) {
            if (::mkdirat(cur.get(), part.c_str(), 0755) < 0 && errno != EEXIST)
                throw SysError("mkdir \"" + sofar + "\"");
            next = tryOpenInRootNoSymlinks(cur.get(), part, O_PATH | O_DIRECTORY);
        }
        if (!next) {
            int err = errno;
            if (err == ELOOP) throw Error("path goes through the symlink \"" + sofar + "\"", ELOOP);
            if (err == ENOTDIR) throw Error("\"" + sofar + "\" is not a directory", ENOTDIR);
            throw SysError("open \"" + sofar + "\"", err);
        }
        cur = std::move(next);
    }
    return cur;
}

std::shared_ptr<UniqueFd> LayerWriter::parentDir(const std::vector<std::string>& comps, size_t n) {
    if (n == 0) return rootShared_;
    std::string key = joinComponents(comps, n);
    auto it = dirCache_.find(key);
    if (it != dirCache_.end()) return it->second;
    auto fd = std::make_shared<UniqueFd>(openDirNoFollow(comps, n, true));
    if (dirCache_.size() >= kDirCacheMax) dirCache_.clear();
    dirCache_.emplace(key, fd);
    return fd;
}

void LayerWriter::removeEntry(int parentFd, const std::string& name) {
    if (::unlinkat(parentFd, name.c_str(), 0) == 0 || errno == ENOENT) return;
    if (errno != EISDIR && errno != EPERM) throw SysError("remove \"" + name + "\"");
    UniqueFd dir(::openat(parentFd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dir) throw SysError("open \"" + name + "\" to remove it");
    removeTreeContents(dir.get());
    if (::unlinkat(parentFd, name.c_str(), AT_REMOVEDIR) < 0)
        throw SysError("rmdir \"" + name + "\"");
    dirCache_.clear();  // cached fds may point into the removed tree
}

void LayerWriter::removeChildren(int dirFd, const std::string& relPath) {
    UniqueFd dir(::openat(dirFd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir) throw SysError("open \"" + relPath + "\"");
    int dupFd = ::fcntl(dir.get(), F_DUPFD_CLOEXEC, 3);
    DIR* d = dupFd >= 0 ? ::fdopendir(dupFd) : nullptr;
    if (!d) {
        if (dupFd >= 0) ::close(dupFd);
        throw SysError("opendir \"" + relPath + "\"");
    }
    std::vector<std::pair<std::string, bool>> children;
    while (dirent* ent = ::readdir(d)) {
        std::string n = ent->d_name;
        if (n != "." && n != "..") children.emplace_back(n, ent->d_type == DT_DIR);
    }
    ::closedir(d);
    for (const auto& [n, isDir] : children) {
        std::string rel = relPath == "." ? n : relPath + "/" + n;
        if (!written_.count(rel)) {
            removeEntry(dir.get(), n);
        } else if (isDir) {
            UniqueFd sub(
                ::openat(dir.get(), n.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (sub) removeChildren(sub.get(), rel);
        }
    }
}

void LayerWriter::markWritten(const std::vector<std::string>& comps) {
    if (settings_.whiteouts != WhiteoutMode::Apply) return;
    for (size_t i = 1; i <= comps.size(); ++i) written_.insert(joinComponents(comps, i));
}

void LayerWriter::write(const TarEntry& e, const DataFn& data) {
    std::vector<std::string> comps = entryComponents(e.name);
    if (comps.empty()) {
        // The layer root itself ("./"): only its metadata.
        if (e.type != S_IFDIR) throw Error("the layer root must be a directory", EINVAL);
        if (settings_.preserveOwners && ::fchown(rootFd_, e.uid, e.gid) < 0)
            throw SysError("chown layer root");
        if (::fchmod(rootFd_, settings_.privileged ? e.perm : (e.perm | 0700)) < 0)
            throw SysError("chmod layer root");
        dirFixups_.push_back({".", e.mtime, settings_.privileged ? -1 : int(e.perm)});
        return;
    }
    const std::string& base = comps.back();
    switch (settings_.whiteouts == WhiteoutMode::None ? WhiteoutKind::None : whiteoutKind(base)) {
        case WhiteoutKind::AufsMeta:
            return;
        case WhiteoutKind::Opaque: {
            comps.pop_back();
            writeOpaque(comps);
            return;
        }
        case WhiteoutKind::Delete: {
            std::string target = whiteoutTarget(base);
            auto parent = parentDir(comps, comps.size() - 1);
            comps.back() = target;
            writeWhiteout(parent->get(), target, joinComponents(comps, comps.size()));
            return;
        }
        case WhiteoutKind::None:
            break;
    }
    auto parent = parentDir(comps, comps.size() - 1);
    markWritten(comps);
    if (e.hardlink) return writeHardlink(parent->get(), base, e);
    switch (e.type) {
        case S_IFREG:
            return writeFile(parent->get(), base, e, data);
        case S_IFDIR:
            return writeDir(parent->get(), base, joinComponents(comps, comps.size()), e);
        case S_IFLNK:
            return writeSymlink(parent->get(), base, e);
        case S_IFCHR:
        case S_IFBLK:
        case S_IFIFO:
            return writeSpecial(parent->get(), base, e);
        default:
            throw Error("unsupported entry type " + std::to_string(e.type >> 12), EINVAL);
    }
}

void LayerWriter::writeFile(int parentFd, const std::string& name, const TarEntry& e,
                            const DataFn& data) {
    constexpr int kFlags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    UniqueFd fd(::openat(parentFd, name.c_str(), kFlags, 0600));
    if (!fd && errno == EEXIST) {
        removeEntry(parentFd, name);  // a later entry replaces an earlier one, never writes through
        fd.reset(::openat(parentFd, name.c_str(), kFlags, 0600));
    }
    if (!fd) throw SysError("create file");
    int64_t pos = 0;
    for (;;) {
        DataBlock b = data();
        if (b.size == 0) {
            if (b.offset > pos && ::ftruncate(fd.get(), b.offset) < 0) throw SysError("truncate");
            break;
        }
        if (b.offset != pos) {
            if (::lseek(fd.get(), b.offset, SEEK_SET) < 0) throw SysError("seek");
            pos = b.offset;
        }
        writeAll(fd.get(), b.data, b.size);
        pos += static_cast<int64_t>(b.size);
    }
    if (settings_.preserveOwners && ::fchown(fd.get(), e.uid, e.gid) < 0) throw SysError("chown");
    if (::fchmod(fd.get(), e.perm) < 0) throw SysError("chmod");
    applyXattrs(fd.get(), "", e);
    timespec ts[2] = {accessTime(e), e.mtime};
    if (::futimens(fd.get(), ts) < 0) throw SysError("set times");
}

void LayerWriter::writeDir(int parentFd, const std::string& name, const std::string& rel,
                           const TarEntry& e) {
    if (::mkdirat(parentFd, name.c_str(), 0700) < 0) {
        if (errno != EEXIST) throw SysError("mkdir");
        struct stat st {};
        if (::fstatat(parentFd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0) throw SysError("stat");
        if (!S_ISDIR(st.st_mode)) {
            removeEntry(parentFd, name);
            if (::mkdirat(parentFd, name.c_str(), 0700) < 0) throw SysError("mkdir");
        }
    }
    // As non-root a read-only dir would stop us writing its children: mode applied at the end.
    int deferredPerm = settings_.privileged ? -1 : int(e.perm);
    mode_t nowPerm = settings_.privileged ? e.perm : (e.perm | 0700);
    if (settings_.preserveOwners &&
        ::fchownat(parentFd, name.c_str(), e.uid, e.gid, AT_SYMLINK_NOFOLLOW) < 0)
        throw SysError("chown");
    // The entry was just made (or checked) a real directory: fchmodat cannot meet a symlink.
    if (::fchmodat(parentFd, name.c_str(), nowPerm, 0) < 0) throw SysError("chmod");
    if (!e.xattrs.empty()) {
        UniqueFd fd(
            ::openat(parentFd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!fd) throw SysError("open directory");
        applyXattrs(fd.get(), "", e);
    }
    dirFixups_.push_back({rel, e.mtime, deferredPerm});
}

void LayerWriter::writeSymlink(int parentFd, const std::string& name, const TarEntry& e) {
    // The target is stored as given and never followed here; it is resolved only inside the
    // container's root at run time.
    if (::symlinkat(e.linkName.c_str(), parentFd, name.c_str()) < 0) {
        if (errno != EEXIST) throw SysError("symlink");
        removeEntry(parentFd, name);
        if (::symlinkat(e.linkName.c_str(), parentFd, name.c_str()) < 0) throw SysError("symlink");
    }
    applyMetadataAt(parentFd, name, e, true);
}

void LayerWriter::writeHardlink(int parentFd, const std::string& name, const TarEntry& e) {
    std::vector<std::string> target;
    try {
        target = entryComponents(e.linkName);
        if (target.empty()) throw Error("hardlink to the layer root", EINVAL);
        auto tparent = openDirNoFollow(target, target.size() - 1, false);
        const std::string& tname = target.back();
        struct stat st {};
        if (::fstatat(tparent.get(), tname.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0)
            throw SysError("not found in the layer");
        if (S_ISDIR(st.st_mode)) throw Error("is a directory", EPERM);
        // A hard link to a symlink is refused: the tar corpus's "symlink out, then hardlink it"
        // trick; real layers link files.
        if (S_ISLNK(st.st_mode)) throw Error("is a symlink", EPERM);
        // linkat without AT_SYMLINK_FOLLOW: links the inode found, never a symlink's target.
        if (::linkat(tparent.get(), tname.c_str(), parentFd, name.c_str(), 0) < 0) {
            if (errno != EEXIST) throw SysError("link");
            struct stat cur {};
            if (::fstatat(parentFd, name.c_str(), &cur, AT_SYMLINK_NOFOLLOW) == 0 &&
                cur.st_ino == st.st_ino && cur.st_dev == st.st_dev)
                return;
            removeEntry(parentFd, name);
            if (::linkat(tparent.get(), tname.c_str(), parentFd, name.c_str(), 0) < 0)
                throw SysError("link");
        }
    } catch (Error& err) {
        throw err.addContext("hardlink target \"" + e.linkName + "\"");
    }
}

void LayerWriter::writeSpecial(int parentFd, const std::string& name, const TarEntry& e) {
    auto make = [&] {
        if (e.type == S_IFIFO) return ::mkfifoat(parentFd, name.c_str(), 0600);
        return ::mknodat(parentFd, name.c_str(), e.type | 0600, e.rdev);
    };
    if (make() < 0) {
        if (errno == EEXIST) {
            removeEntry(parentFd, name);
            if (make() == 0) return applyMetadataAt(parentFd, name, e, false);
        }
        if (errno == EPERM && !settings_.privileged && e.type != S_IFIFO) {
            ++skippedDevices_;  // device nodes need CAP_MKNOD: skipped when unpacking as a user
            return;
        }
        throw SysError(e.type == S_IFIFO ? "mkfifo" : "mknod");
    }
    applyMetadataAt(parentFd, name, e, false);
}

void LayerWriter::writeWhiteout(int parentFd, const std::string& name, const std::string& rel) {
    removeEntry(parentFd, name);
    if (settings_.whiteouts == WhiteoutMode::Apply) {
        written_.erase(rel);
        return;
    }
    // overlayfs whiteout: a 0:0 char device (Documentation/filesystems/overlayfs.rst
    // "whiteouts and opaque directories"); allowed without CAP_MKNOD since Linux 5.8.
    if (::mknodat(parentFd, name.c_str(), S_IFCHR | 0, makedev(0, 0)) < 0)
        throw SysError("create whiteout \"" + rel + "\"");
}

void LayerWriter::writeOpaque(const std::vector<std::string>& dirComps) {
    auto dir = parentDir(dirComps, dirComps.size());
    std::string rel = joinComponents(dirComps, dirComps.size());
    markWritten(dirComps);
    if (settings_.whiteouts == WhiteoutMode::Apply) return removeChildren(dir->get(), rel);
    UniqueFd fd(::openat(dir->get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd) throw SysError("open opaque dir \"" + rel + "\"");
    const char* xattr = settings_.privileged ? "trusted.overlay.opaque" : "user.overlay.opaque";
    if (::fsetxattr(fd.get(), xattr, "y", 1, 0) < 0) {
        int err = errno;
        if (err == ENOTSUP || err == EPERM)
            throw SysError(std::string("mark \"") + rel + "\" opaque: the layer filesystem " +
                               "does not support " + xattr + " (use the copy snapshot driver)",
                           err);
        throw SysError("set " + std::string(xattr) + " on \"" + rel + "\"", err);
    }
}

void LayerWriter::applyMetadataAt(int parentFd, const std::string& name, const TarEntry& e,
                                  bool symlink) {
    if (settings_.preserveOwners &&
        ::fchownat(parentFd, name.c_str(), e.uid, e.gid, AT_SYMLINK_NOFOLLOW) < 0)
        throw SysError("chown");
    // Just created by us as a non-symlink, so fchmodat (which follows) meets no link.
    if (!symlink && ::fchmodat(parentFd, name.c_str(), e.perm, 0) < 0) throw SysError("chmod");
    if (!e.xattrs.empty()) applyXattrs(-1, fdPath(parentFd) + "/" + name, e);
    timespec ts[2] = {accessTime(e), e.mtime};
    if (::utimensat(parentFd, name.c_str(), ts, AT_SYMLINK_NOFOLLOW) < 0)
        throw SysError("set times");
}

void LayerWriter::applyXattrs(int fd, const std::string& procPath, const TarEntry& e) {
    for (const auto& [key, value] : e.xattrs) {
        if (isOverlayXattr(key)) {
            ++skippedXattrs_;
            continue;
        }
        int rc = fd >= 0
                     ? ::fsetxattr(fd, key.c_str(), value.data(), value.size(), 0)
                     : ::lsetxattr(procPath.c_str(), key.c_str(), value.data(), value.size(), 0);
        if (rc < 0) {
            // As Docker does: a filesystem or a user that cannot hold an xattr is not fatal.
            if (errno == ENOTSUP || errno == EPERM) {
                ++skippedXattrs_;
                continue;
            }
            throw SysError("set xattr " + key);
        }
    }
}

void LayerWriter::finish() {
    for (const auto& fix : dirFixups_) {
        UniqueFd own;
        int fd = rootFd_;
        if (fix.path != ".") {
            own = tryOpenInRootNoSymlinks(rootFd_, fix.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
            if (!own) continue;  // replaced by a later entry
            fd = own.get();
        }
        if (fix.perm >= 0 && ::fchmod(fd, static_cast<mode_t>(fix.perm)) < 0)
            throw SysError("chmod \"" + fix.path + "\"");
        timespec ts[2] = {fix.mtime, fix.mtime};
        if (::futimens(fd, ts) < 0) throw SysError("set times of \"" + fix.path + "\"");
    }
    dirFixups_.clear();
}

}  // namespace berth::store
