// `berth rmi` / `berth image rm` (docker's cli/command/image/remove.go): one line per untag /
// delete; errors are collected; with -f a missing image is reported but not fatal.
#include "cli/error_text.hpp"
#include "cli/verbs.hpp"
#include "cli/verbs/image_util.hpp"
#include "engine/events/journal.hpp"

namespace berth::cli {
namespace {

int runRmi(Invocation& inv) {
    bool force = inv.flags.getBool("force");
    std::vector<std::string> errors;
    bool fatal = false;
    for (const auto& name : inv.args) {
        try {
            std::string id = inv.ctx.images().resolve(name).str();
            for (const auto& line : inv.ctx.images().remove(name, force, inUseFn(inv.ctx))) {
                std::string text = line.str();
                inv.ctx.out() << text << "\n";
                // docker's image events: untag (name=the ref), delete (name=the ID)
                if (text.rfind("Untagged: ", 0) == 0)
                    engine::events::record(inv.ctx.root, "image", "untag", id, {{"name", text.substr(10)}});
                else if (text.rfind("Deleted: ", 0) == 0)
                    engine::events::record(inv.ctx.root, "image", "delete", id, {{"name", id}});
            }
        } catch (const store::ImageNotFound&) {
            errors.push_back("Error: No such image: " + name);  // as the user wrote it, like docker
        } catch (const Error& e) {
            errors.push_back("Error: " + errorText(e));
            fatal = true;
        }
    }
    if (errors.empty()) return 0;
    std::string msg;
    for (size_t i = 0; i < errors.size(); ++i) msg += (i ? "\n" : "") + errors[i];
    if (!force || fatal) throw StatusError(1, msg);
    inv.ctx.err() << msg << "\n";
    return 0;
}

}  // namespace

CommandPtr makeImageRmCommand() {
    auto c = std::make_shared<Command>();
    c->name = "rm";
    c->aliases = {"rmi", "remove"};
    c->use = "[OPTIONS] IMAGE [IMAGE...]";
    c->shortHelp = "Remove one or more images";
    c->args(ArgsRule::AtLeast, 1);
    c->flags.addBool("force", 'f', "Force removal of the image")
        .addBool("no-prune", 0, "Do not delete untagged parents");
    c->run = runRmi;
    return c;
}

}  // namespace berth::cli
