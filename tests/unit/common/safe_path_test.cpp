#include "common/safe_path.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "support/test_support.hpp"

using namespace berth;

TEST(CleanPath, CollapsesDotsAndSlashes) {
    EXPECT_EQ(cleanPath("/a//b/./c/../d"), "/a/b/d");
    EXPECT_EQ(cleanPath("/../../etc"), "/etc");
    EXPECT_EQ(cleanPath("a/../../b"), "b");
    EXPECT_EQ(cleanPath("/"), "/");
}

TEST(SplitParent, SplitsLastComponent) {
    EXPECT_EQ(splitParent("/a/b/c"), (std::pair<std::string, std::string>{"/a/b", "c"}));
    EXPECT_EQ(splitParent("c"), (std::pair<std::string, std::string>{"/", "c"}));
}

TEST(IsPathWithin, ComponentWise) {
    EXPECT_TRUE(isPathWithin("/a/b", "/a"));
    EXPECT_TRUE(isPathWithin("/a", "/a"));
    EXPECT_FALSE(isPathWithin("/ab", "/a"));
    EXPECT_FALSE(isPathWithin("/a", "/a/b"));
    EXPECT_TRUE(isPathWithin("/x/y", "/"));
    EXPECT_TRUE(isPathWithin("/", "/"));
    EXPECT_TRUE(isPathWithin("/a/b", "/a/"));
    EXPECT_FALSE(isPathWithin("/a/../etc", "/b"));  // lexical: not cleaned
}

TEST(OpenInRoot, AbsoluteSymlinkStaysInsideRoot) {
    test::TempDir root;
    test::TempDir outside;
    writeFile(outside / "secret", "host");
    mkdirAll(root / "etc");
    writeFile(root / "etc/secret", "container");
    // A symlink pointing at the host path must resolve inside the root.
    ASSERT_EQ(symlink((outside.path() + "/secret").c_str(), (root / "link").c_str()), 0);
    ASSERT_EQ(symlink("../../../../etc/secret", (root / "rel").c_str()), 0);
    UniqueFd rootfd(open(root.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    UniqueFd viaRel = openInRoot(rootfd.get(), "/rel", O_RDONLY);
    EXPECT_EQ(readFile(fdPath(viaRel.get())), "container") << "relative escape must be clamped";
    EXPECT_FALSE(tryOpenInRoot(rootfd.get(), "/link", O_RDONLY).valid())
        << "absolute symlink must resolve inside root, where the target does not exist";
}

TEST(MkdirAllInRoot, SymlinkedComponentCannotEscape) {
    test::TempDir root;
    test::TempDir outside;
    ASSERT_EQ(symlink(outside.path().c_str(), (root / "evil").c_str()), 0);
    UniqueFd rootfd(open(root.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    mkdirAllInRoot(rootfd.get(), "/evil/sub/dir");
    struct stat st;
    EXPECT_NE(stat((outside / "sub").c_str(), &st), 0) << "mkdir escaped through the symlink";
    EXPECT_EQ(stat((root.path() + outside.path() + "/sub/dir").c_str(), &st), 0);
}

TEST(Error, ContextChainAndErrno) {
    try {
        withContext("mount /proc", [] { throw SysError("open target", EXDEV); });
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.errnum(), EXDEV);
        EXPECT_NE(std::string(e.what()).find("mount /proc: open target: EXDEV"), std::string::npos)
            << e.what();
    }
}

TEST(FileIo, AtomicWriteReplaces) {
    test::TempDir d;
    writeFileAtomic(d / "f", "one");
    writeFileAtomic(d / "f", "two");
    EXPECT_EQ(readFile(d / "f"), "two");
}

TEST(FileIo, ReplaceWithoutSyncReplacesAndLeavesNoTemp) {
    test::TempDir d;
    writeFileReplace(d / "f", "one", 0600);
    writeFileReplace(d / "f", "two", 0600);
    EXPECT_EQ(readFile(d / "f"), "two");
    struct stat st;
    ASSERT_EQ(::stat((d / "f").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_FALSE(pathExists(d / ("f.tmp-" + std::to_string(::getpid()))));
}
