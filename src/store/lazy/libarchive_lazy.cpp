// The libarchive calls of store/unpack and cli/busybox, forwarded to libarchive.so.13 loaded on
// first use (see lazy_library.hpp). The definitions must match <archive.h>/<archive_entry.h>
// (a C function declared twice with different types does not compile). A new call site of a
// function not listed here fails to link: add a line.
#include <archive.h>
#include <archive_entry.h>

#include <cstdarg>
#include <cstdio>

#include "store/lazy/lazy_library.hpp"

namespace {
void* archiveSymbol(const char* name) {
    return berth::store::lazySymbol({"libarchive.so.13", "libarchive.so"}, name);
}
}  // namespace

#define BERTH_LAZY_ARCHIVE(ret, name, params, args)                                             \
    extern "C" ret name params {                                                               \
        static auto* fn = reinterpret_cast<decltype(&::name)>(archiveSymbol(#name));           \
        return fn args;                                                                        \
    }
#define E struct archive_entry* e
#define A struct archive* a

BERTH_LAZY_ARCHIVE(struct archive*, archive_read_new, (void), ())
BERTH_LAZY_ARCHIVE(int, archive_read_support_format_tar, (A), (a))
BERTH_LAZY_ARCHIVE(int, archive_read_support_format_empty, (A), (a))
BERTH_LAZY_ARCHIVE(int, archive_read_open,
                   (A, void* data, archive_open_callback* o, archive_read_callback* r,
                    archive_close_callback* c),
                   (a, data, o, r, c))
BERTH_LAZY_ARCHIVE(int, archive_read_next_header, (A, struct archive_entry** e), (a, e))
BERTH_LAZY_ARCHIVE(int, archive_read_data_block,
                   (A, const void** buff, size_t* size, la_int64_t* offset),
                   (a, buff, size, offset))
BERTH_LAZY_ARCHIVE(int, archive_read_free, (A), (a))
BERTH_LAZY_ARCHIVE(struct archive*, archive_write_new, (void), ())
BERTH_LAZY_ARCHIVE(int, archive_write_set_format_pax_restricted, (A), (a))
BERTH_LAZY_ARCHIVE(int, archive_write_open_fd, (A, int fd), (a, fd))
BERTH_LAZY_ARCHIVE(int, archive_write_header, (A, E), (a, e))
BERTH_LAZY_ARCHIVE(la_ssize_t, archive_write_data, (A, const void* d, size_t n), (a, d, n))
BERTH_LAZY_ARCHIVE(int, archive_write_close, (A), (a))
BERTH_LAZY_ARCHIVE(int, archive_errno, (A), (a))
BERTH_LAZY_ARCHIVE(const char*, archive_error_string, (A), (a))
BERTH_LAZY_ARCHIVE(struct archive_entry*, archive_entry_new, (void), ())
BERTH_LAZY_ARCHIVE(time_t, archive_entry_atime, (E), (e))
BERTH_LAZY_ARCHIVE(int, archive_entry_atime_is_set, (E), (e))
BERTH_LAZY_ARCHIVE(long, archive_entry_atime_nsec, (E), (e))
BERTH_LAZY_ARCHIVE(__LA_MODE_T, archive_entry_filetype, (E), (e))
BERTH_LAZY_ARCHIVE(la_int64_t, archive_entry_gid, (E), (e))
BERTH_LAZY_ARCHIVE(const char*, archive_entry_hardlink, (E), (e))
BERTH_LAZY_ARCHIVE(time_t, archive_entry_mtime, (E), (e))
BERTH_LAZY_ARCHIVE(long, archive_entry_mtime_nsec, (E), (e))
BERTH_LAZY_ARCHIVE(const char*, archive_entry_pathname, (E), (e))
BERTH_LAZY_ARCHIVE(const char*, archive_entry_pathname_utf8, (E), (e))
BERTH_LAZY_ARCHIVE(__LA_MODE_T, archive_entry_perm, (E), (e))
BERTH_LAZY_ARCHIVE(dev_t, archive_entry_rdev, (E), (e))
BERTH_LAZY_ARCHIVE(la_int64_t, archive_entry_size, (E), (e))
BERTH_LAZY_ARCHIVE(const char*, archive_entry_symlink, (E), (e))
BERTH_LAZY_ARCHIVE(la_int64_t, archive_entry_uid, (E), (e))
BERTH_LAZY_ARCHIVE(void, archive_entry_set_filetype, (E, unsigned int t), (e, t))
BERTH_LAZY_ARCHIVE(void, archive_entry_set_gid, (E, la_int64_t v), (e, v))
BERTH_LAZY_ARCHIVE(void, archive_entry_set_uid, (E, la_int64_t v), (e, v))
BERTH_LAZY_ARCHIVE(void, archive_entry_set_mtime, (E, time_t t, long ns), (e, t, ns))
BERTH_LAZY_ARCHIVE(void, archive_entry_set_pathname, (E, const char* p), (e, p))
BERTH_LAZY_ARCHIVE(void, archive_entry_set_perm, (E, __LA_MODE_T m), (e, m))
BERTH_LAZY_ARCHIVE(void, archive_entry_set_size, (E, la_int64_t s), (e, s))
BERTH_LAZY_ARCHIVE(void, archive_entry_set_symlink, (E, const char* p), (e, p))
BERTH_LAZY_ARCHIVE(int, archive_entry_xattr_reset, (E), (e))
BERTH_LAZY_ARCHIVE(int, archive_entry_xattr_next,
                   (E, const char** name, const void** value, size_t* size),
                   (e, name, value, size))

BERTH_LAZY_ARCHIVE(int, archive_read_open_fd, (A, int fd, size_t block), (a, fd, block))
BERTH_LAZY_ARCHIVE(int, archive_read_open_filename, (A, const char* f, size_t block), (a, f, block))
BERTH_LAZY_ARCHIVE(la_ssize_t, archive_read_data, (A, void* b, size_t n), (a, b, n))
BERTH_LAZY_ARCHIVE(int, archive_write_free, (A), (a))
BERTH_LAZY_ARCHIVE(int, archive_write_open,
                   (A, void* data, archive_open_callback* o, archive_write_callback* w,
                    archive_close_callback* c),
                   (a, data, o, w, c))
BERTH_LAZY_ARCHIVE(int, archive_write_set_format_pax, (A), (a))
BERTH_LAZY_ARCHIVE(int, archive_write_set_format_raw, (A), (a))
BERTH_LAZY_ARCHIVE(int, archive_write_add_filter_by_name, (A, const char* n), (a, n))
BERTH_LAZY_ARCHIVE(int, archive_write_set_bytes_per_block, (A, int n), (a, n))
BERTH_LAZY_ARCHIVE(int, archive_write_set_bytes_in_last_block, (A, int n), (a, n))
BERTH_LAZY_ARCHIVE(void, archive_entry_free, (E), (e))
BERTH_LAZY_ARCHIVE(void, archive_entry_set_hardlink, (E, const char* p), (e, p))
BERTH_LAZY_ARCHIVE(void, archive_entry_set_rdevmajor, (E, dev_t d), (e, d))
BERTH_LAZY_ARCHIVE(void, archive_entry_set_rdevminor, (E, dev_t d), (e, d))
// engine/fs (cp, export, commit)
BERTH_LAZY_ARCHIVE(void, archive_entry_set_rdev, (E, dev_t d), (e, d))
BERTH_LAZY_ARCHIVE(int, archive_read_support_filter_gzip, (A), (a))
BERTH_LAZY_ARCHIVE(int, archive_read_support_filter_bzip2, (A), (a))
BERTH_LAZY_ARCHIVE(int, archive_read_support_filter_xz, (A), (a))
BERTH_LAZY_ARCHIVE(int, archive_read_support_filter_zstd, (A), (a))
BERTH_LAZY_ARCHIVE(void, archive_entry_xattr_add_entry,
                   (E, const char* name, const void* value, size_t size),
                   (e, name, value, size))

// Variadic: formatted here, passed on as one string.
extern "C" void archive_set_error(struct archive* a, int err, const char* fmt, ...) {
    static auto* fn = reinterpret_cast<decltype(&::archive_set_error)>(archiveSymbol("archive_set_error"));
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    fn(a, err, "%s", buf);
}
