// `berth unpause CONTAINER...` (docker unpause).
#include "cli/verbs.hpp"
#include "cli/verbs/container_util.hpp"

namespace berth::cli {

CommandPtr makeUnpauseCommand() {
    auto c = std::make_shared<Command>();
    c->name = "unpause";
    c->use = "CONTAINER [CONTAINER...]";
    c->shortHelp = "Unpause all processes within one or more containers";
    c->args(ArgsRule::AtLeast, 1);
    c->run = [](Invocation& inv) {
        auto& eng = engineFor(inv.ctx);
        return forEachContainer(inv, true, [&](const std::string& a) { eng.unpause(a); });
    };
    return c;
}

}  // namespace berth::cli
