#include <gtest/gtest.h>

#include "store/image/metadata_db.hpp"
#include "support/failures.hpp"
#include "support/test_support.hpp"

using namespace berth;
using namespace berth::store;

namespace {

Digest d(char c) { return Digest::parse("sha256:" + std::string(64, c)); }

ImageRecord image(char id, std::vector<char> chains) {
    ImageRecord r;
    r.id = d(id);
    r.created = 100;
    for (char c : chains) {
        ImageLayerRecord l;
        l.chainId = d(c);
        l.diffId = d(c);
        l.blob = d(c);
        l.mediaType = "application/vnd.oci.image.layer.v1.tar";
        l.size = 10;
        l.diffSize = 20;
        r.layers.push_back(l);
        r.size += l.size;
    }
    return r;
}

}  // namespace

TEST(MetadataDb, RefCountsSharedLayers) {
    test::TempDir tmp;
    MetadataDb db(tmp / "berth.db");
    db.transaction([&] {
        EXPECT_TRUE(db.insertImage(image('1', {'a', 'b'})));
        EXPECT_TRUE(db.insertImage(image('2', {'a', 'c'})));
        EXPECT_FALSE(db.insertImage(image('2', {'a', 'c'})));
    });
    EXPECT_EQ(db.layerRefCount(d('a')), 2);
    EXPECT_EQ(db.layerRefCount(d('b')), 1);
    auto rec = db.image(d('2'));
    ASSERT_TRUE(rec);
    ASSERT_EQ(rec->layers.size(), 2u);
    EXPECT_EQ(rec->layers[1].chainId, d('c'));
    EXPECT_EQ(rec->layers[1].diffSize, 20u);
    auto released = db.deleteImage(d('1'));
    ASSERT_EQ(released.size(), 1u);
    EXPECT_EQ(released[0], d('b'));
    EXPECT_EQ(db.layerRefCount(d('a')), 1);
    EXPECT_FALSE(db.hasImage(d('1')));
}

TEST(MetadataDb, RefsMoveBetweenImagesAndGoWithTheImage) {
    test::TempDir tmp;
    MetadataDb db(tmp / "berth.db");
    db.transaction([&] {
        db.insertImage(image('1', {'a'}));
        db.insertImage(image('2', {'a'}));
        EXPECT_FALSE(db.setRef({"docker.io/library/x:1", d('1'), false}));
        auto prev = db.setRef({"docker.io/library/x:1", d('2'), false});
        ASSERT_TRUE(prev);
        EXPECT_EQ(*prev, d('1'));
    });
    EXPECT_TRUE(db.refsOf(d('1')).empty());
    EXPECT_EQ(db.refsOf(d('2')).size(), 1u);
    EXPECT_EQ(db.idsWithPrefix("2222").size(), 1u);
    db.deleteImage(d('2'));
    EXPECT_FALSE(db.ref("docker.io/library/x:1"));
}

TEST(MetadataDb, RollsBackAFailedTransaction) {
    test::TempDir tmp;
    MetadataDb db(tmp / "berth.db");
    EXPECT_THROW(db.transaction([&] {
        db.insertImage(image('1', {'a'}));
        throw std::runtime_error("boom");
    }),
                 std::runtime_error);
    EXPECT_FALSE(db.hasImage(d('1')));
    EXPECT_EQ(db.layerRefCount(d('a')), 0);
}

TEST(MetadataDb, SeveralProcessesWriteAtOnce) {
    test::TempDir tmp;
    { MetadataDb init(tmp / "berth.db"); }
    auto write = [&](int p) {
        MetadataDb db(tmp / "berth.db");
        for (int i = 0; i < 25; ++i) {
            char c = "0123456789abcdef"[(p * 25 + i) % 16];
            db.transaction([&] {
                db.insertImage(image(c, {'e'}));
                db.setRef({"docker.io/library/p" + std::to_string(p) + ":" + std::to_string(i), d(c), false});
            });
        }
    };
    EXPECT_EQ(test::failedChildren(4, write), 0);
    MetadataDb db(tmp / "berth.db");
    EXPECT_EQ(db.refs().size(), 100u);
    EXPECT_EQ(db.images().size(), 16u);
    EXPECT_EQ(db.layerRefCount(d('e')), 16);
}
