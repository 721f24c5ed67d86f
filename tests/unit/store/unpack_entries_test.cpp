// Entry kinds, metadata and whiteouts written by the unpacker (runs as any user; owner and
// device checks only as root).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <atomic>
#include <thread>

#include "common/error.hpp"
#include "common/fd.hpp"
#include "common/file_io.hpp"
#include "store/unpack/layer_unpacker.hpp"
#include "support/test_support.hpp"
#include "unit/store/tar_builder.hpp"

using namespace berth;
using namespace berth::store;
using namespace berth::test;

namespace {

struct stat lst(const std::string& p) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) < 0) throw SysError("lstat " + p);
    return st;
}

std::string getXattr(const std::string& p, const std::string& name) {
    char buf[256];
    ssize_t n = ::lgetxattr(p.c_str(), name.c_str(), buf, sizeof buf);
    return n < 0 ? std::string("<none>") : std::string(buf, static_cast<size_t>(n));
}

auto owner(unsigned uid, unsigned gid) {
    return [=](archive_entry* e) {
        archive_entry_set_uid(e, uid);
        archive_entry_set_gid(e, gid);
    };
}

}  // namespace

TEST(UnpackEntries, FilesDirsLinksModesAndTimes) {
    std::string tar = TarBuilder()
                          .dir("./", 0751)
                          .dir("etc", 0700)
                          .file("etc/conf", "a=1\n", 0640)
                          .file("bin/tool", "#!/bin/sh\n", 04755)
                          .symlink("etc/link", "/etc/conf")
                          .hardlink("etc/hard", "etc/conf")
                          .fifo("run.fifo", 0600)
                          .add("etc/when", AE_IFREG, 0644, "t",
                               [](archive_entry* e) { archive_entry_set_mtime(e, 1234567, 89); })
                          .bytes();
    TempDir tmp;
    UnpackResult r = unpackString(tar, tmp / "l");
    EXPECT_EQ(r.entries, 8u);
    std::string l = tmp / "l";
    EXPECT_EQ(lst(l).st_mode & 07777, 0751u);
    EXPECT_EQ(lst(l + "/etc").st_mode & 07777, 0700u);
    EXPECT_EQ(readFile(l + "/etc/conf"), "a=1\n");
    EXPECT_EQ(lst(l + "/etc/conf").st_mode & 07777, 0640u);
    EXPECT_EQ(lst(l + "/bin/tool").st_mode & 07777, 04755u);  // setuid kept (after chown)
    EXPECT_TRUE(S_ISDIR(lst(l + "/bin").st_mode));            // implicit parent
    char target[64] = {};
    ASSERT_GT(::readlink((l + "/etc/link").c_str(), target, sizeof target), 0);
    EXPECT_STREQ(target, "/etc/conf");
    EXPECT_EQ(lst(l + "/etc/hard").st_ino, lst(l + "/etc/conf").st_ino);
    EXPECT_EQ(lst(l + "/etc/conf").st_nlink, 2u);
    EXPECT_TRUE(S_ISFIFO(lst(l + "/run.fifo").st_mode));
    EXPECT_EQ(lst(l + "/etc/when").st_mtim.tv_sec, 1234567);
    EXPECT_EQ(lst(l + "/etc/when").st_mtim.tv_nsec, 89);
    // Directory mtimes are set after their contents were written.
    EXPECT_EQ(lst(l + "/etc").st_mtim.tv_sec, 1600000000);
    EXPECT_EQ(lst(l + "/etc/link").st_mtim.tv_sec, 1600000000);  // symlink's own time
}

TEST(UnpackEntries, OwnersAndDevicesAsRoot) {
    BERTH_REQUIRE_ROOT();
    std::string tar = TarBuilder()
                          .dir("home", 0755, owner(1000, 1000))
                          .file("home/f", "x", 06755, owner(1000, 50))
                          .symlink("ln", "home/f")
                          .chardev("null", 1, 3)
                          .bytes();
    TempDir tmp;
    unpackString(tar, tmp / "l");
    struct stat f = lst(tmp / "l/home/f");
    EXPECT_EQ(f.st_uid, 1000u);
    EXPECT_EQ(f.st_gid, 50u);
    EXPECT_EQ(f.st_mode & 07777, 06755u);  // chmod after chown keeps setuid/setgid
    EXPECT_EQ(lst(tmp / "l/home").st_uid, 1000u);
    struct stat dev = lst(tmp / "l/null");
    EXPECT_TRUE(S_ISCHR(dev.st_mode));
    EXPECT_EQ(major(dev.st_rdev), 1u);
    EXPECT_EQ(minor(dev.st_rdev), 3u);
}

TEST(UnpackEntries, XattrsAndFileCapabilities) {
    // security.capability v2 for cap_net_bind_service (bit 10), permitted+effective.
    std::string cap(
        "\x01\x00\x00\x02\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00", 20);
    std::string tar =
        TarBuilder()
            .file("f", "x", 0755,
                  [&](archive_entry* e) {
                      archive_entry_xattr_add_entry(e, "user.note", "hi", 2);
                      archive_entry_xattr_add_entry(e, "security.capability", cap.data(),
                                                    cap.size());
                      archive_entry_xattr_add_entry(e, "trusted.overlay.opaque", "y", 1);
                  })
            .bytes();
    TempDir tmp;
    unpackString(tar, tmp / "l");
    EXPECT_EQ(getXattr(tmp / "l/f", "user.note"), "hi");
    EXPECT_EQ(getXattr(tmp / "l/f", "trusted.overlay.opaque"), "<none>");  // never from a tar
    if (test::runningAsRoot()) {
        EXPECT_EQ(getXattr(tmp / "l/f", "security.capability"), cap);
    }
}

TEST(UnpackEntries, WhiteoutsInOverlayForm) {
    std::string tar = TarBuilder()
                          .dir("a")
                          .file("a/.wh.gone", "")
                          .dir("op")
                          .file("op/.wh..wh..opq", "")
                          .file("op/new", "n")
                          .file(".wh..wh.plnk", "")  // AUFS metadata: ignored
                          .bytes();
    TempDir tmp;
    unpackString(tar, tmp / "l");
    struct stat wo = lst(tmp / "l/a/gone");
    EXPECT_TRUE(S_ISCHR(wo.st_mode));
    EXPECT_EQ(wo.st_rdev, makedev(0, 0));
    EXPECT_FALSE(lexists(tmp / "l/a/.wh.gone"));
    const char* opaque = test::runningAsRoot() ? "trusted.overlay.opaque" : "user.overlay.opaque";
    EXPECT_EQ(getXattr(tmp / "l/op", opaque), "y");
    EXPECT_FALSE(lexists(tmp / "l/op/.wh..wh..opq"));
    EXPECT_FALSE(lexists(tmp / "l/.wh..wh.plnk"));
    EXPECT_EQ(readFile(tmp / "l/op/new"), "n");
}

TEST(UnpackEntries, ApplyModeDeletesAndEmptiesOpaqueDirs) {
    TempDir tmp;
    std::string root = tmp / "root";
    std::string base = TarBuilder()
                           .dir("keep")
                           .file("keep/x", "1")
                           .dir("gone")
                           .file("gone/y", "2")
                           .dir("op")
                           .file("op/old", "3")
                           .dir("op/sub")
                           .file("op/sub/old2", "4")
                           .bytes();
    std::string top = TarBuilder()
                          .file(".wh.gone", "")
                          .dir("op")
                          .file("op/sub/new", "5")
                          .file("op/.wh..wh..opq", "")
                          .bytes();
    mkdirAll(root);
    UniqueFd fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    UnpackOptions o;
    o.whiteouts = WhiteoutMode::Apply;
    for (const std::string& blob : {base, top}) {
        StringReader r{blob};
        applyLayer(ReadFn(std::ref(r)), fd.get(), o);
    }
    EXPECT_EQ(readFile(root + "/keep/x"), "1");
    EXPECT_FALSE(lexists(root + "/gone"));
    EXPECT_FALSE(lexists(root + "/op/old"));
    EXPECT_FALSE(lexists(root + "/op/sub/old2"));
    EXPECT_EQ(readFile(root + "/op/sub/new"), "5");
}

TEST(UnpackEntries, LaterEntriesReplaceEarlierOnes) {
    std::string tar = TarBuilder()
                          .file("f", "old")
                          .file("f", "new")
                          .dir("d")
                          .file("d/in", "x")
                          .file("d", "now a file")
                          .symlink("s", "/etc/passwd")
                          .file("s", "replaced the link, not its target")
                          .bytes();
    TempDir tmp;
    unpackString(tar, tmp / "l");
    EXPECT_EQ(readFile(tmp / "l/f"), "new");
    EXPECT_EQ(readFile(tmp / "l/d"), "now a file");
    EXPECT_TRUE(S_ISREG(lst(tmp / "l/s").st_mode));
}

TEST(UnpackEntries, ConcurrentUnpacksAreIndependent) {
    std::string tar = TarBuilder().dir("d").file("d/f", std::string(100000, 'z')).bytes();
    TempDir tmp;
    std::vector<std::thread> threads;
    std::atomic<int> ok{0};
    for (int i = 0; i < 6; ++i)
        threads.emplace_back([&, i] {
            if (unpackString(tar, tmp / ("l" + std::to_string(i))).entries == 2) ++ok;
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 6);
}

// `cp -` into a container: ".wh." names are plain files, every entry gets the given owner,
// bzip2/xz are accepted, the file bytes are counted, and ".." still cannot leave the dir.
TEST(UnpackEntries, ExtractArchiveForCp) {
    std::string tar = TarBuilder()
                          .dir("d")
                          .file("d/.wh.kept", "w")
                          .file("d/f", "12345", 0644, owner(1234, 1234))
                          .hardlink("d/g", "d/f")
                          .bytes();
    TempDir tmp;
    std::string root = tmp / "dest";
    mkdirAll(root);
    UniqueFd fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    UnpackOptions o;
    o.whiteouts = WhiteoutMode::None;
    o.anyCompression = true;
    if (::geteuid() == 0) o.owner = std::make_pair(uid_t(0), gid_t(0));
    for (std::string filter : {"xz", "bzip2"}) {
        StringReader r{berth::test::compress(tar, filter)};
        UnpackResult res = extractArchive(ReadFn(std::ref(r)), fd.get(), o);
        EXPECT_EQ(res.fileBytes, 6u) << filter;  // "w" and "12345"; the hardlink not again
        EXPECT_EQ(readFile(root + "/d/.wh.kept"), "w");
        EXPECT_EQ(readFile(root + "/d/g"), "12345");
        if (::geteuid() == 0) {
            EXPECT_EQ(lst(root + "/d/f").st_uid, 0u);
        }
    }
    StringReader evil{TarBuilder().file("../escaped", "x").bytes()};
    EXPECT_THROW(extractArchive(ReadFn(std::ref(evil)), fd.get(), o), Error);
    EXPECT_FALSE(lexists(tmp / "escaped"));
}
