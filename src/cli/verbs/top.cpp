// `berth top CONTAINER [ps OPTIONS]` (docker top): the container's processes as the host's ps
// shows them (host PIDs), in docker's table (tabwriter minwidth 20, padding 3).
#include "cli/format/tabwriter.hpp"
#include "cli/verbs.hpp"
#include "cli/verbs/container_util.hpp"

namespace berth::cli {

CommandPtr makeTopCommand() {
    auto c = std::make_shared<Command>();
    c->name = "top";
    c->use = "CONTAINER [ps OPTIONS]";
    c->shortHelp = "Display the running processes of a container";
    c->args(ArgsRule::AtLeast, 1);
    c->interspersed = false;  // ps options after the container are ps's
    c->run = [](Invocation& inv) {
        std::vector<std::string> psArgs(inv.args.begin() + 1, inv.args.end());
        engine::ProcessList list;
        try {
            list = engineFor(inv.ctx).top(inv.args[0], psArgs);
        } catch (const Error& e) {
            throw StatusError(1, "Error response from daemon: " + plainMessage(e));
        }
        std::string text;
        auto line = [&](const std::vector<std::string>& cells) {
            for (size_t i = 0; i < cells.size(); ++i) text += (i ? "\t" : "") + cells[i];
            text += "\n";
        };
        line(list.titles);
        for (auto& p : list.processes) line(p);
        TabWriterOptions opts;
        opts.minWidth = 20;
        opts.padding = 3;
        inv.ctx.out() << tabFormat(text, opts);
        return 0;
    };
    return c;
}

}  // namespace berth::cli
