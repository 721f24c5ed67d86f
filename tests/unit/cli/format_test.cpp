#include <gtest/gtest.h>

#include <sstream>

#include "cli/format/formatter.hpp"
#include "cli/format/tabwriter.hpp"
#include "cli/format/template.hpp"
#include "cli/format/units.hpp"
#include "common/error.hpp"
#include "support/failures.hpp"

namespace berth::cli {
namespace {

using json = nlohmann::json;

std::string exec(const std::string& tmpl, const json& data, bool strict = false) {
    return Template::parse(tmpl).execute(data, strict);
}

std::string execError(const std::string& tmpl, const json& data, bool strict = false) {
    return test::errorOf([&] { Template::parse(tmpl).execute(data, strict); });
}

const json kImage = {{"ID", "69f33a9602f1"},
                     {"Repository", "busybox"},
                     {"Tag", "latest"},
                     {"Size", "1.98MB"},
                     {"Labels", {{"b", "2"}, {"a", "1"}}},
                     {"Tags", {"x", "y"}},
                     {"Config", {{"Cmd", {"sh"}}, {"Env", json::array()}, {"User", ""}}},
                     {"Count", 3}};

TEST(Template, FieldsAndLiterals) {
    EXPECT_EQ(exec("{{.Repository}}:{{.Tag}} ({{.ID}})", kImage), "busybox:latest (69f33a9602f1)");
    EXPECT_EQ(exec("{{.Config.Cmd}}", kImage), "[sh]");
    EXPECT_EQ(exec("{{.Labels}}", kImage), "map[a:1 b:2]");
    EXPECT_EQ(exec("{{.Count}}", kImage), "3");
    EXPECT_EQ(exec("{{.Labels.zz}}", kImage), "<no value>");
    EXPECT_EQ(exec("plain text", kImage), "plain text");
}

TEST(Template, JsonForms) {
    EXPECT_EQ(exec("{{json .Config.Cmd}}", kImage), "[\"sh\"]");
    EXPECT_EQ(exec("{{.Config.Cmd | json}}", kImage), "[\"sh\"]");
    EXPECT_EQ(exec("{{json .Labels}}", kImage), "{\"a\":\"1\",\"b\":\"2\"}");
    EXPECT_EQ(exec("{{json .Tag}}", json{{"Tag", "<none>"}}), "\"<none>\"");  // no HTML escaping
}

TEST(Template, Functions) {
    EXPECT_EQ(exec("{{upper .Tag}} {{lower \"ABC\"}} {{title \"hello world\"}}", kImage),
              "LATEST abc Hello World");
    EXPECT_EQ(exec("{{join .Tags \",\"}}", kImage), "x,y");
    EXPECT_EQ(exec("{{split \"a:b\" \":\"}}", kImage), "[a b]");
    EXPECT_EQ(exec("{{len .Tags}} {{index .Labels \"a\"}} {{index .Tags 1}}", kImage), "2 1 y");
    EXPECT_EQ(exec("{{truncate .ID 4}}|{{pad .Tag 1 2}}|", kImage), "69f3| latest  |");
    EXPECT_EQ(exec("{{printf \"%s-%d\" .Tag .Count}}", kImage), "latest-3");
    EXPECT_EQ(exec("{{.Tag | upper | lower}}", kImage), "latest");
    EXPECT_EQ(exec("{{if eq .Tag \"latest\"}}yes{{else}}no{{end}}", kImage), "yes");
    EXPECT_EQ(exec("{{if and .Tag (not .Config.User)}}root{{end}}", kImage), "root");
    EXPECT_EQ(exec("{{if gt .Count 2}}big{{end}}", kImage), "big");
}

TEST(Template, ControlFlow) {
    EXPECT_EQ(exec("{{range .Tags}}[{{.}}]{{end}}", kImage), "[x][y]");
    EXPECT_EQ(exec("{{range $k, $v := .Labels}}{{$k}}={{$v}};{{end}}", kImage), "a=1;b=2;");
    EXPECT_EQ(exec("{{range .Config.Env}}x{{else}}none{{end}}", kImage), "none");
    EXPECT_EQ(exec("{{with .Config}}{{.Cmd}}{{end}}", kImage), "[sh]");
    EXPECT_EQ(exec("{{range .Tags}}{{$.Tag}}{{end}}", kImage), "latestlatest");
    EXPECT_EQ(exec("{{if .Nope}}a{{else if .Tag}}b{{else}}c{{end}}", kImage), "b");
    EXPECT_EQ(exec("a  {{- .Tag -}}  b{{/* comment */}}", kImage), "alatestb");
}

TEST(Template, Errors) {
    EXPECT_EQ(execError("{{.Foo}}", kImage, true),
              "template: :1:2: executing \"\" at <.Foo>: can't evaluate field Foo");
    EXPECT_EQ(execError("{{.Foo}}", kImage, false), "");
    EXPECT_NE(execError("{{nosuch .Tag}}", kImage).find("function \"nosuch\" not defined"),
              std::string::npos);
    EXPECT_THROW(Template::parse("{{.Tag"), Error);
    EXPECT_THROW(Template::parse("{{if .Tag}}x"), Error);
    EXPECT_THROW(Template::parse("{{end}}"), Error);
    EXPECT_THROW(Template::parse("{{json.}}"), Error);  // as Go: unexpected <.> in operand
}

TEST(GoFormat, Values) {
    EXPECT_EQ(goFormat(json(nullptr)), "<nil>");
    EXPECT_EQ(goFormat(json(true)), "true");
    EXPECT_EQ(goFormat(json(1.5)), "1.5");
    EXPECT_EQ(goFormat(json(100000.0)), "100000");
    EXPECT_EQ(goFormat(json(1234567.0)), "1.234567e+06");
    EXPECT_EQ(goFormat(json::array({1, "a"})), "[1 a]");
}

TEST(TabWriter, DockerLayout) {
    // minwidth 10, padding 3: short columns are 10 wide, long ones widest cell + 3.
    std::string out =
        tabFormat("REPOSITORY\tTAG\tIMAGE ID\tSIZE\nbusybox\tlatest\t69f33a9602f1\t1.98MB\n");
    EXPECT_EQ(out,
              "REPOSITORY   TAG       IMAGE ID       SIZE\n"
              "busybox      latest    69f33a9602f1   1.98MB\n");
}

TEST(TabWriter, BlocksEndAtLinesWithoutThatColumn) {
    std::string out = tabFormat("a\tb\nlonger-cell\tc\nno tabs here\nx\ty\n");
    EXPECT_EQ(out,
              "a             b\n"
              "longer-cell   c\n"
              "no tabs here\n"
              "x         y\n");
}

TEST(TabWriter, CountsRunesNotBytes) {
    EXPECT_EQ(tabFormat("é\tx\n"), "é         x\n");
}

TEST(Formatter, TableJsonAndRaw) {
    TableFormat t{"table {{.Repository}}\t{{.Tag}}\t{{.ID}}",
                  {{"Repository", "REPOSITORY"}, {"Tag", "TAG"}, {"ID", "IMAGE ID"}}};
    std::vector<json> rows = {kImage};
    std::ostringstream a, b, c, d, e;
    writeRows(a, "", t, rows);
    EXPECT_EQ(a.str(),
              "REPOSITORY   TAG       IMAGE ID\n"
              "busybox      latest    69f33a9602f1\n");
    writeRows(b, "{{.Repository}}\\t{{.Tag}}", t, rows);
    EXPECT_EQ(b.str(), "busybox\tlatest\n");
    writeRows(c, "table {{.ID}}\\t{{.Tag | upper}}", t, rows);
    EXPECT_EQ(c.str(),
              "IMAGE ID       TAG\n"
              "69f33a9602f1   LATEST\n");
    writeRows(d, "json", t, {json{{"ID", "x"}}});
    EXPECT_EQ(d.str(), "{\"ID\":\"x\"}\n");
    writeRows(e, "", t, {});
    EXPECT_EQ(e.str(), "REPOSITORY   TAG       IMAGE ID\n");  // header even with no rows
    std::ostringstream f;
    try {
        writeRows(f, "{{.Nope}}", t, rows);
        FAIL() << "expected an error";
    } catch (const Error& err) {
        EXPECT_NE(std::string(err.what()).find("can't evaluate field Nope"), std::string::npos);
    }
    try {
        writeRows(f, "{{.ID", t, rows);
        FAIL() << "expected an error";
    } catch (const Error& err) {
        EXPECT_EQ(std::string(err.what()).rfind("template parsing error: template: :1:", 0), 0u);
    }
}

TEST(Units, HumanSizeLikeGoUnits) {
    EXPECT_EQ(humanSize(0, 3), "0B");
    EXPECT_EQ(humanSize(999, 3), "999B");
    EXPECT_EQ(humanSize(1000, 3), "1kB");
    EXPECT_EQ(humanSize(7500000, 3), "7.5MB");
    EXPECT_EQ(humanSize(1982256, 3), "1.98MB");
    EXPECT_EQ(humanSize(1982256), "1.982MB");
    EXPECT_EQ(humanSize(123456789, 3), "123MB");
    EXPECT_EQ(humanSize(5.5e9, 3), "5.5GB");
    EXPECT_EQ(bytesSize(1536), "1.5KiB");
    EXPECT_EQ(bytesSize(64 * 1024 * 1024), "64MiB");
}

TEST(Units, HumanDurationLikeGoUnits) {
    const int64_t s = 1000000000LL;
    EXPECT_EQ(humanDuration(0), "Less than a second");
    EXPECT_EQ(humanDuration(1 * s), "1 second");
    EXPECT_EQ(humanDuration(59 * s), "59 seconds");
    EXPECT_EQ(humanDuration(60 * s), "About a minute");
    EXPECT_EQ(humanDuration(119 * s), "About a minute");
    EXPECT_EQ(humanDuration(120 * s), "2 minutes");
    EXPECT_EQ(humanDuration(59 * 60 * s), "59 minutes");
    EXPECT_EQ(humanDuration(60 * 60 * s), "About an hour");
    EXPECT_EQ(humanDuration(89 * 60 * s), "About an hour");
    EXPECT_EQ(humanDuration(2 * 3600 * s), "2 hours");
    EXPECT_EQ(humanDuration(47 * 3600 * s), "47 hours");
    EXPECT_EQ(humanDuration(48 * 3600 * s), "2 days");
    EXPECT_EQ(humanDuration(14 * 24 * 3600 * s), "2 weeks");
    EXPECT_EQ(humanDuration(60 * 24 * 3600 * s), "2 months");
    EXPECT_EQ(humanDuration(3 * 365 * 24 * 3600 * s), "3 years");
    EXPECT_EQ(timeAgo(1000, 1000 + 7200), "2 hours ago");
}

TEST(Units, ParseSizes) {
    EXPECT_EQ(ramInBytes("64m"), 64 * 1024 * 1024);
    EXPECT_EQ(ramInBytes("1.5g"), 1536LL * 1024 * 1024);
    EXPECT_EQ(ramInBytes("512KiB"), 512 * 1024);
    EXPECT_EQ(ramInBytes("100"), 100);
    EXPECT_EQ(ramInBytes("12x"), std::nullopt);
    EXPECT_EQ(fromHumanSize("10MB"), 10000000);
}

TEST(Units, Times) {
    EXPECT_EQ(rfc3339(0), "1970-01-01T00:00:00Z");
    EXPECT_EQ(rfc3339(1, 500000000), "1970-01-01T00:00:01.5Z");
    EXPECT_EQ(parseRfc3339("2026-11-29T01:51:28.123Z"), 1795917088);
    EXPECT_EQ(parseRfc3339("2026-11-29T02:51:28+01:00"), 1795917088);
    EXPECT_EQ(parseRfc3339("yesterday"), std::nullopt);
}

}  // namespace
}  // namespace berth::cli
