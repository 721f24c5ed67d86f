// `berth tag` / `berth image tag`.
#include "cli/error_text.hpp"
#include "cli/verbs.hpp"
#include "cli/verbs/image_util.hpp"
#include "engine/events/journal.hpp"
#include "store/reference.hpp"

namespace berth::cli {

CommandPtr makeTagCommand() {
    auto c = std::make_shared<Command>();
    c->name = "tag";
    c->use = "SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]";
    c->shortHelp = "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE";
    c->args(ArgsRule::Exact, 2);
    c->run = [](Invocation& inv) {
        try {
            store::Reference::parse(inv.args[1]);
        } catch (const Error& e) {
            // docker's wording for a bad target
            throw StatusError(1, "Error parsing reference: \"" + inv.args[1] +
                                     "\" is not a valid repository/tag: " + errorText(e));
        }
        inv.ctx.images().tag(inv.args[0], inv.args[1]);
        std::string name = inv.args[1];
        auto slash = name.rfind('/');
        auto colon = name.rfind(':');
        if (name.find('@') == std::string::npos &&
            (colon == std::string::npos || (slash != std::string::npos && colon < slash)))
            name += ":latest";
        engine::events::record(inv.ctx.root, "image", "tag",
                               inv.ctx.images().resolve(inv.args[1]).str(), {{"name", name}});
        return 0;
    };
    return c;
}

}  // namespace berth::cli
