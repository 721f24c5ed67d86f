// `berth image prune [-a] [-f]` (docker's cli/command/image/prune.go).
#include <time.h>
#include <unistd.h>

#include <optional>

#include "cli/filters.hpp"
#include "cli/format/units.hpp"
#include "cli/verbs.hpp"
#include "cli/verbs/image_util.hpp"
#include "cli/verbs/inspect_output.hpp"

namespace berth::cli {
namespace {

const char* kAllWarning =
    "WARNING! This will remove all images without at least one container associated to them.\n"
    "Are you sure you want to continue?";
const char* kDanglingWarning =
    "WARNING! This will remove all dangling images.\nAre you sure you want to continue?";

// docker's timetypes.GetTimestamp for until=: a Go duration before now ("24h"), Unix seconds,
// RFC 3339, or a date.
int64_t untilTime(const std::string& v) {
    if (auto d = parseGoDuration(v)) return ::time(nullptr) - *d / 1000000000;
    if (!v.empty() && v.find_first_not_of("0123456789.") == std::string::npos)
        return std::stoll(v.substr(0, v.find('.')));
    if (auto t = parseRfc3339(v)) return *t;
    if (auto t = parseRfc3339(v + "T00:00:00Z")) return *t;
    throw Error("failed to parse value as time or duration: \"" + v + "\"");
}

// With filters the CLI picks the images (as the daemon's prune does) and removes them one by one
// through the store; without, the store's prune does it all.
store::PruneResult pruneFiltered(CliContext& ctx, bool all, const Filters& filters) {
    filters.validate({"until", "label", "label!"});
    std::optional<int64_t> until;
    for (const auto& u : filters.get("until")) until = untilTime(u);
    store::PruneResult r;
    uint64_t before = ctx.images().diskUsage().size;
    for (const auto& img : ctx.images().list()) {
        if (!all && !img.dangling()) continue;
        if (!ctx.containersUsingImage(img.id.str()).empty()) continue;
        if (until && img.created >= *until) continue;
        bool keep = false;
        for (const auto& l : filters.get("label")) keep = keep || !labelsMatch(img.labels, l);
        for (const auto& l : filters.get("label!")) keep = keep || labelsMatch(img.labels, l);
        if (keep) continue;
        try {
            for (auto& line : ctx.images().remove(img.id.str(), true, inUseFn(ctx)))
                r.lines.push_back(line);
        } catch (const store::ImageNotFound&) {
            // removed meanwhile by another process
        }
    }
    uint64_t freedByGc = ctx.images().gc().bytesFreed;
    uint64_t after = ctx.images().diskUsage().size;
    r.spaceReclaimed = (before > after ? before - after : 0) + freedByGc;
    return r;
}

int runPrune(Invocation& inv) {
    Filters filters = Filters::parse(inv.flags.getList("filter"));
    bool all = inv.flags.getBool("all");
    if (!filters.empty()) filters.validate({"until", "label", "label!"});
    if (!inv.flags.getBool("force") && !confirmPrompt(inv.ctx, all ? kAllWarning : kDanglingWarning))
        return 0;
    store::PruneResult r = filters.empty() ? inv.ctx.images().prune(all, inUseFn(inv.ctx))
                                           : pruneFiltered(inv.ctx, all, filters);
    if (!r.lines.empty()) {
        std::string out = "Deleted Images:\n";
        for (const auto& l : r.lines)
            out += (l.kind == store::RemoveLine::Untagged ? "untagged: " : "deleted: ") + l.value +
                   "\n";
        inv.ctx.out() << out << "\n";
    }
    inv.ctx.out() << "Total reclaimed space: " << humanSize(static_cast<double>(r.spaceReclaimed))
                  << "\n";
    return 0;
}

}  // namespace

CommandPtr makeImagePruneCommand() {
    auto c = std::make_shared<Command>();
    c->name = "prune";
    c->use = "[OPTIONS]";
    c->shortHelp = "Remove unused images";
    c->args(ArgsRule::None);
    c->flags.addBool("all", 'a', "Remove all unused images, not just dangling ones")
        .addList("filter", 0, "Provide filter values (e.g. 'until=<timestamp>')", "filter")
        .addBool("force", 'f', "Do not prompt for confirmation");
    c->run = runPrune;
    return c;
}

}  // namespace berth::cli
