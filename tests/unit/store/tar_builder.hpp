// Builds tar archives in memory for unpack tests (libarchive's writer, pax format), including
// the malformed and malicious ones; plus compression and small filesystem helpers.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "store/unpack/layer_unpacker.hpp"

namespace berth::test {

class TarBuilder {
  public:
    using Tweak = std::function<void(archive_entry*)>;

    TarBuilder& file(const std::string& name, const std::string& content, unsigned mode = 0644,
                     const Tweak& tweak = {}) {
        return add(name, AE_IFREG, mode, content, tweak);
    }
    TarBuilder& dir(const std::string& name, unsigned mode = 0755, const Tweak& tweak = {}) {
        return add(name, AE_IFDIR, mode, "", tweak);
    }
    TarBuilder& symlink(const std::string& name, const std::string& target) {
        return add(name, AE_IFLNK, 0777, "",
                   [&](archive_entry* e) { archive_entry_set_symlink(e, target.c_str()); });
    }
    TarBuilder& hardlink(const std::string& name, const std::string& target) {
        return add(name, AE_IFREG, 0644, "", [&](archive_entry* e) {
            archive_entry_set_hardlink(e, target.c_str());
            archive_entry_set_size(e, 0);
        });
    }
    TarBuilder& fifo(const std::string& name, unsigned mode = 0644) {
        return add(name, AE_IFIFO, mode, "", {});
    }
    TarBuilder& chardev(const std::string& name, unsigned major, unsigned minor) {
        return add(name, AE_IFCHR, 0666, "", [&](archive_entry* e) {
            archive_entry_set_rdevmajor(e, major);
            archive_entry_set_rdevminor(e, minor);
        });
    }
    // Raw bytes appended after the archive is finished (or instead of it: see bytes()).
    std::string bytes() {
        finish();
        return out_;
    }

    TarBuilder() {
        a_ = archive_write_new();
        archive_write_set_format_pax(a_);
        archive_write_set_bytes_per_block(a_, 512);
        archive_write_open(a_, this, nullptr, &TarBuilder::writeCb, nullptr);
    }
    ~TarBuilder() {
        if (a_) archive_write_free(a_);
    }
    TarBuilder(const TarBuilder&) = delete;
    TarBuilder& operator=(const TarBuilder&) = delete;

    TarBuilder& add(const std::string& name, unsigned type, unsigned mode,
                    const std::string& content, const Tweak& tweak) {
        archive_entry* e = archive_entry_new();
        archive_entry_set_pathname(e, name.c_str());
        archive_entry_set_filetype(e, type);
        archive_entry_set_perm(e, mode);
        archive_entry_set_size(e, type == AE_IFREG ? static_cast<la_int64_t>(content.size()) : 0);
        archive_entry_set_mtime(e, 1600000000, 0);
        if (tweak) tweak(e);
        if (archive_write_header(a_, e) != ARCHIVE_OK)
            throw std::runtime_error(std::string("tar header: ") + archive_error_string(a_));
        if (!content.empty() && archive_entry_size(e) > 0)
            archive_write_data(a_, content.data(), content.size());
        archive_entry_free(e);
        return *this;
    }

  private:
    static la_ssize_t writeCb(archive*, void* self, const void* buf, size_t len) {
        static_cast<TarBuilder*>(self)->out_.append(static_cast<const char*>(buf), len);
        return static_cast<la_ssize_t>(len);
    }
    void finish() {
        if (!a_) return;
        archive_write_close(a_);
        archive_write_free(a_);
        a_ = nullptr;
    }
    archive* a_ = nullptr;
    std::string out_;
};

// Compresses data with libarchive's raw writer: filter "gzip" or "zstd".
inline std::string compress(const std::string& data, const std::string& filter) {
    std::string out;
    archive* a = archive_write_new();
    archive_write_set_format_raw(a);
    archive_write_add_filter_by_name(a, filter.c_str());
    archive_write_set_bytes_in_last_block(a, 1);
    archive_write_open(
        a, &out, nullptr,
        [](archive*, void* o, const void* buf, size_t len) -> la_ssize_t {
            static_cast<std::string*>(o)->append(static_cast<const char*>(buf), len);
            return static_cast<la_ssize_t>(len);
        },
        nullptr);
    archive_entry* e = archive_entry_new();
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_size(e, static_cast<la_int64_t>(data.size()));
    archive_write_header(a, e);
    archive_write_data(a, data.data(), data.size());
    archive_entry_free(e);
    archive_write_close(a);
    archive_write_free(a);
    return out;
}

// A ReadFn-compatible reader over a string, handing out at most `chunk` bytes per call.
struct StringReader {
    std::string data;
    size_t pos = 0;
    size_t chunk = 1 << 16;
    size_t operator()(void* buf, size_t len) {
        size_t n = std::min({len, chunk, data.size() - pos});
        std::copy_n(data.data() + pos, n, static_cast<char*>(buf));
        pos += n;
        return n;
    }
};

// Unpacks an in-memory layer (a tar, compressed or not) into dir, read `chunk` bytes at a time.
inline store::UnpackResult unpackString(const std::string& blob, const std::string& dir,
                                        store::UnpackOptions opts = {}, size_t chunk = 1 << 16) {
    StringReader r{blob, 0, chunk};
    return store::unpackLayer(store::ReadFn(std::ref(r)), dir, opts);
}

inline bool lexists(const std::string& p) {
    struct stat st {};
    return ::lstat(p.c_str(), &st) == 0;
}

}  // namespace berth::test
