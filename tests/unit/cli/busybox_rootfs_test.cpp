#include "cli/busybox/busybox_rootfs.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>

#include "common/error.hpp"
#include "common/fd.hpp"

namespace berth::cli {
namespace {

struct Entry {
    unsigned type;
    unsigned mode;
    int64_t size;
    std::string link;
    int64_t uid;
};

std::map<std::string, Entry> readTar(int fd) {
    std::map<std::string, Entry> out;
    archive* a = archive_read_new();
    archive_read_support_format_tar(a);
    EXPECT_EQ(archive_read_open_fd(a, fd, 65536), ARCHIVE_OK);
    archive_entry* e;
    while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
        std::string name = archive_entry_pathname(e);
        if (!name.empty() && name.back() == '/') name.pop_back();
        const char* link = archive_entry_symlink(e);
        out[name] = {archive_entry_filetype(e), archive_entry_perm(e), archive_entry_size(e),
                     link ? link : "", archive_entry_uid(e)};
    }
    archive_read_free(a);
    return out;
}

TEST(BusyboxRootfs, TarHasBinaryAppletsEtcAndDirs) {
    if (access(kDefaultBusybox, X_OK) != 0) GTEST_SKIP() << "busybox-static not installed";
    UniqueFd mem(memfd_create("t", MFD_CLOEXEC));
    ASSERT_TRUE(mem);
    writeBusyboxRootfsTar(mem.get());
    ASSERT_EQ(lseek(mem.get(), 0, SEEK_SET), 0);
    auto tar = readTar(mem.get());

    struct stat st;
    ASSERT_EQ(stat(kDefaultBusybox, &st), 0);
    ASSERT_TRUE(tar.count("bin/busybox"));
    EXPECT_EQ(tar["bin/busybox"].type, static_cast<unsigned>(AE_IFREG));
    EXPECT_EQ(tar["bin/busybox"].mode, 0755u);
    EXPECT_EQ(tar["bin/busybox"].size, st.st_size);
    ASSERT_TRUE(tar.count("bin/sh"));
    EXPECT_EQ(tar["bin/sh"].type, static_cast<unsigned>(AE_IFLNK));
    EXPECT_EQ(tar["bin/sh"].link, "/bin/busybox");
    EXPECT_TRUE(tar.count("bin/ls"));
    EXPECT_EQ(tar["tmp"].mode, 01777u);
    EXPECT_EQ(tar["root"].mode, 0700u);
    for (const char* d : {"proc", "sys", "dev", "etc", "usr/bin", "usr/sbin", "sbin"}) {
        ASSERT_TRUE(tar.count(d)) << d;
        EXPECT_EQ(tar[d].type, static_cast<unsigned>(AE_IFDIR)) << d;
    }
    for (const char* f : {"etc/passwd", "etc/group", "etc/hosts", "etc/nsswitch.conf"})
        EXPECT_TRUE(tar.count(f)) << f;
    for (auto& [name, e] : tar) EXPECT_EQ(e.uid, 0) << name;
    // Every applet's parent directory is in the tar before use.
    for (const auto& a : busyboxApplets(kDefaultBusybox)) {
        EXPECT_TRUE(tar.count(a)) << a;
        auto slash = a.rfind('/');
        if (slash != std::string::npos) {
            EXPECT_TRUE(tar.count(a.substr(0, slash))) << a;
        }
    }
}

TEST(BusyboxRootfs, ReproducibleBytes) {
    if (access(kDefaultBusybox, X_OK) != 0) GTEST_SKIP() << "busybox-static not installed";
    auto make = [] {
        UniqueFd mem(memfd_create("t", MFD_CLOEXEC));
        writeBusyboxRootfsTar(mem.get());
        off_t size = lseek(mem.get(), 0, SEEK_CUR);
        std::string data(static_cast<size_t>(size), '\0');
        EXPECT_EQ(pread(mem.get(), data.data(), data.size(), 0), size);
        return data;
    };
    EXPECT_EQ(make(), make());
}

TEST(BusyboxRootfs, MissingBinaryIsAClearError) {
    UniqueFd mem(memfd_create("t", MFD_CLOEXEC));
    try {
        writeBusyboxRootfsTar(mem.get(), "/nonexistent/busybox");
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("/nonexistent/busybox"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("busybox-static"), std::string::npos);
    }
}

}  // namespace
}  // namespace berth::cli
