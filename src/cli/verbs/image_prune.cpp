// `berth image prune [-a] [-f]` (docker's cli/command/image/prune.go).
#include <unistd.h>

#include "cli/filters.hpp"
#include "cli/format/units.hpp"
#include "cli/verbs.hpp"
#include "cli/verbs/image_util.hpp"

namespace berth::cli {
namespace {

const char* kAllWarning =
    "WARNING! This will remove all images without at least one container associated to them.\n"
    "Are you sure you want to continue?";
const char* kDanglingWarning =
    "WARNING! This will remove all dangling images.\nAre you sure you want to continue?";

// docker's command.PromptForConfirmation: "y" or "Y" on a line of stdin.
bool confirm(CliContext& ctx, const char* message) {
    ctx.out() << message << " [y/N] " << std::flush;
    std::string line;
    char c;
    while (::read(ctx.stdinFd(), &c, 1) == 1 && c != '\n') line += c;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    return line == "y" || line == "Y";
}

int runPrune(Invocation& inv) {
    Filters filters = Filters::parse(inv.flags.getList("filter"));
    if (!filters.empty())
        throw Error("image prune --filter (until=, label=) is not supported by berth yet");
    bool all = inv.flags.getBool("all");
    if (!inv.flags.getBool("force") && !confirm(inv.ctx, all ? kAllWarning : kDanglingWarning))
        return 0;
    store::PruneResult r = inv.ctx.images().prune(all, inUseFn(inv.ctx));
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
