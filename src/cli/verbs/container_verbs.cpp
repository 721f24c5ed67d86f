// `berth start|stop|restart|kill|rm|wait` (and under `berth container`): each takes one or more
// containers, prints each as given once done, and reports failures per container as docker does.
#include <unistd.h>

#include "cli/verbs.hpp"
#include "cli/verbs/container_util.hpp"

namespace berth::cli {

namespace {

// start -a [-i]: attach, then start (or just attach when it runs); the container's exit code.
int startAttached(Invocation& inv, bool in) {
    auto& eng = engineFor(inv.ctx);
    engine::AttachStdio io;
    io.sigProxy = true;
    io.detachKeys = inv.flags.getString("detach-keys");
    try {
        auto rec = eng.containers().get(inv.args[0]);
        if (in && rec.config.value("OpenStdin", false)) {
            if (rec.config.value("Tty", false) && !::isatty(inv.ctx.stdinFd()))
                throw StatusError(1, "the input device is not a TTY");
            io.inFd = inv.ctx.stdinFd();
        }
        inv.ctx.out().flush();
        auto st = eng.state(rec);
        auto outcome = st.running ? eng.attach(rec.id, io) : eng.runAttached(rec, io);
        return outcome.detached ? 0 : outcome.exitCode;
    } catch (const StatusError&) {
        throw;
    } catch (const Error& e) {
        throw StatusError(1, "Error response from daemon: " + plainMessage(e));
    }
}

CommandPtr verb(const char* name, const char* use, const char* help) {
    auto c = std::make_shared<Command>();
    c->name = name;
    c->use = use;
    c->shortHelp = help;
    c->args(ArgsRule::AtLeast, 1);
    return c;
}

// stop and restart: -s SIGNAL, -t SECONDS, then op on each container.
using StopOp = void (*)(engine::Engine&, const std::string&, std::optional<int>, const std::string&);
CommandPtr stopVerb(const char* name, const char* help, StopOp op) {
    auto c = verb(name, "[OPTIONS] CONTAINER [CONTAINER...]", help);
    c->flags.addString("signal", 's', "Signal to send to the container")
        .addInt("time", 't', "Seconds to wait before killing the container");
    c->run = [op](Invocation& inv) {
        auto& eng = engineFor(inv.ctx);
        std::optional<int> t;
        if (inv.flags.changed("time")) t = int(inv.flags.getInt("time"));
        std::string sig = inv.flags.getString("signal");
        return forEachContainer(inv, true, [&](const std::string& a) { op(eng, a, t, sig); });
    };
    return c;
}

}  // namespace

CommandPtr makeStartCommand() {
    auto c = verb("start", "[OPTIONS] CONTAINER [CONTAINER...]", "Start one or more stopped containers");
    c->flags.addBool("attach", 'a', "Attach STDOUT/STDERR and forward signals")
        .addString("detach-keys", 0, "Override the key sequence for detaching a container")
        .addBool("interactive", 'i', "Attach container's STDIN");
    c->run = [](Invocation& inv) {
        auto& eng = engineFor(inv.ctx);
        bool in = inv.flags.getBool("interactive");
        if (inv.flags.getBool("attach") || in) {
            if (inv.args.size() != 1) throw StatusError(1, "you cannot start and attach multiple containers at once");
            return startAttached(inv, in);
        }
        std::vector<std::string> failed;
        try {
            return forEachContainer(inv, true, [&](const std::string& a) {
                try {
                    eng.start(a);
                } catch (const Error&) {
                    failed.push_back(a);
                    throw;
                }
            });
        } catch (const StatusError& e) {
            // docker start ends its per-container errors with the list of what failed.
            std::string names;
            for (auto& f : failed) names += (names.empty() ? "" : ", ") + f;
            throw StatusError(1, std::string(e.what()) + "\nError: failed to start containers: " + names);
        }
    };
    return c;
}


CommandPtr makeStopCommand() {
    return stopVerb("stop", "Stop one or more running containers",
                    [](engine::Engine& eng, const std::string& a, std::optional<int> t,
                       const std::string& sig) { eng.stop(a, t, sig); });
}

// docker restart: stop (when running), then start.
CommandPtr makeRestartCommand() {
    return stopVerb("restart", "Restart one or more containers",
                    [](engine::Engine& eng, const std::string& a, std::optional<int> t,
                       const std::string& sig) { eng.restart(a, t, sig); });
}

CommandPtr makeKillCommand() {
    auto c = verb("kill", "[OPTIONS] CONTAINER [CONTAINER...]", "Kill one or more running containers");
    c->flags.addString("signal", 's', "Signal to send to the container", "KILL");
    c->run = [](Invocation& inv) {
        auto& eng = engineFor(inv.ctx);
        std::string sig = inv.flags.getString("signal");
        return forEachContainer(inv, true, [&](const std::string& a) {
            try {
                eng.kill(a, sig.empty() ? "KILL" : sig);
            } catch (const Error& e) {
                throw Error("Cannot kill container: " + a + ": " + plainMessage(e));
            }
        });
    };
    return c;
}

CommandPtr makeRmCommand() {
    auto c = verb("rm", "[OPTIONS] CONTAINER [CONTAINER...]", "Remove one or more containers");
    c->aliases = {"remove"};
    c->flags.addBool("force", 'f', "Force the removal of a running container (uses SIGKILL)")
        .addBool("volumes", 'v', "Remove anonymous volumes associated with the container")
        .addBool("link", 'l', "Remove the specified link");
    c->run = [](Invocation& inv) {
        auto& eng = engineFor(inv.ctx);
        bool force = inv.flags.getBool("force");
        bool vols = inv.flags.getBool("volumes");
        // Several at once: kill them all first, their teardowns overlap (engine/lifecycle/remove).
        if (force && inv.args.size() > 1) eng.killForRemoval(inv.args);
        return forEachContainer(inv, true, [&](const std::string& a) {
            try {
                eng.remove(a, force, vols);
            } catch (const engine::NoSuchContainer&) {
                if (!force) throw;  // docker rm -f: a missing container is not an error
            }
        });
    };
    return c;
}

CommandPtr makeWaitCommand() {
    auto c = verb("wait", "CONTAINER [CONTAINER...]", "Block until one or more containers stop, then print their exit codes");
    c->run = [](Invocation& inv) {
        auto& eng = engineFor(inv.ctx);
        return forEachContainer(inv, false, [&](const std::string& a) { inv.ctx.out() << eng.wait(a) << "\n"; });
    };
    return c;
}

}  // namespace berth::cli
