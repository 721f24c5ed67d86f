// `berth save` / `berth image save`: docker-archive (default) or OCI archive (--format oci).
#include <unistd.h>

#include <iostream>

#include "cli/verbs.hpp"
#include "cli/verbs/image_util.hpp"

namespace berth::cli {
namespace {

store::ArchiveFormat parseFormat(const std::string& f) {
    if (f == "docker" || f == "docker-archive") return store::ArchiveFormat::Docker;
    if (f == "oci" || f == "oci-archive") return store::ArchiveFormat::Oci;
    throw UsageError("invalid argument \"" + f +
                     "\" for \"--format\" flag: must be \"docker\" (docker-archive) or \"oci\" "
                     "(oci-archive)");
}

int runSave(Invocation& inv) {
    store::ArchiveFormat format = parseFormat(inv.flags.getString("format"));
    std::string output = inv.flags.getString("output");
    // Resolve first so a bad name fails before any output is created.
    for (const auto& name : inv.args) inv.ctx.images().resolve(name);
    if (!output.empty() && output != "-") {
        inv.ctx.images().save(inv.args, output, format);
        return 0;
    }
    if (inv.ctx.stdoutIsTerminal())
        throw StatusError(1,
                          "cowardly refusing to save to a terminal. Use the -o flag or redirect");
    inv.ctx.out().flush();
    std::cout.flush();
    inv.ctx.images().save(inv.args, STDOUT_FILENO, format);
    return 0;
}

}  // namespace

CommandPtr makeSaveCommand() {
    auto c = std::make_shared<Command>();
    c->name = "save";
    c->use = "[OPTIONS] IMAGE [IMAGE...]";
    c->shortHelp = "Save one or more images to a tar archive (streamed to STDOUT by default)";
    c->args(ArgsRule::AtLeast, 1);
    c->flags.addString("output", 'o', "Write to a file, instead of STDOUT")
        .addString("format", 0,
                   "Archive format: \"docker\" (docker-archive) or \"oci\" (oci-archive)",
                   "docker");
    c->run = runSave;
    return c;
}

}  // namespace berth::cli
