#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "store/blob_store.hpp"
#include "support/test_support.hpp"

using namespace berth::store;
using berth::test::TempDir;

TEST(StoreBlobStore, PutVerifiesAndStoresByDigest) {
    TempDir dir;
    BlobStore bs(dir.path());
    Digest d = bs.put("hello");
    EXPECT_EQ(d, sha256Of("hello"));
    EXPECT_TRUE(bs.has(d));
    EXPECT_EQ(bs.read(d), "hello");
    EXPECT_EQ(bs.size(d), 5u);
    EXPECT_EQ(bs.path(d), dir.path() + "/blobs/sha256/" + d.hex());
    EXPECT_EQ(bs.list().size(), 1u);
    bs.remove(d);
    EXPECT_FALSE(bs.has(d));
}

TEST(StoreBlobStore, MismatchLeavesNothingVisible) {
    TempDir dir;
    BlobStore bs(dir.path());
    Digest wrong = sha256Of("other");
    EXPECT_THROW(bs.put("hello", wrong), berth::Error);
    EXPECT_FALSE(bs.has(wrong));
    EXPECT_FALSE(bs.has(sha256Of("hello")));
    EXPECT_TRUE(bs.list().empty());
    // and no temp file stays behind
    EXPECT_EQ(bs.cleanTemp(), 0u);
    auto w = bs.writer();
    w.write("abc");
    EXPECT_THROW(w.commit(sha256Of("abc"), 4), berth::Error);
    EXPECT_TRUE(bs.list().empty());
}

TEST(StoreBlobStore, CleanTempKeepsLiveWritersRemovesDeadOnes) {
    TempDir dir;
    BlobStore bs(dir.path());
    // A temp file nobody holds (what kill -9 leaves).
    berth::writeFile(dir.path() + "/blobs/tmp/tmp-dead", "partial");
    auto live = bs.writer();
    live.write("in progress");
    EXPECT_EQ(bs.cleanTemp(), 1u);
    EXPECT_FALSE(berth::pathExists(dir.path() + "/blobs/tmp/tmp-dead"));
    Digest d = live.commit();
    EXPECT_EQ(bs.read(d), "in progress");
    // Opening a store cleans what a dead writer left.
    berth::writeFile(dir.path() + "/blobs/tmp/tmp-dead2", "partial");
    BlobStore again(dir.path());
    EXPECT_FALSE(berth::pathExists(dir.path() + "/blobs/tmp/tmp-dead2"));
}

TEST(StoreBlobStore, MissingBlobErrorNamesDigest) {
    TempDir dir;
    BlobStore bs(dir.path());
    Digest d = sha256Of("x");
    try {
        bs.open(d);
        FAIL();
    } catch (const berth::Error& e) {
        EXPECT_NE(std::string(e.what()).find(d.str()), std::string::npos);
    }
}
