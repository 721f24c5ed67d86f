// `berth pause CONTAINER...` (docker pause): the cgroup freezer through the container's runtime.
#include "cli/verbs.hpp"
#include "cli/verbs/container_util.hpp"

namespace berth::cli {

CommandPtr makePauseCommand() {
    auto c = std::make_shared<Command>();
    c->name = "pause";
    c->use = "CONTAINER [CONTAINER...]";
    c->shortHelp = "Pause all processes within one or more containers";
    c->args(ArgsRule::AtLeast, 1);
    c->run = [](Invocation& inv) {
        auto& eng = engineFor(inv.ctx);
        return forEachContainer(inv, true, [&](const std::string& a) { eng.pause(a); });
    };
    return c;
}

}  // namespace berth::cli
