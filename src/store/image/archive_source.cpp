#include "store/image/archive_source.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <vector>

#include "common/error.hpp"
#include "common/safe_path.hpp"

namespace berth::store {

namespace {

// "./a//b" → "a/b"; ".." components resolved lexically (never above the archive root).
std::string normalise(const std::string& p) {
    std::string c = cleanPath("/" + p);
    return c == "/" ? "" : c.substr(1);
}

uint64_t parseNumber(const char* f, size_t len) {
    if (static_cast<unsigned char>(f[0]) & 0x80) {  // base-256 (GNU) for sizes >= 8 GiB
        uint64_t v = static_cast<unsigned char>(f[0]) & 0x7f;
        for (size_t i = 1; i < len; ++i) v = (v << 8) | static_cast<unsigned char>(f[i]);
        return v;
    }
    uint64_t v = 0;
    size_t i = 0;
    while (i < len && (f[i] == ' ' || f[i] == '\0')) ++i;
    for (; i < len && f[i] >= '0' && f[i] <= '7'; ++i) v = v * 8 + static_cast<uint64_t>(f[i] - '0');
    return v;
}

std::string field(const char* f, size_t len) {
    size_t n = 0;
    while (n < len && f[n]) ++n;
    return std::string(f, n);
}

void preadAll(int fd, void* buf, size_t len, uint64_t off, const std::string& what) {
    auto* p = static_cast<char*>(buf);
    while (len > 0) {
        ssize_t n = ::pread(fd, p, len, static_cast<off_t>(off));
        if (n < 0) {
            if (errno == EINTR) continue;
            throw SysError("read " + what);
        }
        if (n == 0) throw Error(what + ": unexpected end of archive", EIO);
        p += n;
        off += static_cast<uint64_t>(n);
        len -= static_cast<size_t>(n);
    }
}

class TarSource : public ArchiveSource {
  public:
    TarSource(UniqueFd fd, std::string name) : fd_(std::make_shared<UniqueFd>(std::move(fd))), name_(std::move(name)) {
        index();
    }
    bool has(const std::string& path) const override { return find(path) != nullptr; }
    uint64_t size(const std::string& path) const override { return get(path).size; }
    ReadFn open(const std::string& path) const override {
        const Member& m = get(path);
        auto fd = fd_;
        auto pos = std::make_shared<uint64_t>(m.offset);
        uint64_t end = m.offset + m.size;
        std::string what = name_ + ": " + path;
        return [fd, pos, end, what](void* buf, size_t len) -> size_t {
            uint64_t left = end - *pos;
            if (left == 0) return 0;
            if (len > left) len = static_cast<size_t>(left);
            for (;;) {
                ssize_t n = ::pread(fd->get(), buf, len, static_cast<off_t>(*pos));
                if (n < 0 && errno == EINTR) continue;
                if (n < 0) throw SysError("read " + what);
                if (n == 0) throw Error(what + ": archive truncated", EIO);
                *pos += static_cast<uint64_t>(n);
                return static_cast<size_t>(n);
            }
        };
    }

  private:
    struct Member {
        uint64_t offset = 0;
        uint64_t size = 0;
        std::string link;  // symlink target (resolved at lookup)
    };

    const Member* find(const std::string& path, int depth = 0) const {
        auto it = members_.find(normalise(path));
        if (it == members_.end()) return nullptr;
        if (it->second.link.empty()) return &it->second;
        if (depth > 8) return nullptr;
        // Docker's legacy save writes repeated layers as symlinks "../<id>/layer.tar".
        std::string base = normalise(path);
        auto slash = base.rfind('/');
        std::string dir = slash == std::string::npos ? "" : base.substr(0, slash + 1);
        const std::string& l = it->second.link;
        return find(l[0] == '/' ? l : dir + l, depth + 1);
    }
    const Member& get(const std::string& path) const {
        const Member* m = find(path);
        if (!m) throw Error(name_ + ": no file \"" + path + "\" in the archive", ENOENT);
        return *m;
    }

    void index() {
        struct stat st {};
        if (::fstat(fd_->get(), &st) < 0) throw SysError("stat " + name_);
        const uint64_t total = static_cast<uint64_t>(st.st_size);
        uint64_t off = 0;
        std::string longName, longLink, paxPath, paxLink;
        uint64_t paxSize = UINT64_MAX;
        char h[512];
        while (off + 512 <= total) {
            preadAll(fd_->get(), h, 512, off, name_);
            bool zero = true;
            for (char c : h)
                if (c) {
                    zero = false;
                    break;
                }
            if (zero) break;
            if (off == 0 && std::string(h + 257, 5) != "ustar" && !validChecksum(h))
                throw Error(name_ + ": not a tar archive (nor an OCI layout directory)", EINVAL);
            if (!validChecksum(h)) throw Error(name_ + ": corrupt tar header at offset " + std::to_string(off), EINVAL);
            uint64_t size = parseNumber(h + 124, 12);
            char type = h[156];
            uint64_t data = off + 512;
            if (type == 'x' || type == 'L' || type == 'K') {
                std::string body(static_cast<size_t>(size), '\0');
                if (size > (1u << 20)) throw Error(name_ + ": oversized tar extension header", EINVAL);
                preadAll(fd_->get(), body.data(), body.size(), data, name_);
                if (type == 'L') longName = field(body.data(), body.size());
                if (type == 'K') longLink = field(body.data(), body.size());
                if (type == 'x') parsePax(body, paxPath, paxLink, paxSize);
            } else if (type != 'g') {
                if (paxSize != UINT64_MAX) size = paxSize;
                std::string name = !paxPath.empty() ? paxPath : !longName.empty() ? longName : "";
                if (name.empty()) {
                    name = field(h, 100);
                    std::string prefix = field(h + 345, 155);
                    if (std::string(h + 257, 5) == "ustar" && !prefix.empty()) name = prefix + "/" + name;
                }
                std::string link = !paxLink.empty() ? paxLink : !longLink.empty() ? longLink : field(h + 157, 100);
                if (type == '0' || type == '\0' || type == '7') {
                    members_[normalise(name)] = Member{data, size, {}};
                } else if (type == '2') {
                    members_[normalise(name)] = Member{0, 0, link};
                } else if (type == '1') {  // hardlink: same data as an earlier member
                    if (auto it = members_.find(normalise(link)); it != members_.end())
                        members_[normalise(name)] = it->second;
                }
                longName.clear(), longLink.clear(), paxPath.clear(), paxLink.clear();
                paxSize = UINT64_MAX;
            }
            if (type == '1' || type == '2' || type == '5') size = type == '1' || type == '2' ? 0 : size;
            off = data + (size + 511) / 512 * 512;
        }
        if (members_.empty()) throw Error(name_ + ": empty archive", EINVAL);
    }

    static bool validChecksum(const char* h) {
        uint64_t want = parseNumber(h + 148, 8);
        uint64_t sum = 0;
        for (int i = 0; i < 512; ++i)
            sum += (i >= 148 && i < 156) ? 32u : static_cast<unsigned char>(h[i]);
        return sum == want;
    }

    void parsePax(const std::string& body, std::string& path, std::string& link, uint64_t& size) {
        size_t p = 0;
        while (p < body.size()) {
            size_t sp = body.find(' ', p);
            if (sp == std::string::npos) break;
            size_t len = std::stoul(body.substr(p, sp - p));
            if (len == 0 || p + len > body.size()) throw Error(name_ + ": corrupt pax header", EINVAL);
            std::string rec = body.substr(sp + 1, len - (sp - p) - 2);
            auto eq = rec.find('=');
            if (eq != std::string::npos) {
                std::string k = rec.substr(0, eq), v = rec.substr(eq + 1);
                if (k == "path") path = v;
                if (k == "linkpath") link = v;
                if (k == "size") size = std::stoull(v);
            }
            p += len;
        }
    }

    std::shared_ptr<UniqueFd> fd_;
    std::string name_;
    std::map<std::string, Member> members_;
};

class DirSource : public ArchiveSource {
  public:
    explicit DirSource(const std::string& dir) : dir_(dir) {
        root_ = UniqueFd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!root_) throw SysError("open " + dir);
    }
    bool has(const std::string& path) const override {
        UniqueFd fd = tryOpenInRoot(root_.get(), path, O_RDONLY);
        struct stat st {};
        return fd && ::fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode);
    }
    uint64_t size(const std::string& path) const override {
        UniqueFd fd = openInRoot(root_.get(), path, O_RDONLY);
        struct stat st {};
        if (::fstat(fd.get(), &st) < 0) throw SysError("stat " + dir_ + "/" + path);
        return static_cast<uint64_t>(st.st_size);
    }
    ReadFn open(const std::string& path) const override {
        auto fd = std::make_shared<UniqueFd>(openInRoot(root_.get(), path, O_RDONLY));
        std::string what = dir_ + "/" + path;
        return [fd, what](void* buf, size_t len) -> size_t {
            for (;;) {
                ssize_t n = ::read(fd->get(), buf, len);
                if (n >= 0) return static_cast<size_t>(n);
                if (errno != EINTR) throw SysError("read " + what);
            }
        };
    }

  private:
    std::string dir_;
    UniqueFd root_;
};

}  // namespace

std::string ArchiveSource::readAll(const std::string& path, uint64_t maxSize) const {
    uint64_t sz = size(path);
    if (sz > maxSize) throw Error(path + ": too large (" + std::to_string(sz) + " bytes)", EFBIG);
    std::string out(static_cast<size_t>(sz), '\0');
    ReadFn r = open(path);
    size_t got = 0;
    while (got < out.size()) {
        size_t n = r(out.data() + got, out.size() - got);
        if (n == 0) break;
        got += n;
    }
    out.resize(got);
    return out;
}

std::unique_ptr<ArchiveSource> ArchiveSource::tar(UniqueFd fd, const std::string& name) {
    return std::make_unique<TarSource>(std::move(fd), name);
}

std::unique_ptr<ArchiveSource> ArchiveSource::directory(const std::string& dir) {
    return std::make_unique<DirSource>(dir);
}

}  // namespace berth::store
