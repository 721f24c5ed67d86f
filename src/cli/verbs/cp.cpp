// `berth cp` / `berth container cp` (docker cli/command/container/cp.go).
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "cli/format/units.hpp"
#include "cli/verbs.hpp"
#include "cli/verbs/fs_verb_util.hpp"

namespace berth::cli {
namespace {

// "CONTAINER:PATH" → {container, path}; a local path (absolute, or "./x:y") has no container.
std::pair<std::string, std::string> splitCpArg(const std::string& arg) {
    if (arg.empty() || arg[0] == '/' || arg[0] == '.') return {"", arg};
    auto colon = arg.find(':');
    if (colon == std::string::npos) return {"", arg};
    return {arg.substr(0, colon), arg.substr(colon + 1)};
}

int runCp(Invocation& inv) {
    auto [srcC, srcPath] = splitCpArg(inv.args[0]);
    auto [dstC, dstPath] = splitCpArg(inv.args[1]);
    if (srcC.empty() && dstC.empty()) throw StatusError(1, "must specify at least one container source");
    if (!srcC.empty() && !dstC.empty()) throw StatusError(1, "copying between containers is not supported");
    if (srcC.empty() ? srcPath.empty() : dstPath.empty())
        throw StatusError(1, "filesystem path cannot be empty");
    engine::fs::CopyOptions o;
    o.archive = inv.flags.getBool("archive");
    o.followLink = inv.flags.getBool("follow-link");
    // docker prints the summary only to a terminal (and never with -q or a stream).
    bool quiet = inv.flags.getBool("quiet") || !::isatty(STDERR_FILENO);
    auto& eng = engineFor(inv.ctx);
    return withDockerErrors([&] {
        uint64_t bytes = 0;
        std::string where;
        if (!srcC.empty()) {
            if (dstPath == "-") {
                inv.ctx.out().flush();
                std::cout.flush();
                quiet = true;
            }
            bytes = engine::fs::copyFromContainer(eng, srcC, srcPath, dstPath, STDOUT_FILENO, o);
            where = dstPath;
        } else {
            if (srcPath == "-") quiet = true;
            bytes = engine::fs::copyToContainer(eng, srcPath, inv.ctx.stdinFd(), dstC, dstPath, o);
            where = dstC + ":" + dstPath;
        }
        if (!quiet) inv.ctx.err() << "Successfully copied " << humanSize(double(bytes)) << " to " << where << "\n";
        return 0;
    });
}

}  // namespace

CommandPtr makeCpCommand() {
    auto c = std::make_shared<Command>();
    c->name = "cp";
    c->use = "[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tberth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH";
    c->shortHelp = "Copy files/folders between a container and the local filesystem";
    c->args(ArgsRule::Exact, 2);
    c->flags.addBool("archive", 'a', "Archive mode (copy all uid/gid information)")
        .addBool("follow-link", 'L', "Always follow symbol link in SRC_PATH")
        .addBool("quiet", 'q', "Suppress progress output during copy. Progress output is automatically suppressed if no terminal is attached");
    c->run = runCp;
    return c;
}

}  // namespace berth::cli
