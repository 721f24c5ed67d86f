// The CLI run in-process: dispatch, global flags, help and Docker's error texts / exit codes.
#include "cli/app.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <sstream>

namespace berth::cli {
namespace {

struct CliRun {
    int rc;
    std::string out, err;
};

CliRun run(std::vector<std::string> args) {
    std::ostringstream out, err;
    CliContext ctx(out, err);
    int rc = runCli(args, ctx);
    return {rc, out.str(), err.str()};
}

TEST(App, NoArgsAndHelpPrintRootUsage) {
    for (auto args : {std::vector<std::string>{}, {"--help"}, {"-h"}, {"help"}}) {
        CliRun r = run(args);
        EXPECT_EQ(r.rc, 0);
        EXPECT_EQ(r.out.rfind("\nUsage:  berth [OPTIONS] COMMAND\n", 0), 0u) << r.out;
        EXPECT_NE(r.out.find("Commands:\n"), std::string::npos);
        EXPECT_NE(r.out.find("--root string"), std::string::npos);
    }
}

TEST(App, VerbHelp) {
    for (auto args : {std::vector<std::string>{"version", "--help"}, {"help", "version"}}) {
        CliRun r = run(args);
        EXPECT_EQ(r.rc, 0);
        EXPECT_EQ(r.out,
                  "\nUsage:  berth version [OPTIONS]\n\nShow the berth version information\n\n"
                  "Options:\n  -f, --format string   Format the output using the given Go "
                  "template\n");
    }
}

TEST(App, UnknownFlagIs125WithDockerText) {
    CliRun r = run({"version", "--foo"});
    EXPECT_EQ(r.rc, 125);
    EXPECT_EQ(r.err, "unknown flag: --foo\nSee 'berth version --help'.\n");
    CliRun g = run({"--bogus", "version"});
    EXPECT_EQ(g.rc, 125);
    EXPECT_EQ(g.err, "unknown flag: --bogus\nSee 'berth --help'.\n");
}

TEST(App, UnknownCommand) {
    CliRun r = run({"frobnicate"});
    EXPECT_EQ(r.rc, 1);
    EXPECT_EQ(r.err, "berth: 'frobnicate' is not a berth command.\nSee 'berth --help'\n");
}

TEST(App, ArgumentCountError) {
    CliRun r = run({"version", "extra"});
    EXPECT_EQ(r.rc, 1);
    EXPECT_EQ(
        r.err.rfind("\"berth version\" accepts no arguments.\nSee 'berth version --help'.", 0), 0u);
}

TEST(App, VersionAndFormat) {
    CliRun r = run({"--root", "/tmp/somewhere", "version", "--format", "{{.Server.Root}}"});
    EXPECT_EQ(r.rc, 0) << r.err;
    EXPECT_EQ(r.out, "/tmp/somewhere\n");
    CliRun v = run({"-v"});
    EXPECT_EQ(v.out.rfind("berth version ", 0), 0u);
    CliRun bad = run({"version", "--format", "{{.Nope"});
    EXPECT_EQ(bad.rc, 1);
    EXPECT_EQ(bad.err.rfind("template parsing error:", 0), 0u) << bad.err;
}

TEST(App, RootFromEnvironmentUnlessGiven) {
    setenv("BERTH_ROOT", "/tmp/from-env", 1);
    EXPECT_EQ(run({"version", "--format", "{{.Server.Root}}"}).out, "/tmp/from-env\n");
    EXPECT_EQ(run({"--root=/tmp/flag", "version", "-f", "{{.Server.Root}}"}).out, "/tmp/flag\n");
    unsetenv("BERTH_ROOT");
    EXPECT_EQ(run({"version", "--format", "{{.Server.Root}}"}).out, "/var/lib/berth\n");
}

TEST(App, HostIsNotSupportedYet) {
    CliRun r = run({"-H", "unix:///x.sock", "version"});
    EXPECT_EQ(r.rc, 1);
    EXPECT_NE(r.err.find("daemonless"), std::string::npos);
}

TEST(App, BadLogLevel) {
    CliRun r = run({"--log-level", "loud", "version"});
    EXPECT_EQ(r.rc, 1);
    EXPECT_EQ(r.err, "Unable to parse logging level: loud\n");
}

TEST(App, ImageVerbsAndAliases) {
    for (auto args : {std::vector<std::string>{"images", "--help"},
                      {"image", "ls", "--help"},
                      {"image", "list", "--help"}}) {
        CliRun r = run(args);
        EXPECT_EQ(r.rc, 0);
        EXPECT_NE(r.out.find("List images"), std::string::npos);
        EXPECT_NE(r.out.find("--digests"), std::string::npos);
    }
    CliRun rmi = run({"rmi", "--help"});
    EXPECT_NE(rmi.out.find("Usage:  berth rmi [OPTIONS] IMAGE [IMAGE...]"), std::string::npos);
    CliRun rm = run({"image", "rm", "--help"});
    EXPECT_NE(rm.out.find("Aliases:\n  rm, rmi, remove"), std::string::npos);
    CliRun group = run({"image"});
    EXPECT_EQ(group.rc, 0);
    EXPECT_NE(group.out.find("Run 'berth image COMMAND --help'"), std::string::npos);
}

TEST(App, ImageVerbUsageErrors) {
    CliRun f = run({"images", "--filter", "nokey"});
    EXPECT_EQ(f.rc, 125);
    EXPECT_EQ(f.err,
              "invalid argument \"nokey\" for \"-f, --filter\" flag: bad format of filter "
              "(expected name=value)\nSee 'berth images --help'.\n");
    CliRun many = run({"image", "ls", "a", "b"});
    EXPECT_EQ(many.rc, 1);
    EXPECT_EQ(many.err.rfind("\"berth image ls\" requires at most 1 argument.", 0), 0u);
    CliRun tag = run({"tag", "onlyone"});
    EXPECT_EQ(tag.rc, 1);
    EXPECT_EQ(tag.err.rfind("\"berth tag\" requires exactly 2 arguments.", 0), 0u);
    CliRun sub = run({"image", "frob"});
    EXPECT_EQ(sub.rc, 1);
    EXPECT_EQ(sub.err, "berth: 'frob' is not a 'berth image' command.\nSee 'berth image --help'\n");
    CliRun fmt = run({"save", "--format", "zip", "x"});
    EXPECT_EQ(fmt.rc, 125);
}

}  // namespace
}  // namespace berth::cli
