#include "runtime/cgroups/text_fields.hpp"

#include <gtest/gtest.h>

namespace berth::runtime::cgroups {
namespace {

using Strings = std::vector<std::string>;

TEST(CgroupTextFields, LinesAsGetlineReadsThem) {
    EXPECT_EQ(textLines(""), Strings{});
    EXPECT_EQ(textLines("a\nb c\n"), (Strings{"a", "b c"}));
    EXPECT_EQ(textLines("a\n\nb"), (Strings{"a", "", "b"}));
}

TEST(CgroupTextFields, FieldsAsStreamExtractionReadsThem) {
    EXPECT_EQ(textFields(""), Strings{});
    EXPECT_EQ(textFields("  \n"), Strings{});
    EXPECT_EQ(textFields("cpu io\tmemory\n pids "), (Strings{"cpu", "io", "memory", "pids"}));
    EXPECT_EQ(textFields("12\n345\n"), (Strings{"12", "345"}));
}

TEST(CgroupTextFields, UnsignedFields) {
    uint64_t v = 0;
    EXPECT_TRUE(parseUnsignedField("0", v));
    EXPECT_EQ(v, 0u);
    EXPECT_TRUE(parseUnsignedField("18446744073709551615", v));
    EXPECT_EQ(v, 18446744073709551615ull);
    EXPECT_FALSE(parseUnsignedField("", v));
    EXPECT_FALSE(parseUnsignedField("-1", v));
    EXPECT_FALSE(parseUnsignedField("12x", v));
    EXPECT_FALSE(parseUnsignedField("max", v));
    EXPECT_FALSE(parseUnsignedField("99999999999999999999", v));
}

}  // namespace
}  // namespace berth::runtime::cgroups
