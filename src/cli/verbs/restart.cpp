// `berth restart [-t SECONDS] [-s SIGNAL] CONTAINER...` (docker restart).
#include "cli/verbs.hpp"
#include "cli/verbs/container_util.hpp"

namespace berth::cli {

CommandPtr makeRestartCommand() {
    auto c = std::make_shared<Command>();
    c->name = "restart";
    c->use = "[OPTIONS] CONTAINER [CONTAINER...]";
    c->shortHelp = "Restart one or more containers";
    c->args(ArgsRule::AtLeast, 1);
    c->flags.addString("signal", 's', "Signal to send to the container")
        .addInt("time", 't', "Seconds to wait before killing the container");
    c->run = [](Invocation& inv) {
        auto& eng = engineFor(inv.ctx);
        std::optional<int> t;
        if (inv.flags.changed("time")) t = int(inv.flags.getInt("time"));
        std::string sig = inv.flags.getString("signal");
        return forEachContainer(inv, true, [&](const std::string& a) { eng.restart(a, t, sig); });
    };
    return c;
}

}  // namespace berth::cli
