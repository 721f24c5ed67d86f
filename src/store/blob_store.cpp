#include "store/blob_store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <random>

#include "common/error.hpp"
#include "common/file_io.hpp"

namespace berth::store {

namespace {

void fsyncDir(const std::string& dir) {
    UniqueFd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dfd) ::fsync(dfd.get());
}

std::string uniqueSuffix() {
    static std::atomic<unsigned> counter{0};
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    return std::to_string(::getpid()) + "-" + std::to_string(counter++) + "-" +
           std::to_string(rng() & 0xffffffff);
}

}  // namespace

BlobWriter::BlobWriter(std::string blobsDir, std::string tmpPath, UniqueFd fd)
    : blobsDir_(std::move(blobsDir)), tmpPath_(std::move(tmpPath)), fd_(std::move(fd)) {}

BlobWriter::BlobWriter(BlobWriter&& o) noexcept
    : blobsDir_(std::move(o.blobsDir_)),
      tmpPath_(std::move(o.tmpPath_)),
      fd_(std::move(o.fd_)),
      size_(o.size_),
      done_(o.done_) {
    // The hash context cannot move; a moved-from writer must not have been written to yet.
    o.done_ = true;
}

BlobWriter::~BlobWriter() {
    if (!done_ && !tmpPath_.empty()) ::unlink(tmpPath_.c_str());
}

void BlobWriter::write(const void* data, size_t len) {
    hash_.update(data, len);
    const char* p = static_cast<const char*>(data);
    while (len > 0) {
        ssize_t n = ::write(fd_.get(), p, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw SysError("write blob temp file " + tmpPath_);
        }
        p += n;
        len -= static_cast<size_t>(n);
        size_ += static_cast<uint64_t>(n);
    }
}

Digest BlobWriter::commit(const std::optional<Digest>& expected,
                          std::optional<uint64_t> expectedSize) {
    Digest got = hash_.finish();
    auto fail = [&](const std::string& msg) -> Error {
        ::unlink(tmpPath_.c_str());
        done_ = true;
        return Error(msg);
    };
    if (expected && got != *expected)
        throw fail("digest mismatch: expected " + expected->str() + ", content has " + got.str());
    if (expectedSize && *expectedSize != size_)
        throw fail("size mismatch for " + got.str() + ": expected " +
                   std::to_string(*expectedSize) + " bytes, got " + std::to_string(size_));
    if (::fsync(fd_.get()) < 0) {
        int err = errno;
        ::unlink(tmpPath_.c_str());
        done_ = true;
        throw SysError("fsync " + tmpPath_, err);
    }
    std::string dest = blobsDir_ + "/" + got.hex();
    if (::rename(tmpPath_.c_str(), dest.c_str()) < 0) {
        int err = errno;
        ::unlink(tmpPath_.c_str());
        done_ = true;
        throw SysError("rename blob into " + dest, err);
    }
    done_ = true;
    fsyncDir(blobsDir_);
    return got;
}

BlobStore::BlobStore(std::string root)
    : root_(std::move(root)), blobsDir_(root_ + "/blobs/sha256"), tmpDir_(root_ + "/blobs/tmp") {
    mkdirAll(blobsDir_, 0700);
    mkdirAll(tmpDir_, 0700);
    cleanTemp();
}

std::string BlobStore::path(const Digest& d) const {
    return blobsDir_ + "/" + d.hex();
}

bool BlobStore::has(const Digest& d) const {
    return ::access(path(d).c_str(), F_OK) == 0;
}

uint64_t BlobStore::size(const Digest& d) const {
    struct stat st;
    if (::stat(path(d).c_str(), &st) < 0) throw SysError("stat blob " + d.str());
    return static_cast<uint64_t>(st.st_size);
}

UniqueFd BlobStore::open(const Digest& d) const {
    UniqueFd fd(::open(path(d).c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT) throw Error("blob " + d.str() + " not found in the store", ENOENT);
        throw SysError("open blob " + d.str());
    }
    return fd;
}

std::string BlobStore::read(const Digest& d) const {
    if (!has(d)) throw Error("blob " + d.str() + " not found in the store", ENOENT);
    return readFile(path(d));
}

BlobWriter BlobStore::writer() const {
    for (;;) {
        std::string tmp = tmpDir_ + "/tmp-" + uniqueSuffix();
        UniqueFd fd(::open(tmp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
        if (!fd) throw SysError("create blob temp file " + tmp);
        // Held until the fd closes (commit or process death): marks the file as in use.
        if (::flock(fd.get(), LOCK_EX) < 0) {
            int err = errno;
            ::unlink(tmp.c_str());
            throw SysError("lock " + tmp, err);
        }
        // Another process's cleanTemp() may have removed it between open and flock: retry.
        struct stat st;
        if (::fstat(fd.get(), &st) == 0 && st.st_nlink > 0)
            return BlobWriter(blobsDir_, tmp, std::move(fd));
    }
}

Digest BlobStore::put(std::string_view data, const std::optional<Digest>& expected) const {
    if (expected && has(*expected)) {
        if (sha256Of(data) != *expected)
            throw Error("digest mismatch: expected " + expected->str() + ", content has " +
                        sha256Of(data).str());
        return *expected;
    }
    BlobWriter w = writer();
    w.write(data);
    return w.commit(expected);
}

Digest BlobStore::putFromFd(int fd, const std::optional<Digest>& expected,
                            std::optional<uint64_t> expectedSize) const {
    BlobWriter w = writer();
    std::string buf(1 << 20, '\0');
    for (;;) {
        ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            throw SysError("read blob source");
        }
        if (n == 0) break;
        w.write(buf.data(), static_cast<size_t>(n));
    }
    return w.commit(expected, expectedSize);
}

void BlobStore::remove(const Digest& d) const {
    if (::unlink(path(d).c_str()) < 0 && errno != ENOENT) throw SysError("remove blob " + d.str());
}

std::vector<Digest> BlobStore::list() const {
    std::vector<Digest> out;
    DIR* dir = ::opendir(blobsDir_.c_str());
    if (!dir) throw SysError("opendir " + blobsDir_);
    while (dirent* e = ::readdir(dir)) {
        std::string name = e->d_name;
        if (Digest::isValid("sha256:" + name)) out.push_back(Digest::fromHex(name));
    }
    ::closedir(dir);
    return out;
}

size_t BlobStore::cleanTemp() const {
    size_t removed = 0;
    DIR* dir = ::opendir(tmpDir_.c_str());
    if (!dir) return 0;
    while (dirent* e = ::readdir(dir)) {
        std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        std::string p = tmpDir_ + "/" + name;
        UniqueFd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
        if (!fd) continue;
        if (::flock(fd.get(), LOCK_EX | LOCK_NB) < 0) continue;  // a live writer holds it
        if (::unlink(p.c_str()) == 0) ++removed;
    }
    ::closedir(dir);
    return removed;
}

}  // namespace berth::store
