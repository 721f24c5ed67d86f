// `berth attach` (`container attach`): the local stdin, stdout and stderr to a running
// container; ctrl-p ctrl-q (or --detach-keys) detaches and leaves it running.
#include <unistd.h>

#include "cli/verbs.hpp"
#include "cli/verbs/container_util.hpp"

namespace berth::cli {

namespace {

int runAttach(Invocation& inv) {
    auto& eng = engineFor(inv.ctx);
    engine::AttachStdio io;
    bool noStdin = inv.flags.getBool("no-stdin");
    io.sigProxy = inv.flags.getBool("sig-proxy");
    io.detachKeys = inv.flags.getString("detach-keys");
    try {
        auto rec = eng.containers().get(inv.args[0]);
        bool openStdin = rec.config.value("OpenStdin", false);
        if (!noStdin && openStdin) {
            if (rec.config.value("Tty", false) && !::isatty(inv.ctx.stdinFd())) {
                auto st = eng.state(rec);
                if (st.running) throw StatusError(1, "the input device is not a TTY");
            }
            io.inFd = inv.ctx.stdinFd();
        }
        inv.ctx.out().flush();
        auto outcome = eng.attach(inv.args[0], io);
        // docker: the escape error ends `attach` with status 1.
        if (outcome.detached) throw StatusError(1, "read escape sequence");
        return outcome.exitCode;
    } catch (const StatusError&) {
        throw;
    } catch (const engine::NoSuchContainer& e) {
        throw StatusError(1, "Error response from daemon: " + plainMessage(e));
    } catch (const Error& e) {
        std::string msg = plainMessage(e);
        if (msg.rfind("You cannot attach", 0) == 0) throw StatusError(1, msg);
        throw StatusError(1, "Error response from daemon: " + msg);
    }
}

}  // namespace

CommandPtr makeAttachCommand() {
    auto c = std::make_shared<Command>();
    c->name = "attach";
    c->use = "[OPTIONS] CONTAINER";
    c->shortHelp = "Attach local standard input, output, and error streams to a running container";
    c->args(ArgsRule::Exact, 1);
    c->flags.addString("detach-keys", 0, "Override the key sequence for detaching a container")
        .addBool("no-stdin", 0, "Do not attach STDIN")
        .addBool("sig-proxy", 0, "Proxy all received signals to the process", true);
    c->run = runAttach;
    return c;
}

}  // namespace berth::cli
