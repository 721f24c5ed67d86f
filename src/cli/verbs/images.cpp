// `berth images` / `berth image ls` (docker's cli/command/image/list.go + formatter/image.go).
#include <algorithm>
#include <map>

#include "cli/filters.hpp"
#include "cli/format/formatter.hpp"
#include "cli/format/units.hpp"
#include "cli/verbs.hpp"
#include "cli/verbs/image_list_rows.hpp"
#include "cli/verbs/image_util.hpp"
#include "store/reference.hpp"

namespace berth::cli {
namespace {

using nlohmann::json;

const TableFormat kTable{"table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}",
                         {{"Repository", "REPOSITORY"},
                          {"Tag", "TAG"},
                          {"ID", "IMAGE ID"},
                          {"Digest", "DIGEST"},
                          {"CreatedSince", "CREATED"},
                          {"CreatedAt", "CREATED AT"},
                          {"Size", "SIZE"},
                          {"Containers", "CONTAINERS"},
                          {"SharedSize", "SHARED SIZE"},
                          {"UniqueSize", "UNIQUE SIZE"},
                          {"VirtualSize", "VIRTUAL SIZE"}},
                         "*formatter.imageContext"};

const char* kDigestsTable =
    "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";

int runImages(Invocation& inv) {
    const FlagSet& fl = inv.flags;
    Filters filters = Filters::parse(fl.getList("filter"));
    if (!inv.args.empty()) filters.add("reference", inv.args[0]);
    auto images = filterImages(inv.ctx.images().list(), filters, [&](const std::string& ref) {
        return inv.ctx.images().summary(ref).created;
    });
    std::stable_sort(images.begin(), images.end(),
                     [](const auto& a, const auto& b) { return a.created > b.created; });
    bool digests = fl.getBool("digests");
    std::vector<json> rows = imageListRows(images, digests, !fl.getBool("no-trunc"));

    std::string format = fl.getString("format");
    // docker: -q only replaces the default table; an explicit --format wins.
    if (fl.getBool("quiet") && (format.empty() || format == "table")) format = "{{.ID}}";
    TableFormat table = kTable;
    if (digests) table.defaultTable = kDigestsTable;
    // formatter.NewImageFormat: a custom table with --digests gets the digest column appended.
    if (digests && format.rfind("table ", 0) == 0 &&
        format.find("{{.Digest}}") == std::string::npos)
        format += "\t{{.Digest}}";
    writeRows(inv.ctx.out(), format, table, rows);
    return 0;
}

}  // namespace

CommandPtr makeImageLsCommand() {
    auto c = std::make_shared<Command>();
    c->name = "ls";
    c->aliases = {"list"};
    c->use = "[OPTIONS] [REPOSITORY[:TAG]]";
    c->shortHelp = "List images";
    c->args(ArgsRule::AtMost, 0, 1);
    c->flags.addBool("all", 'a', "Show all images (default hides intermediate images)")
        .addBool("digests", 0, "Show digests")
        .addList("filter", 'f', "Filter output based on conditions provided", "filter")
        .addString("format", 0, "Pretty-print images using a Go template")
        .addBool("no-trunc", 0, "Don't truncate output")
        .addBool("quiet", 'q', "Only show image IDs");
    c->run = runImages;
    return c;
}

}  // namespace berth::cli
