// Container records: IDs, names, lookup rules, and what list() makes of crash leftovers.
#include <gtest/gtest.h>

#include <set>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "engine/container/container_ids.hpp"
#include "engine/container/container_store.hpp"
#include "support/test_support.hpp"

using namespace berth::engine;

TEST(ContainerIds, HexAndUnique) {
    std::set<std::string> seen;
    for (int i = 0; i < 200; ++i) {
        auto id = generateContainerId();
        ASSERT_EQ(id.size(), 64u);
        EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
        EXPECT_NE(id.substr(0, 12).find_first_not_of("0123456789"), std::string::npos);
        EXPECT_TRUE(seen.insert(id).second);
    }
}

TEST(ContainerIds, NamesAndValidation) {
    auto n = generateContainerName(0);
    EXPECT_NE(n.find('_'), std::string::npos);
    EXPECT_NE(n, "boring_wozniak");
    EXPECT_EQ(validateContainerName("/web"), "web");
    EXPECT_EQ(validateContainerName("a.b-c_d"), "a.b-c_d");
    EXPECT_THROW(validateContainerName("-bad"), berth::Error);
    EXPECT_THROW(validateContainerName("has space"), berth::Error);
}

TEST(ContainerStore, LookupByIdNamePrefix) {
    berth::test::TempDir dir;
    ContainerStore store(dir.path());
    auto make = [&](const std::string& id, const std::string& name, int64_t ns) {
        ContainerRecord r;
        r.id = id;
        r.name = name;
        r.createdNs = ns;
        berth::mkdirAll(store.dir(id));
        store.save(r);
    };
    std::string a = "abc" + std::string(61, '1'), b = "abd" + std::string(61, '2');
    make(a, "first", 1);
    make(b, "second", 2);
    berth::mkdirAll(store.dir(std::string(64, 'f')));  // a crashed create: no row
    auto all = store.list();
    ASSERT_EQ(all.size(), 2u);
    EXPECT_EQ(all[0].name, "first");
    EXPECT_EQ(store.get("second").id, b);
    EXPECT_EQ(store.get("/first").id, a);
    EXPECT_EQ(store.get("abc").id, a);
    EXPECT_THROW(store.get("ab"), berth::Error);  // ambiguous
    try {
        store.get("nope");
        FAIL();
    } catch (const NoSuchContainer& e) {
        EXPECT_EQ(std::string(e.what()).rfind("No such container: nope", 0), 0u);
    }
    store.remove(a);
    EXPECT_FALSE(store.find(a));
    EXPECT_FALSE(berth::pathExists(store.dir(a)));
}

TEST(ContainerRecord, TimesRoundTrip) {
    int64_t ns = 0;
    auto text = rfc3339NanoNow(&ns);
    EXPECT_EQ(parseRfc3339Nano(text), ns);
    EXPECT_EQ(parseRfc3339Nano("0001-01-01T00:00:00Z"), 0);
}
