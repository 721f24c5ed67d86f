// `berth load` / `berth image load`: docker-archive, OCI layout dir or oci-archive, from a file
// (-i) or stdin.
#include <unistd.h>

#include "cli/verbs.hpp"
#include "engine/events/journal.hpp"
#include "cli/verbs/image_util.hpp"
#include "common/file_io.hpp"

namespace berth::cli {
namespace {

int runLoad(Invocation& inv) {
    std::string input = inv.flags.getString("input");
    bool quiet = inv.flags.getBool("quiet");
    store::LoadOptions opts;
    // Per-layer progress only for a person watching (docker shows progress bars on a terminal
    // and only the "Loaded image" lines otherwise).
    if (!quiet && isatty(STDERR_FILENO))
        opts.progress = [&inv](const std::string& line) { inv.ctx.err() << line << "\n"; };
    store::LoadResult r;
    if (input.empty() || input == "-") {
        if (isatty(inv.ctx.stdinFd()))
            throw StatusError(1, "requested load from stdin, but stdin is empty");
        r = inv.ctx.images().load(inv.ctx.stdinFd(), opts);
    } else {
        if (!pathExists(input))
            throw StatusError(1, "open " + input + ": no such file or directory");
        r = inv.ctx.images().load(input, opts);
    }
    for (const auto& m : r.messages) inv.ctx.out() << m << "\n";
    for (const auto& img : r.images)
        engine::events::record(inv.ctx.root, "image", "load", img.id.str(),
                               {{"name", img.refs.empty() ? img.id.str() : img.refs[0]}});
    return 0;
}

}  // namespace

CommandPtr makeLoadCommand() {
    auto c = std::make_shared<Command>();
    c->name = "load";
    c->use = "[OPTIONS]";
    c->shortHelp = "Load an image from a tar archive or STDIN";
    c->longHelp =
        "Load an image from a tar archive or STDIN\n\n"
        "Accepts a docker-archive (docker save), an oci-archive (skopeo, podman) or an OCI image\n"
        "layout directory; gzip- and zstd-compressed archives too.";
    c->args(ArgsRule::None);
    c->flags.addString("input", 'i', "Read from tar archive file, instead of STDIN")
        .addBool("quiet", 'q', "Suppress the load output");
    c->run = runLoad;
    return c;
}

}  // namespace berth::cli
