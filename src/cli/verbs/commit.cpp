// `berth commit` / `berth container commit`: prints the new image's ID ("sha256:<hex>").
#include "cli/verbs.hpp"
#include "cli/verbs/fs_verb_util.hpp"
#include "engine/fs/container_changes.hpp"
#include "store/image_store.hpp"

namespace berth::cli {

CommandPtr makeCommitCommand() {
    auto c = std::make_shared<Command>();
    c->name = "commit";
    c->use = "[OPTIONS] CONTAINER [REPOSITORY[:TAG]]";
    c->shortHelp = "Create a new image from a container's changes";
    c->args(ArgsRule::Range, 1, 2);
    c->flags.addString("author", 'a', "Author (e.g., \"John Hannibal Smith <hannibal@a-team.com>\")")
        .addList("change", 'c', "Apply Dockerfile instruction to the created image")
        .addString("message", 'm', "Commit message")
        .addBool("pause", 'p', "Pause container during commit", true);
    c->run = [](Invocation& inv) {
        auto& eng = engineFor(inv.ctx);
        engine::fs::CommitRequest r;
        r.author = inv.flags.getString("author");
        r.message = inv.flags.getString("message");
        r.changes = inv.flags.getList("change");
        r.pause = inv.flags.getBool("pause");
        if (inv.args.size() > 1) r.ref = inv.args[1];
        return withDockerErrors([&] {
            inv.ctx.out() << engine::fs::commitContainer(eng, inv.ctx.images(), inv.args[0], r) << "\n";
            return 0;
        });
    };
    return c;
}

}  // namespace berth::cli
