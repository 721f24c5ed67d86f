// `berth history` / `berth image history` (docker's formatter/history.go).
#include <time.h>

#include "cli/format/formatter.hpp"
#include "cli/format/units.hpp"
#include "cli/verbs.hpp"
#include "cli/verbs/image_util.hpp"

namespace berth::cli {
namespace {

using nlohmann::json;

const TableFormat kTable{
    "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}",
    {{"ID", "IMAGE"},
     {"CreatedSince", "CREATED"},
     {"CreatedAt", "CREATED AT"},
     {"CreatedBy", "CREATED BY"},
     {"Size", "SIZE"},
     {"Comment", "COMMENT"}},
    "*formatter.historyContext"};

// Go's time.Format(time.RFC3339) in the local zone.
std::string localRfc3339(int64_t secs) {
    time_t t = static_cast<time_t>(secs);
    tm local;
    localtime_r(&t, &local);
    char buf[64];
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &local);
    std::string s = buf;
    if (local.tm_gmtoff == 0) return s.substr(0, s.size() - 5) + "Z";
    return s.substr(0, s.size() - 2) + ":" + s.substr(s.size() - 2);
}

json row(const store::HistoryRow& h, bool human, bool trunc) {
    std::string createdBy = h.createdBy;
    for (auto& c : createdBy)
        if (c == '\t') c = ' ';
    std::string createdAt = localRfc3339(h.created);
    return {{"ID", trunc && h.id != "<missing>" ? truncateId(h.id) : h.id},
            {"CreatedAt", createdAt},
            {"CreatedSince", human ? timeAgo(h.created) : createdAt},
            {"CreatedBy", trunc ? ellipsis(createdBy, 45) : createdBy},
            {"Size", human ? humanSize(static_cast<double>(h.size), 3) : std::to_string(h.size)},
            {"Comment", h.comment}};
}

int runHistory(Invocation& inv) {
    const FlagSet& fl = inv.flags;
    auto history = inv.ctx.images().history(inv.args[0]);
    std::vector<json> rows;
    for (const auto& h : history)
        rows.push_back(row(h, fl.getBool("human"), !fl.getBool("no-trunc")));
    std::string format = fl.getString("format");
    if (fl.getBool("quiet") && (format.empty() || format == "table")) format = "{{.ID}}";
    TableFormat table = kTable;
    // docker: without -H the CREATED column holds the timestamp and is titled so.
    if (!fl.getBool("human")) table.headers["CreatedSince"] = "CREATED AT";
    writeRows(inv.ctx.out(), format, table, rows);
    return 0;
}

}  // namespace

CommandPtr makeHistoryCommand() {
    auto c = std::make_shared<Command>();
    c->name = "history";
    c->use = "[OPTIONS] IMAGE";
    c->shortHelp = "Show the history of an image";
    c->args(ArgsRule::Exact, 1);
    c->flags.addString("format", 0, "Pretty-print images using a Go template")
        .addBool("human", 'H', "Print sizes and dates in human readable format", true)
        .addBool("no-trunc", 0, "Don't truncate output")
        .addBool("quiet", 'q', "Only show image IDs");
    c->run = runHistory;
    return c;
}

}  // namespace berth::cli
