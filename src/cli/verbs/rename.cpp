// `berth rename CONTAINER NEW_NAME` (docker rename; texts of moby daemon/rename.go).
#include "cli/verbs.hpp"
#include "cli/verbs/container_util.hpp"

namespace berth::cli {

CommandPtr makeRenameCommand() {
    auto c = std::make_shared<Command>();
    c->name = "rename";
    c->use = "CONTAINER NEW_NAME";
    c->shortHelp = "Rename a container";
    c->args(ArgsRule::Exact, 2);
    c->run = [](Invocation& inv) {
        const std::string& oldName = inv.args[0];
        std::string newName = inv.args[1];
        while (!newName.empty() && newName.front() == ' ') newName.erase(0, 1);
        while (!newName.empty() && newName.back() == ' ') newName.pop_back();
        if (oldName.empty() || newName.empty())
            throw StatusError(1, "Error: Neither old nor new names may be empty");
        try {
            engineFor(inv.ctx).rename(oldName, newName);
        } catch (const Error& e) {
            throw StatusError(1, "Error response from daemon: " + plainMessage(e) +
                                     "\nError: failed to rename container named " + oldName);
        }
        return 0;
    };
    return c;
}

}  // namespace berth::cli
