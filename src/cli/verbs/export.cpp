// `berth export` / `berth container export`: the container's rootfs as a tar.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "cli/verbs.hpp"
#include "cli/verbs/fs_verb_util.hpp"
#include "common/fd.hpp"
#include "engine/fs/container_changes.hpp"

namespace berth::cli {

CommandPtr makeExportCommand() {
    auto c = std::make_shared<Command>();
    c->name = "export";
    c->use = "[OPTIONS] CONTAINER";
    c->shortHelp = "Export a container's filesystem as a tar archive";
    c->args(ArgsRule::Exact, 1);
    c->flags.addString("output", 'o', "Write to a file, instead of STDOUT");
    c->run = [](Invocation& inv) {
        auto& eng = engineFor(inv.ctx);
        std::string output = inv.flags.getString("output");
        return withDockerErrors([&] {
            if (output.empty()) {
                if (inv.ctx.stdoutIsTerminal())
                    throw StatusError(1, "cowardly refusing to save to a terminal. Use the -o flag or redirect");
                inv.ctx.out().flush();
                std::cout.flush();
                engine::fs::exportContainer(eng, inv.args[0], STDOUT_FILENO);
                return 0;
            }
            // docker: the directory must exist ("invalid output path: stat DIR: ..."); the
            // file is written next to it and renamed into place once complete.
            auto cut = output.rfind('/');
            std::string dir = cut == std::string::npos ? "." : cut == 0 ? "/" : output.substr(0, cut);
            struct stat st {};
            if (::stat(dir.c_str(), &st) != 0)
                throw StatusError(1, "failed to export container: invalid output path: stat " + dir +
                                         ": no such file or directory");
            std::string tmp = output + ".berth-tmp";
            UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
            if (!fd) throw SysError("failed to export container: open " + tmp);
            try {
                engine::fs::exportContainer(eng, inv.args[0], fd.get());
                if (::fsync(fd.get()) < 0) throw SysError("fsync " + tmp);
                if (::rename(tmp.c_str(), output.c_str()) < 0) throw SysError("rename " + tmp);
            } catch (...) {
                ::unlink(tmp.c_str());
                throw;
            }
            return 0;
        });
    };
    return c;
}

}  // namespace berth::cli
