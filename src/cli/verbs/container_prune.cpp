// `berth container prune [-f] [--filter until=|label=|label!=]` (docker's
// cli/command/container/prune.go): removes every container that is not running.
#include <time.h>
#include <unistd.h>

#include "cli/filters.hpp"
#include "cli/format/units.hpp"
#include "cli/verbs.hpp"
#include "cli/verbs/container_util.hpp"
#include "cli/verbs/inspect_output.hpp"

namespace berth::cli {
namespace {

const char* kWarning =
    "WARNING! This will remove all stopped containers.\nAre you sure you want to continue?";

// docker's timetypes.GetTimestamp for until=: a Go duration before now ("24h"), Unix seconds,
// RFC 3339, or a date. Unix nanoseconds.
int64_t untilNs(const std::string& v) {
    int64_t now = int64_t(::time(nullptr)) * 1'000'000'000;
    if (auto d = parseGoDuration(v)) return now - *d;
    if (!v.empty() && v.find_first_not_of("0123456789.") == std::string::npos)
        return std::stoll(v.substr(0, v.find('.'))) * 1'000'000'000;
    if (auto t = parseRfc3339(v)) return *t * 1'000'000'000;
    if (auto t = parseRfc3339(v + "T00:00:00Z")) return *t * 1'000'000'000;
    throw Error("failed to parse value as time or duration: \"" + v + "\"");
}

int runPrune(Invocation& inv) {
    Filters filters;
    try {
        filters = Filters::parse(inv.flags.getList("filter"));
    } catch (const UsageError& e) {
        // Filters words it for ps's "-f, --filter"; here -f is --force.
        std::string text = plainMessage(e);
        auto at = text.find("\"-f, --filter\"");
        if (at != std::string::npos) text.replace(at, 14, "\"--filter\"");
        throw UsageError(text);
    }
    int64_t until = 0;
    try {
        filters.validate({"until", "label", "label!"});
        for (const auto& u : filters.get("until")) until = untilNs(u);
    } catch (const UsageError&) {
        throw;
    } catch (const Error& e) {
        throw StatusError(1, "Error response from daemon: " + plainMessage(e));
    }
    if (!inv.flags.getBool("force") && !confirmPrompt(inv.ctx, kWarning)) return 0;
    auto report = engineFor(inv.ctx).prune(until, filters.get("label"), filters.get("label!"));
    if (!report.deleted.empty()) {
        std::string out = "Deleted Containers:\n";
        for (auto& id : report.deleted) out += id + "\n";
        inv.ctx.out() << out << "\n";
    }
    inv.ctx.out() << "Total reclaimed space: " << humanSize(double(report.reclaimedBytes)) << "\n";
    return 0;
}

}  // namespace

CommandPtr makeContainerPruneCommand() {
    auto c = std::make_shared<Command>();
    c->name = "prune";
    c->use = "[OPTIONS]";
    c->shortHelp = "Remove all stopped containers";
    c->args(ArgsRule::None);
    c->flags.addList("filter", 0, "Provide filter values (e.g. \"until=<timestamp>\")", "filter")
        .addBool("force", 'f', "Do not prompt for confirmation");
    c->run = runPrune;
    return c;
}

}  // namespace berth::cli
