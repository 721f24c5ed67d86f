// `berth run` and `berth create` (`container run`, `container create`).
#include <unistd.h>

#include "cli/verbs.hpp"
#include "cli/verbs/container_util.hpp"
#include "store/image_store.hpp"

namespace berth::cli {

namespace {

engine::ContainerRecord createFor(Invocation& inv, const engine::RunOptions& o, bool startsNext) {
    try {
        return engineFor(inv.ctx).create(o, startsNext);
    } catch (const store::ImageNotFound& e) {
        // No registry yet: what docker prints after a failed pull, shortened.
        std::string ref = o.image.find(':') == std::string::npos && o.image.find('@') == std::string::npos
                              ? o.image + ":latest"
                              : o.image;
        inv.ctx.err() << "Unable to find image '" << ref << "' locally\n";
        throwRunError(inv.commandPath, plainMessage(e));
    } catch (const Error& e) {
        // What dockerd would refuse: docker prints the daemon's answer with this prefix.
        throwRunError(inv.commandPath, "Error response from daemon: " + plainMessage(e));
    }
}

engine::RunOptions optionsOrUsage(Invocation& inv) {
    try {
        return runOptionsFrom(inv);
    } catch (const UsageError&) {
        throw;
    } catch (const Error& e) {
        throwRunError(inv.commandPath, plainMessage(e));
    }
}

int runRun(Invocation& inv) {
    engine::RunOptions o = optionsOrUsage(inv);
    bool detach = inv.flags.getBool("detach");
    if (detach && o.autoRemove && o.restart != "no" && !o.restart.empty())
        throwRunError(inv.commandPath, "Conflicting options: --restart and --rm");
    // docker checks before anything is created.
    if (!detach && o.tty && o.openStdin && !::isatty(STDIN_FILENO))
        throw StatusError(1, "the input device is not a TTY");
    auto rec = createFor(inv, o, /*startsNext=*/true);
    auto& eng = engineFor(inv.ctx);
    if (detach) {
        try {
            eng.start(rec);
        } catch (const Error& e) {
            if (o.autoRemove) try { eng.removeAutoRemoved(rec.id); } catch (...) {}
            throwRunError(inv.commandPath, plainMessage(e));
        }
        inv.ctx.out() << rec.id << "\n";
        return 0;
    }
    inv.ctx.out().flush();
    int code = 0;

    try {
        engine::AttachStdio io;
        io.inFd = o.openStdin ? STDIN_FILENO : -1;
        io.sigProxy = inv.flags.getBool("sig-proxy");
        io.detachKeys = inv.flags.getString("detach-keys");
        io.removesAfterExit = o.autoRemove;  // below; the monitor does it if we detach or die
        auto outcome = eng.runAttached(rec, io);
        if (outcome.detached) return 0;  // docker: the container runs on (--rm: removed by its end)
        code = outcome.exitCode;
    } catch (const Error& e) {
        if (o.autoRemove) try { eng.removeAutoRemoved(rec.id); } catch (...) {}
        // docker: a container that could not start → 125; 127 when the command is missing,
        // 126 when it cannot be executed.
        std::string msg = "Error response from daemon: " + plainMessage(e);
        int status = 125;
        if (msg.find("executable file not found") != std::string::npos ||
            msg.find("no such file or directory") != std::string::npos ||
            msg.find("No such file or directory") != std::string::npos)
            status = 127;
        else if (msg.find("permission denied") != std::string::npos ||
                 msg.find("Permission denied") != std::string::npos)
            status = 126;
        if (status != 125) {
            std::string m = msg;
            if (!m.empty() && m.back() != '.') m += ".";
            throw StatusError(status, inv.commandPath.substr(0, inv.commandPath.find(' ')) + ": " + m);
        }
        throwRunError(inv.commandPath, msg);
    }
    if (o.autoRemove) {
        try {
            eng.removeAutoRemoved(rec.id);  // also when the monitor's exit command got there first
        } catch (const Error& e) {
            inv.ctx.err() << "Error: removing container " << rec.id.substr(0, 12) << ": " << e.what() << "\n";
        }
    }
    return code;
}

int runCreate(Invocation& inv) {
    engine::RunOptions o = optionsOrUsage(inv);
    auto rec = createFor(inv, o, /*startsNext=*/false);
    inv.ctx.out() << rec.id << "\n";
    return 0;
}

}  // namespace

CommandPtr makeRunCommand() {
    auto c = std::make_shared<Command>();
    c->name = "run";
    c->use = "[OPTIONS] IMAGE [COMMAND] [ARG...]";
    c->shortHelp = "Create and run a new container from an image";
    c->args(ArgsRule::AtLeast, 1);
    c->interspersed = false;
    addRunFlags(c->flags);
    c->run = runRun;
    return c;
}

CommandPtr makeCreateCommand() {
    auto c = std::make_shared<Command>();
    c->name = "create";
    c->use = "[OPTIONS] IMAGE [COMMAND] [ARG...]";
    c->shortHelp = "Create a new container";
    c->args(ArgsRule::AtLeast, 1);
    c->interspersed = false;
    addRunFlags(c->flags);
    c->flags.hide("detach");
    c->run = runCreate;
    return c;
}

}  // namespace berth::cli
