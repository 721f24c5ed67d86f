#include "engine/fs/tree_stream.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <vector>

#include "common/dir_entries.hpp"
#include "common/error.hpp"
#include "common/safe_path.hpp"

namespace berth::engine::fs {

using store::DataBlock;
using store::DataFn;
using store::TarEntry;

// ---- TarSink

struct TarSink::Impl {
    archive* a = nullptr;
    bool finished = false;
};

namespace {

[[noreturn]] void throwArchiveError(archive* a, const std::string& what) {
    const char* msg = archive_error_string(a);
    int err = archive_errno(a);
    throw Error(what + ": " + (msg ? msg : "tar error"), err > 0 ? err : EIO);
}

struct EntryFree {
    archive_entry* p;
    ~EntryFree() { archive_entry_free(p); }
};

}  // namespace

TarSink::TarSink(int fd) : impl_(std::make_unique<Impl>()) {
    impl_->a = archive_write_new();
    if (!impl_->a) throw Error("libarchive: out of memory", ENOMEM);
    archive_write_set_format_pax_restricted(impl_->a);
    archive_write_set_bytes_in_last_block(impl_->a, 1);  // no padding to 10 KiB after the end
    if (archive_write_open_fd(impl_->a, fd) != ARCHIVE_OK)
        throwArchiveError(impl_->a, "open tar output");
}

TarSink::~TarSink() {
    if (impl_->a) archive_write_free(impl_->a);
}

void TarSink::put(const TarEntry& e, int64_t size, const DataFn& data) {
    archive_entry* ae = archive_entry_new();
    EntryFree guard{ae};
    archive_entry_set_pathname(ae, e.name.c_str());
    archive_entry_set_uid(ae, e.uid);
    archive_entry_set_gid(ae, e.gid);
    archive_entry_set_mtime(ae, e.mtime.tv_sec, 0);
    archive_entry_set_perm(ae, e.perm);
    for (auto& [k, v] : e.xattrs) archive_entry_xattr_add_entry(ae, k.c_str(), v.data(), v.size());
    if (e.hardlink) {
        archive_entry_set_filetype(ae, AE_IFREG);
        archive_entry_set_hardlink(ae, e.linkName.c_str());
        size = 0;
    } else {
        archive_entry_set_filetype(ae, e.type);
        if (e.type == S_IFLNK) archive_entry_set_symlink(ae, e.linkName.c_str());
        if (e.type == S_IFCHR || e.type == S_IFBLK) archive_entry_set_rdev(ae, e.rdev);
        if (e.type != S_IFREG) size = 0;
    }
    archive_entry_set_size(ae, size);
    if (archive_write_header(impl_->a, ae) < ARCHIVE_WARN)
        throwArchiveError(impl_->a, "tar entry \"" + e.name + "\"");
    if (size <= 0 || !data) return;
    int64_t written = 0;
    auto emit = [&](const void* p, size_t n) {
        if (archive_write_data(impl_->a, p, n) < 0)
            throwArchiveError(impl_->a, "tar data of \"" + e.name + "\"");
        written += int64_t(n);
    };
    static const char zeros[65536] = {};
    while (written < size) {
        DataBlock b = data();
        if (b.size == 0) break;
        while (written < std::min(b.offset, size))  // a hole: zeros
            emit(zeros, size_t(std::min<int64_t>(std::min(b.offset, size) - written, sizeof zeros)));
        emit(b.data, size_t(std::min<int64_t>(int64_t(b.size), size - written)));
    }
    if (written < size)
        throw Error("tar entry \"" + e.name + "\": the file shrank while being read (" +
                        std::to_string(written) + " of " + std::to_string(size) + " bytes)",
                    EIO);
}

void TarSink::finish() {
    if (impl_->finished) return;
    impl_->finished = true;
    if (archive_write_close(impl_->a) != ARCHIVE_OK) throwArchiveError(impl_->a, "finish tar output");
}

// ---- DirSink

namespace {

store::LayerWriter::Settings dirSettings(const DirSinkOptions& o) {
    store::LayerWriter::Settings s;
    s.whiteouts = store::WhiteoutMode::None;
    s.preserveOwners = o.preserveOwners || o.owner.has_value();
    s.privileged = ::geteuid() == 0;
    return s;
}

}  // namespace

DirSink::DirSink(int dirFd, DirSinkOptions opts) : opts_(opts), writer_(dirFd, dirSettings(opts)) {}

void DirSink::put(const TarEntry& e, int64_t /*size*/, const DataFn& data) {
    try {
        if (opts_.owner) {
            TarEntry owned = e;
            owned.uid = opts_.owner->first;
            owned.gid = opts_.owner->second;
            writer_.write(owned, data);
        } else {
            writer_.write(e, data);
        }
    } catch (Error& err) {
        throw err.addContext("\"" + e.name + "\"");
    }
}

void DirSink::finish() { writer_.finish(); }

// ---- walkTree

namespace {

bool isOverlayXattr(const std::string& name) {
    return name.rfind("trusted.overlay.", 0) == 0 || name.rfind("user.overlay.", 0) == 0;
}

std::vector<std::pair<std::string, std::string>> readXattrs(int fd) {
    std::vector<std::pair<std::string, std::string>> out;
    char names[65536];
    ssize_t n = ::flistxattr(fd, names, sizeof names);
    if (n <= 0) return out;
    for (ssize_t i = 0; i < n;) {
        std::string key(names + i);
        i += ssize_t(key.size()) + 1;
        if (isOverlayXattr(key)) continue;
        char value[65536];
        ssize_t vn = ::fgetxattr(fd, key.c_str(), value, sizeof value);
        if (vn >= 0) out.emplace_back(key, std::string(value, size_t(vn)));
    }
    return out;
}

bool isOpaque(int dirFd) {
    char v[2];
    for (const char* key : {"trusted.overlay.opaque", "user.overlay.opaque"})
        if (::fgetxattr(dirFd, key, v, sizeof v) == 1 && v[0] == 'y') return true;
    return false;
}

struct Walker {
    EntrySink& sink;
    const WalkOptions& opts;
    std::map<std::pair<dev_t, ino_t>, std::string> links;  // first name of each multi-link file

    TarEntry baseEntry(const std::string& asName, const struct stat& st) {
        TarEntry e;
        e.name = asName;
        e.type = st.st_mode & S_IFMT;
        e.perm = st.st_mode & 07777;
        e.uid = st.st_uid;
        e.gid = st.st_gid;
        e.mtime = st.st_mtim;
        e.atime = {0, UTIME_OMIT};
        return e;
    }

    void walk(int parentFd, const std::string& name, const std::string& asName) {
        if (!asName.empty() && opts.skip && opts.skip(asName)) return;
        // name "": parentFd is the node itself (an O_PATH fd resolved by the caller).
        struct stat st {};
        if (::fstatat(parentFd, name.c_str(), &st, name.empty() ? AT_EMPTY_PATH : AT_SYMLINK_NOFOLLOW) < 0)
            throw SysError("stat \"" + (asName.empty() ? name : asName) + "\"");
        TarEntry e = baseEntry(asName, st);
        std::string slash = asName.empty() ? "" : asName + "/";
        if (S_ISDIR(st.st_mode)) {
            UniqueFd dir(::openat(parentFd, name.empty() ? "." : name.c_str(),
                                  O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
            if (!dir) throw SysError("open directory \"" + asName + "\"");
            if (!asName.empty()) {
                e.xattrs = readXattrs(dir.get());
                e.name = slash;
                sink.put(e, 0, {});
                if (opts.overlayWhiteouts && isOpaque(dir.get())) {
                    TarEntry wh = baseEntry(slash + ".wh..wh..opq", st);
                    wh.type = S_IFREG;
                    wh.perm = 0;
                    wh.uid = wh.gid = 0;
                    sink.put(wh, 0, {});
                }
            }
            for (auto& child : dirEntriesAt(dir.get())) walk(dir.get(), child, slash + child);
            return;
        }
        if (S_ISCHR(st.st_mode) && st.st_rdev == 0 && opts.overlayWhiteouts) {
            auto cut = asName.rfind('/');
            std::string dirPart = cut == std::string::npos ? "" : asName.substr(0, cut + 1);
            std::string base = cut == std::string::npos ? asName : asName.substr(cut + 1);
            TarEntry wh = baseEntry(dirPart + ".wh." + base, st);
            wh.type = S_IFREG;
            wh.perm = 0;
            wh.uid = wh.gid = 0;
            sink.put(wh, 0, {});
            return;
        }
        if (S_ISLNK(st.st_mode)) {
            std::vector<char> buf(size_t(st.st_size > 0 ? st.st_size : 255) + 1);
            ssize_t n = ::readlinkat(parentFd, name.c_str(), buf.data(), buf.size());  // "" works on O_PATH
            if (n < 0) throw SysError("readlink \"" + asName + "\"");
            e.linkName.assign(buf.data(), size_t(n));
            sink.put(e, 0, {});
            return;
        }
        if (S_ISREG(st.st_mode)) {
            if (st.st_nlink > 1) {
                auto [it, fresh] = links.emplace(std::make_pair(st.st_dev, st.st_ino), asName);
                if (!fresh) {
                    e.hardlink = true;
                    e.linkName = it->second;
                    sink.put(e, 0, {});
                    return;
                }
            }
            // An O_PATH fd of the node itself is reopened through /proc/self/fd (it pins the inode).
            UniqueFd fd(name.empty() ? ::open(fdPath(parentFd).c_str(), O_RDONLY | O_CLOEXEC)
                                     : ::openat(parentFd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
            if (!fd) throw SysError("open \"" + asName + "\"");
            e.xattrs = readXattrs(fd.get());
            std::vector<char> buf(size_t(1) << 20);
            int64_t off = 0;
            int rfd = fd.get();
            DataFn data = [&, rfd]() -> DataBlock {
                for (;;) {
                    ssize_t n = ::read(rfd, buf.data(), buf.size());
                    if (n < 0 && errno == EINTR) continue;
                    if (n < 0) throw SysError("read \"" + asName + "\"");
                    DataBlock b{off, buf.data(), size_t(n)};
                    off += n;
                    return b;
                }
            };
            sink.put(e, st.st_size, data);
            return;
        }
        if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) e.rdev = st.st_rdev;
        if (S_ISSOCK(st.st_mode)) return;  // tar has no sockets (Docker skips them too)
        sink.put(e, 0, {});
    }
};

}  // namespace

void walkTree(int parentFd, const std::string& name, const std::string& asName, EntrySink& sink,
              const WalkOptions& opts) {
    Walker w{sink, opts, {}};
    w.walk(parentFd, name, asName);
}

}  // namespace berth::engine::fs
