// `berth import` / `berth image import`: a rootfs tarball (file or "-" for stdin) → a one-layer
// image, with Dockerfile --change lines; prints the new image ID as docker does.
#include <unistd.h>

#include "cli/verbs.hpp"
#include "engine/events/journal.hpp"
#include "cli/verbs/image_util.hpp"
#include "common/file_io.hpp"
#include "common/strings.hpp"
#include "store/reference.hpp"

namespace berth::cli {
namespace {

int runImport(Invocation& inv) {
    const std::string& source = inv.args[0];
    store::ImportOptions opts;
    if (inv.args.size() > 1) {
        // Validate before reading a possibly large tarball.
        store::Reference::parse(inv.args[1]);
        opts.ref = inv.args[1];
    }
    opts.changes = inv.flags.getList("change");
    opts.message = inv.flags.getString("message");
    opts.platform = inv.flags.getString("platform");
    store::Digest id;
    if (source == "-") {
        if (isatty(inv.ctx.stdinFd()))
            throw StatusError(1, "requested import from stdin, but stdin is a terminal");
        id = inv.ctx.images().importRootfs(inv.ctx.stdinFd(), opts);
    } else {
        if (startsWith(source, "http://") || startsWith(source, "https://"))
            throw Error("import from a URL is not supported yet: download " + source +
                        " and import the file");
        if (!pathExists(source))
            throw StatusError(1, "open " + source + ": no such file or directory");
        id = inv.ctx.images().importRootfs(source, opts);
    }
    inv.ctx.out() << id.str() << "\n";
    engine::events::record(inv.ctx.root, "image", "import", id.str(), {{"name", id.str()}});
    return 0;
}

}  // namespace

CommandPtr makeImportCommand() {
    auto c = std::make_shared<Command>();
    c->name = "import";
    c->use = "[OPTIONS] file|URL|- [REPOSITORY[:TAG]]";
    c->shortHelp = "Import the contents from a tarball to create a filesystem image";
    c->args(ArgsRule::Range, 1, 2);
    c->flags.addList("change", 'c', "Apply Dockerfile instruction to the created image")
        .addString("message", 'm', "Set commit message for imported image")
        .addString("platform", 0, "Set platform if server is multi-platform capable");
    c->run = runImport;
    return c;
}

}  // namespace berth::cli
