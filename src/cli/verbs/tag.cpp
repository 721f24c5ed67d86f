// `berth tag` / `berth image tag`.
#include "cli/verbs.hpp"
#include "cli/verbs/image_util.hpp"

namespace berth::cli {

CommandPtr makeTagCommand() {
    auto c = std::make_shared<Command>();
    c->name = "tag";
    c->use = "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]";
    c->shortHelp = "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE";
    c->args(ArgsRule::Exact, 2);
    c->run = [](Invocation& inv) {
        inv.ctx.images().tag(inv.args[0], inv.args[1]);
        return 0;
    };
    return c;
}

}  // namespace berth::cli
