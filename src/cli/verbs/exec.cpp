// `berth exec` (`container exec`): a command in a running container, docker's flags and exit
// codes (the command's; 126/127 when it could not start; 1 for daemon-side errors).
#include <unistd.h>

#include "cli/verbs.hpp"
#include "cli/verbs/container_util.hpp"
#include "engine/spec/option_parsers.hpp"

namespace berth::cli {

namespace {

int runExec(Invocation& inv) {
    const FlagSet& f = inv.flags;
    engine::ExecOptions o;
    o.cmd.assign(inv.args.begin() + 1, inv.args.end());
    o.tty = f.getBool("tty");
    o.interactive = f.getBool("interactive");
    o.detach = f.getBool("detach");
    o.privileged = f.getBool("privileged");
    o.workdir = f.getString("workdir");
    o.user = f.getString("user");
    // docker reads --env-file in the client; its errors have no "Error response" prefix.
    for (auto& file : f.getList("env-file")) {
        try {
            for (auto& e : engine::readEnvFile(file)) o.env.push_back(e);
        } catch (const Error& e) {
            throw StatusError(1, plainMessage(e));
        }
    }
    for (auto& e : f.getList("env")) o.env.push_back(e);
    if (o.tty && o.interactive && !o.detach && !::isatty(inv.ctx.stdinFd()))
        throw StatusError(1, "the input device is not a TTY");

    engine::AttachStdio io;
    io.inFd = o.interactive ? inv.ctx.stdinFd() : -1;
    io.detachKeys = f.getString("detach-keys");
    inv.ctx.out().flush();
    try {
        auto outcome = engineFor(inv.ctx).exec(inv.args[0], o, io);
        if (outcome.detached) throw StatusError(1, "read escape sequence");
        return outcome.exitCode;
    } catch (const engine::ExecStartError& e) {
        throw StatusError(e.exitCode(), plainMessage(e));
    } catch (const StatusError&) {
        throw;
    } catch (const Error& e) {
        throw StatusError(1, "Error response from daemon: " + plainMessage(e));
    }
}

}  // namespace

CommandPtr makeExecCommand() {
    auto c = std::make_shared<Command>();
    c->name = "exec";
    c->use = "[OPTIONS] CONTAINER COMMAND [ARG...]";
    c->shortHelp = "Execute a command in a running container";
    c->args(ArgsRule::AtLeast, 2);
    c->interspersed = false;
    c->flags.addBool("detach", 'd', "Detached mode: run command in the background")
        .addString("detach-keys", 0, "Override the key sequence for detaching a container")
        .addList("env", 'e', "Set environment variables")
        .addList("env-file", 0, "Read in a file of environment variables")
        .addBool("interactive", 'i', "Keep STDIN open even if not attached")
        .addBool("privileged", 0, "Give extended privileges to the command")
        .addBool("tty", 't', "Allocate a pseudo-TTY")
        .addString("user", 'u', "Username or UID (format: \"<name|uid>[:<group|gid>]\")")
        .addString("workdir", 'w', "Working directory inside the container");
    c->run = runExec;
    return c;
}

}  // namespace berth::cli
