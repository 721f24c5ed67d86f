#include "cli/flags.hpp"

#include <gtest/gtest.h>

namespace berth::cli {
namespace {

FlagSet runLikeFlags() {
    FlagSet f;
    f.addBool("interactive", 'i', "Keep STDIN open")
        .addBool("tty", 't', "Allocate a pseudo-TTY")
        .addBool("rm", 0, "Remove when done")
        .addList("env", 'e', "Set environment variables")
        .addString("name", 0, "Assign a name")
        .addInt("last", 'n', "Show n last", -1);
    return f;
}

std::string parseError(FlagSet f, std::vector<std::string> args) {
    std::vector<std::string> pos;
    try {
        f.parse(args, pos);
    } catch (const UsageError& e) {
        return e.what();
    }
    return "";
}

TEST(Flags, CombinedShortsLongsAndRepeats) {
    FlagSet f = runLikeFlags();
    std::vector<std::string> pos;
    f.parse({"-it", "--rm", "-e", "A=1", "-eB=2", "--env=C=3", "--env", "D", "--name=web",
             "busybox", "sh"},
            pos);
    EXPECT_TRUE(f.getBool("interactive"));
    EXPECT_TRUE(f.getBool("tty"));
    EXPECT_TRUE(f.getBool("rm"));
    EXPECT_EQ(f.getList("env"), (std::vector<std::string>{"A=1", "B=2", "C=3", "D"}));
    EXPECT_EQ(f.getString("name"), "web");
    EXPECT_EQ(pos, (std::vector<std::string>{"busybox", "sh"}));
    EXPECT_EQ(f.getInt("last"), -1);
    EXPECT_FALSE(f.changed("last"));
    EXPECT_TRUE(f.changed("name"));
}

TEST(Flags, ShortWithValueVariants) {
    FlagSet f = runLikeFlags();
    std::vector<std::string> pos;
    f.parse({"-n=3", "-ite", "X"}, pos);
    EXPECT_EQ(f.getInt("last"), 3);
    EXPECT_EQ(f.getList("env"), std::vector<std::string>{"X"});
    FlagSet g = runLikeFlags();
    g.parse({"-n5", "-i=false"}, pos);
    EXPECT_EQ(g.getInt("last"), 5);
    EXPECT_FALSE(g.getBool("interactive"));
}

TEST(Flags, BoolWithExplicitValue) {
    FlagSet f = runLikeFlags();
    std::vector<std::string> pos;
    f.parse({"--rm=false", "--tty=true", "false"}, pos);
    EXPECT_FALSE(f.getBool("rm"));
    EXPECT_TRUE(f.getBool("tty"));
    EXPECT_EQ(pos, std::vector<std::string>{"false"});  // `--rm false`: false is an argument
}

TEST(Flags, DoubleDashEndsOptions) {
    FlagSet f = runLikeFlags();
    std::vector<std::string> pos;
    f.parse({"-i", "--", "-t", "--rm", "-"}, pos);
    EXPECT_TRUE(f.getBool("interactive"));
    EXPECT_FALSE(f.getBool("tty"));
    EXPECT_EQ(pos, (std::vector<std::string>{"-t", "--rm", "-"}));
}

TEST(Flags, NotInterspersedStopsAtFirstArgument) {
    FlagSet f = runLikeFlags();
    std::vector<std::string> pos;
    f.parse({"-i", "busybox", "ls", "-t", "--rm"}, pos, false);
    EXPECT_TRUE(f.getBool("interactive"));
    EXPECT_FALSE(f.getBool("tty"));
    EXPECT_EQ(pos, (std::vector<std::string>{"busybox", "ls", "-t", "--rm"}));
}

TEST(Flags, ValueMayStartWithDash) {
    FlagSet f = runLikeFlags();
    std::vector<std::string> pos;
    f.parse({"--name", "-x", "-e", "-y"}, pos);
    EXPECT_EQ(f.getString("name"), "-x");
    EXPECT_EQ(f.getList("env"), std::vector<std::string>{"-y"});
}

TEST(Flags, PflagErrorTexts) {
    EXPECT_EQ(parseError(runLikeFlags(), {"--foo"}), "unknown flag: --foo");
    EXPECT_EQ(parseError(runLikeFlags(), {"--foo=1"}), "unknown flag: --foo");
    EXPECT_EQ(parseError(runLikeFlags(), {"-ix"}), "unknown shorthand flag: 'x' in -ix");
    EXPECT_EQ(parseError(runLikeFlags(), {"--name"}), "flag needs an argument: --name");
    EXPECT_EQ(parseError(runLikeFlags(), {"-e"}), "flag needs an argument: 'e' in -e");
    EXPECT_EQ(parseError(runLikeFlags(), {"---x"}), "bad flag syntax: ---x");
    EXPECT_EQ(parseError(runLikeFlags(), {"-n", "abc"}),
              "invalid argument \"abc\" for \"-n, --last\" flag: strconv.ParseInt: parsing "
              "\"abc\": invalid syntax");
    EXPECT_EQ(parseError(runLikeFlags(), {"--rm=maybe"}),
              "invalid argument \"maybe\" for \"--rm\" flag: strconv.ParseBool: parsing "
              "\"maybe\": invalid syntax");
}

TEST(Flags, UsagesAlignedAndSortedLikePflag) {
    FlagSet f;
    f.addBool("quiet", 'q', "Only show image IDs")
        .addBool("all", 'a', "Show all images")
        .addString("format", 0, "Pretty-print images using a Go template")
        .addList("filter", 'f', "Filter output", "filter")
        .addString("root", 0, "Root", "/var/lib/berth")
        .addBool("secret", 0, "hidden")
        .hide("secret");
    EXPECT_EQ(f.usages(),
              "  -a, --all             Show all images\n"
              "  -f, --filter filter   Filter output\n"
              "      --format string   Pretty-print images using a Go template\n"
              "  -q, --quiet           Only show image IDs\n"
              "      --root string     Root (default \"/var/lib/berth\")\n");
}

TEST(Flags, BytesDurationDecimalLikeDocker) {
    FlagSet f;
    f.addBytes("memory", 'm', "Memory limit")
        .addDuration("stop-timeout", 0, "Timeout")
        .addDecimal("cpus", 0, "Number of CPUs");
    std::vector<std::string> pos;
    f.parse({"-m", "64m", "--stop-timeout=1m30s", "--cpus", "1.5"}, pos);
    EXPECT_EQ(f.getBytes("memory"), 64 * 1024 * 1024);
    EXPECT_EQ(f.getDuration("stop-timeout"), 90LL * 1000000000);
    EXPECT_DOUBLE_EQ(f.getDecimal("cpus"), 1.5);
    FlagSet g = f;
    EXPECT_EQ(parseError(g, {"-m", "12x"}),
              "invalid argument \"12x\" for \"-m, --memory\" flag: invalid size: '12x'");
    EXPECT_EQ(parseError(g, {"--stop-timeout", "10"}),
              "invalid argument \"10\" for \"--stop-timeout\" flag: time: invalid duration "
              "\"10\"");
    EXPECT_EQ(parseError(g, {"--cpus", "x"}),
              "invalid argument \"x\" for \"--cpus\" flag: failed to parse x as a rational "
              "number");
}

TEST(Flags, GoDurations) {
    EXPECT_EQ(parseGoDuration("0"), 0);
    EXPECT_EQ(parseGoDuration("300ms"), 300000000);
    EXPECT_EQ(parseGoDuration("-1.5h"), -5400LL * 1000000000);
    EXPECT_EQ(parseGoDuration("1h2m3s"), 3723LL * 1000000000);
    EXPECT_EQ(parseGoDuration("2us"), 2000);
    EXPECT_EQ(parseGoDuration("2\u00b5s"), 2000);
    EXPECT_EQ(parseGoDuration("5"), std::nullopt);
    EXPECT_EQ(parseGoDuration("5d"), std::nullopt);
    EXPECT_EQ(parseGoDuration(""), std::nullopt);
}

TEST(Flags, UndefinedLookupIsAProgrammingError) {
    FlagSet f;
    EXPECT_THROW(f.getBool("nope"), std::logic_error);
}

}  // namespace
}  // namespace berth::cli
