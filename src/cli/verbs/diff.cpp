// `berth diff` / `berth container diff`: "A /path", "C /path", "D /path" per change.
#include "cli/verbs.hpp"
#include "cli/verbs/fs_verb_util.hpp"
#include "engine/fs/container_changes.hpp"

namespace berth::cli {

CommandPtr makeDiffCommand() {
    auto c = std::make_shared<Command>();
    c->name = "diff";
    c->use = "CONTAINER";
    c->shortHelp = "Inspect changes to files or directories on a container's filesystem";
    c->args(ArgsRule::Exact, 1);
    c->run = [](Invocation& inv) {
        auto& eng = engineFor(inv.ctx);
        return withDockerErrors([&] {
            for (auto& ch : engine::fs::containerChanges(eng, inv.args[0]))
                inv.ctx.out() << store::changeLetter(ch.kind) << ' ' << ch.path << '\n';
            return 0;
        });
    };
    return c;
}

}  // namespace berth::cli
