#include <gtest/gtest.h>

#include "common/error.hpp"
#include "store/reference.hpp"

using berth::store::Reference;

struct RefCase {
    const char* input;
    const char* normalized;  // str() after parseWithDefaultTag
    const char* familiar;    // familiarString()
};

TEST(StoreReference, NormalisesLikeDocker) {
    const std::string d = "sha256:" + std::string(64, 'a');
    const RefCase cases[] = {
        {"busybox", "docker.io/library/busybox:latest", "busybox:latest"},
        {"busybox:1.36", "docker.io/library/busybox:1.36", "busybox:1.36"},
        {"library/busybox", "docker.io/library/busybox:latest", "busybox:latest"},
        {"docker.io/busybox", "docker.io/library/busybox:latest", "busybox:latest"},
        {"index.docker.io/library/busybox", "docker.io/library/busybox:latest", "busybox:latest"},
        {"user/app:v1", "docker.io/user/app:v1", "user/app:v1"},
        {"localhost/app", "localhost/app:latest", "localhost/app:latest"},
        {"localhost:5000/x", "localhost:5000/x:latest", "localhost:5000/x:latest"},
        {"quay.io/a/b/c:t", "quay.io/a/b/c:t", "quay.io/a/b/c:t"},
        {"my-registry.example.com:443/ns/img_name.x:tag-1.0",
         "my-registry.example.com:443/ns/img_name.x:tag-1.0",
         "my-registry.example.com:443/ns/img_name.x:tag-1.0"},
        {"a__b", "docker.io/library/a__b:latest", "a__b:latest"},
        {"a---b", "docker.io/library/a---b:latest", "a---b:latest"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.input);
        Reference r = Reference::parseWithDefaultTag(c.input);
        EXPECT_EQ(r.str(), c.normalized);
        EXPECT_EQ(r.familiarString(), c.familiar);
    }
    Reference withDigest = Reference::parseWithDefaultTag("busybox@" + d);
    EXPECT_FALSE(withDigest.hasTag());
    ASSERT_TRUE(withDigest.hasDigest());
    EXPECT_EQ(withDigest.str(), "docker.io/library/busybox@" + d);
    EXPECT_EQ(withDigest.familiarName(), "busybox");
    Reference both = Reference::parse("reg:5000/x:t@" + d);
    EXPECT_EQ(both.domain(), "reg:5000");
    EXPECT_EQ(both.path(), "x");
    EXPECT_EQ(both.tag(), "t");
}

TEST(StoreReference, RejectsBadReferences) {
    const char* bad[] = {"",
                         "Busybox",
                         "docker.io/Library/busybox",
                         "busybox:",
                         "busybox:-tag",
                         ":tag",
                         "busybox@sha256:abc",
                         "busybox@md5:0123",
                         "a//b",
                         "-abc",
                         "abc-",
                         "a/b/",
                         "/abc",
                         "a..b",
                         "a b",
                         "busybox:tag:again",
                         "-host.com/x"};
    for (const char* s : bad) {
        SCOPED_TRACE(s);
        EXPECT_THROW(Reference::parse(s), berth::Error);
    }
    try {
        Reference::parse("docker.io/Library/busybox");
        FAIL();
    } catch (const berth::Error& e) {
        EXPECT_NE(std::string(e.what()).find("must be lowercase"), std::string::npos);
    }
    EXPECT_THROW(Reference::parse(std::string(64, 'a')), berth::Error);
    EXPECT_THROW(Reference::parse("a/" + std::string(300, 'b')), berth::Error);
    EXPECT_THROW(Reference::parse("busybox:" + std::string(129, 't')), berth::Error);
    EXPECT_NO_THROW(Reference::parse("busybox:" + std::string(128, 't')));
}

TEST(StoreReference, UppercaseDomainIsDomain) {
    Reference r = Reference::parseWithDefaultTag("Registry.Example/x");
    EXPECT_EQ(r.domain(), "Registry.Example");
    EXPECT_EQ(r.path(), "x");
}

TEST(StoreReference, IdPrefixes) {
    EXPECT_TRUE(berth::store::looksLikeIdPrefix("69f33a9602f1"));
    EXPECT_TRUE(berth::store::looksLikeIdPrefix("sha256:69f3"));
    EXPECT_FALSE(berth::store::looksLikeIdPrefix("busybox"));
    EXPECT_FALSE(berth::store::looksLikeIdPrefix(std::string(65, 'a')));
}
