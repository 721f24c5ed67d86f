// The tar driver: libarchive parses the (already decompressed) stream; every write is done by
// LayerWriter, fd-relative. See layer_unpacker.hpp for the contract.
#include "store/unpack/layer_unpacker.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <exception>
#include <memory>
#include <tuple>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/log.hpp"
#include "store/unpack/layer_stream.hpp"
#include "store/unpack/layer_writer.hpp"

namespace berth::store {

namespace {

constexpr const char* kTempInfix = ".unpack-";

struct ReadContext {
    LayerStream* stream;
    std::exception_ptr error;  // the stream's own error, richer than libarchive's copy
};

la_ssize_t readCallback(archive* a, void* client, const void** buffer) {
    auto* ctx = static_cast<ReadContext*>(client);
    try {
        return static_cast<la_ssize_t>(ctx->stream->next(buffer));
    } catch (const std::exception& e) {
        ctx->error = std::current_exception();
        archive_set_error(a, EIO, "%s", e.what());
        return -1;
    }
}

struct ArchiveDeleter {
    void operator()(archive* a) const { archive_read_free(a); }
};

[[noreturn]] void throwArchiveError(archive* a, ReadContext& ctx, const std::string& what) {
    if (ctx.error) std::rethrow_exception(ctx.error);
    const char* msg = archive_error_string(a);
    int err = archive_errno(a);
    throw Error(what + ": " + (msg ? msg : "unknown tar error"), err > 0 ? err : EINVAL);
}

TarEntry toTarEntry(archive_entry* ae) {
    TarEntry e;
    const char* name = archive_entry_pathname(ae);
    if (!name) name = archive_entry_pathname_utf8(ae);
    e.name = name ? name : "";
    e.type = archive_entry_filetype(ae);
    e.perm = archive_entry_perm(ae) & 07777;
    e.uid = static_cast<uid_t>(archive_entry_uid(ae));
    e.gid = static_cast<gid_t>(archive_entry_gid(ae));
    e.mtime = {archive_entry_mtime(ae), archive_entry_mtime_nsec(ae)};
    if (archive_entry_atime_is_set(ae)) {
        e.atime = {archive_entry_atime(ae), archive_entry_atime_nsec(ae)};
        if (e.atime.tv_sec < e.mtime.tv_sec) e.atime = e.mtime;  // as Docker does
    } else {
        e.atime = {0, UTIME_OMIT};
    }
    e.rdev = archive_entry_rdev(ae);
    if (const char* hl = archive_entry_hardlink(ae)) {
        e.hardlink = true;
        e.linkName = hl;
    } else if (const char* sl = archive_entry_symlink(ae)) {
        e.linkName = sl;
    }
    // SCHILY.xattr.* / LIBARCHIVE.xattr.* pax records (security.capability among them).
    if (archive_entry_xattr_reset(ae) > 0) {
        const char* key;
        const void* value;
        size_t size;
        while (archive_entry_xattr_next(ae, &key, &value, &size) == ARCHIVE_OK)
            e.xattrs.emplace_back(key, std::string(static_cast<const char*>(value), size));
    }
    return e;
}

UnpackResult runUnpack(const ReadFn& read, int rootFd, const UnpackOptions& opts) {
    bool root = ::geteuid() == 0;
    LayerWriter::Settings settings;
    settings.whiteouts = opts.whiteouts;
    settings.preserveOwners = opts.owner.has_value() || opts.preserveOwners.value_or(root);
    settings.privileged = root;
    LayerWriter writer(rootFd, settings);

    LayerStream stream(read, opts.bufferSize, opts.pipeline);
    ReadContext ctx{&stream, nullptr};
    std::unique_ptr<archive, ArchiveDeleter> a(archive_read_new());
    if (!a) throw Error("libarchive: out of memory", ENOMEM);
    archive_read_support_format_tar(a.get());    // ustar, pax, gnu (long names, sparse)
    archive_read_support_format_empty(a.get());  // a 0-byte layer
    if (opts.anyCompression) {  // (gzip and zstd are undone by LayerStream)
        archive_read_support_filter_bzip2(a.get());
        archive_read_support_filter_xz(a.get());
    }
    if (archive_read_open(a.get(), &ctx, nullptr, readCallback, nullptr) != ARCHIVE_OK)
        throwArchiveError(a.get(), ctx, "open tar stream");

    UnpackResult result;
    for (;;) {
        archive_entry* ae = nullptr;
        int r = archive_read_next_header(a.get(), &ae);
        if (r == ARCHIVE_EOF) break;
        if (r < ARCHIVE_WARN) throwArchiveError(a.get(), ctx, "read tar header");
        TarEntry e = toTarEntry(ae);
        if (opts.owner) std::tie(e.uid, e.gid) = *opts.owner;
        int64_t size = archive_entry_size(ae);
        if (!e.hardlink && e.type == S_IFREG && size > 0) result.fileBytes += uint64_t(size);
        archive* ar = a.get();
        DataFn data = [&, ar, size]() -> DataBlock {
            DataBlock b;
            la_int64_t off = 0;
            int rc = archive_read_data_block(ar, &b.data, &b.size, &off);
            if (rc == ARCHIVE_EOF) return DataBlock{size, nullptr, 0};
            if (rc < ARCHIVE_WARN) throwArchiveError(ar, ctx, "read data");
            b.offset = off;
            return b;
        };
        try {
            writer.write(e, data);
        } catch (Error& err) {
            throw err.addContext("entry \"" + e.name + "\"");
        }
        ++result.entries;
    }
    stream.drain();  // the diff_id covers the bytes after the end-of-archive blocks too
    writer.finish();
    result.diffId = stream.digest();
    result.size = stream.uncompressedBytes();
    result.compressedSize = stream.compressedBytes();
    result.compression = stream.compression();
    if (opts.expectedDiffId && *opts.expectedDiffId != result.diffId)
        throw Error("diff_id mismatch: expected " + *opts.expectedDiffId + ", got " + result.diffId,
                    EBADMSG);
    if (writer.skippedDevices() > 0)
        logWarn("layer " + opts.layerName + ": " + std::to_string(writer.skippedDevices()) +
                " device node(s) skipped (creating them needs root)");
    if (writer.skippedXattrs() > 0)
        logDebug("layer " + opts.layerName + ": " + std::to_string(writer.skippedXattrs()) +
                 " xattr(s) not applied (unsupported, not permitted, or overlayfs-private)");
    return result;
}

std::string layerLabel(const UnpackOptions& opts) {
    return "layer " + (opts.layerName.empty() ? std::string("(unnamed)") : opts.layerName);
}

}  // namespace

ReadFn fdReader(int fd, const std::string& what) {
    return [fd, what](void* buf, size_t len) -> size_t {
        for (;;) {
            ssize_t n = ::read(fd, buf, len);
            if (n >= 0) return static_cast<size_t>(n);
            if (errno != EINTR) throw SysError("read " + what);
        }
    };
}

UnpackResult unpackLayer(int blobFd, const std::string& layerDir, const UnpackOptions& opts) {
    return unpackLayer(fdReader(blobFd, "layer blob"), layerDir, opts);
}

UnpackResult unpackLayer(const ReadFn& read, const std::string& layerDir,
                         const UnpackOptions& opts) {
    std::string label = layerLabel(opts);
    struct stat st {};
    if (::lstat(layerDir.c_str(), &st) == 0)
        throw Error(label + ": unpack into " + layerDir + ": already exists", EEXIST);
    std::string tmpl = layerDir + kTempInfix + "XXXXXX";
    if (!::mkdtemp(tmpl.data())) throw SysError(label + ": create temp dir " + tmpl);
    const std::string tmp = tmpl;
    try {
        UniqueFd rootFd(::open(tmp.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (!rootFd) throw SysError("open " + tmp);
        if (::fchmod(rootFd.get(), 0755) < 0) throw SysError("chmod " + tmp);
        UnpackResult result = runUnpack(read, rootFd.get(), opts);
        // Publish only a complete layer; RENAME_NOREPLACE: a concurrent unpack of the same
        // layer that finished first wins, and ours is dropped.
        if (::renameat2(AT_FDCWD, tmp.c_str(), AT_FDCWD, layerDir.c_str(), RENAME_NOREPLACE) < 0)
            throw SysError("rename " + tmp + " to " + layerDir);
        return result;
    } catch (Error& e) {
        try {
            removeAll(tmp);
        } catch (const std::exception& cleanup) {
            logWarn(label + ": remove " + tmp + ": " + cleanup.what());
        }
        throw e.addContext(label);
    } catch (const std::exception& e) {
        try {
            removeAll(tmp);
        } catch (const std::exception&) {
        }
        throw Error(label + ": " + e.what(), EIO);
    }
}

UnpackResult applyLayer(const ReadFn& read, int rootDirFd, const UnpackOptions& opts) {
    try {
        return runUnpack(read, rootDirFd, opts);
    } catch (Error& e) {
        throw e.addContext(layerLabel(opts));
    }
}

UnpackResult extractArchive(const ReadFn& read, int dirFd, const UnpackOptions& opts) {
    return runUnpack(read, dirFd, opts);
}

int removeStaleUnpackDirs(const std::string& parentDir) {
    UniqueFd dir(::open(parentDir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir) {
        if (errno == ENOENT) return 0;
        throw SysError("open " + parentDir);
    }
    DIR* d = ::fdopendir(::fcntl(dir.get(), F_DUPFD_CLOEXEC, 3));
    if (!d) throw SysError("opendir " + parentDir);
    std::vector<std::string> stale;
    while (dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n.find(kTempInfix) != std::string::npos) stale.push_back(n);
    }
    ::closedir(d);
    for (const auto& n : stale) removeAll(parentDir + "/" + n);
    return static_cast<int>(stale.size());
}

}  // namespace berth::store
