// The copying snapshot driver and the overlay diff (runs as any user: overlay-form layers are
// made by the unpacker; whiteout char devices 0:0 need no privilege since Linux 5.8).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "store/snapshot/copy_snapshot.hpp"
#include "store/snapshot/overlay_snapshot.hpp"
#include "store/snapshot/snapshot_diff.hpp"
#include "store/unpack/layer_unpacker.hpp"
#include "support/test_support.hpp"
#include "unit/store/tar_builder.hpp"

using namespace berth;
using namespace berth::store;
using namespace berth::test;

TEST(CopySnapshot, AppliesLayersWithWhiteoutsAndOpaqueDirs) {
    TempDir tmp;
    unpackString(TarBuilder()
                     .dir("etc")
                     .file("etc/a", "1")
                     .file("etc/b", "2")
                     .dir("op")
                     .file("op/old", "x")
                     .symlink("lnk", "/etc/a")
                     .file("data", "shared")
                     .hardlink("data2", "data")
                     .bytes(),
                 tmp / "l0");
    unpackString(TarBuilder()
                     .dir("etc")
                     .file("etc/.wh.b", "")
                     .file("etc/c", "3")
                     .dir("op")
                     .file("op/.wh..wh..opq", "")
                     .file("op/new", "y")
                     .file("lnk", "now a file")
                     .bytes(),
                 tmp / "l1");
    CopySnapshot::create({tmp / "l1", tmp / "l0"}, tmp / "root");
    std::string r = tmp / "root";
    EXPECT_EQ(readFile(r + "/etc/a"), "1");
    EXPECT_FALSE(lexists(r + "/etc/b"));
    EXPECT_EQ(readFile(r + "/etc/c"), "3");
    EXPECT_FALSE(lexists(r + "/op/old"));
    EXPECT_EQ(readFile(r + "/op/new"), "y");
    EXPECT_EQ(readFile(r + "/lnk"), "now a file");
    struct stat a {
    }, b{};
    ASSERT_EQ(::lstat((r + "/data").c_str(), &a), 0);
    ASSERT_EQ(::lstat((r + "/data2").c_str(), &b), 0);
    EXPECT_EQ(a.st_ino, b.st_ino);  // hardlinks stay hardlinks
    EXPECT_FALSE(lexists(r + "/etc/.wh.b"));
    EXPECT_THROW(CopySnapshot::create({tmp / "l1"}, r), Error);  // exists
    auto left = test::runCommand({"find", tmp.path(), "-maxdepth", "1", "-name", "*.copy-*"});
    EXPECT_EQ(left.out, "");
}

TEST(CopySnapshot, LowerSymlinkCannotRedirectAnUpperDir) {
    TempDir tmp;
    mkdirAll(tmp / "outside");
    unpackString(TarBuilder().symlink("etc", tmp / "outside").bytes(), tmp / "l0");
    unpackString(TarBuilder().dir("etc").file("etc/passwd", "p").bytes(), tmp / "l1");
    CopySnapshot::create({tmp / "l1", tmp / "l0"}, tmp / "root");
    EXPECT_EQ(readFile(tmp / "root/etc/passwd"), "p");
    EXPECT_FALSE(lexists(tmp / "outside/passwd"));
}

TEST(OverlayDiff, ReportsAddedChangedDeleted) {
    TempDir tmp;
    unpackString(TarBuilder()
                     .dir("etc")
                     .file("etc/hosts", "h")
                     .file("etc/gone", "g")
                     .dir("var")
                     .file("var/x", "x")
                     .bytes(),
                 tmp / "lower");
    // An upper as overlayfs leaves it: copied-up etc/hosts, a whiteout, a new file, an
    // opaque dir replacing var.
    unpackString(TarBuilder()
                     .dir("etc")
                     .file("etc/hosts", "changed")
                     .file("etc/.wh.gone", "")
                     .file("new", "n")
                     .dir("var")
                     .file("var/.wh..wh..opq", "")
                     .file("var/y", "y")
                     .bytes(),
                 tmp / "upper");
    std::vector<Change> got = overlayDiff({tmp / "lower"}, tmp / "upper");
    std::vector<Change> want = {
        {ChangeKind::Changed, "/etc"},       {ChangeKind::Deleted, "/etc/gone"},
        {ChangeKind::Changed, "/etc/hosts"}, {ChangeKind::Added, "/new"},
        {ChangeKind::Changed, "/var"},       {ChangeKind::Deleted, "/var/x"},
        {ChangeKind::Added, "/var/y"}};
    EXPECT_EQ(got, want);
    EXPECT_EQ(changeLetter(got[0].kind), 'C');
}

TEST(OverlayOptions, LegacyStringAndValidation) {
    OverlayLayout l{{"/l/2", "/l/1"}, "/c/upper", "/c/work", "/c/merged"};
    EXPECT_EQ(legacyOverlayOptions(l),
              "lowerdir=/l/2:/l/1,upperdir=/c/upper,workdir=/c/work,index=off");
    l.lowerDirs.push_back("/bad:path");
    EXPECT_THROW(legacyOverlayOptions(l), Error);
    OverlayLayout noWork{{"/l/1"}, "/c/upper", "", "/c/m"};
    EXPECT_THROW(legacyOverlayOptions(noWork), Error);
}
