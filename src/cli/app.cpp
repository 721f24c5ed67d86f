#include "cli/app.hpp"

#include <cstdlib>
#include <iostream>

#include "cli/error_text.hpp"
#include "cli/format/formatter.hpp"
#include "cli/heap_prefault.hpp"
#include "cli/verbs.hpp"
#include "cli/version.hpp"
#include "common/log.hpp"

namespace berth::cli {
namespace {

FlagSet rootFlags() {
    FlagSet f;
    f.addString("root", 0, "Root directory of berth's state (env BERTH_ROOT)", kDefaultRoot)
        .addString("log-level", 'l',
                   "Set the logging level (\"debug\"|\"info\"|\"warn\"|\"error\"|\"fatal\")",
                   "info")
        .addBool("debug", 'D', "Enable debug mode")
        .addList("host", 'H',
                 "Daemon socket(s) to connect to (not supported yet: berth is daemonless)")
        .addBool("version", 'v', "Print version information and quit")
        .addBool("help", 'h', "Print usage")
        .hide("help");
    return f;
}

// Copies a command's flags and adds the hidden --help (-h unless the verb uses -h itself, as
// `run -h` is --hostname in docker).
FlagSet withHelpFlag(const FlagSet& flags) {
    FlagSet f = flags;
    f.addBool("help", f.findShort('h') ? 0 : 'h', "Print usage").hide("help");
    return f;
}

LogLevel parseLogLevel(const std::string& s) {
    if (s == "debug") return LogLevel::Debug;
    if (s == "info") return LogLevel::Info;
    if (s == "warn" || s == "warning") return LogLevel::Warn;
    if (s == "error" || s == "fatal" || s == "panic") return LogLevel::Error;
    throw StatusError(1, "Unable to parse logging level: " + s);
}

struct Dispatch {
    CliContext& ctx;
    const Command& root;

    int run(const std::vector<std::string>& args) {
        FlagSet globals = rootFlags();
        std::string path = "berth";
        size_t i = 0;
        try {
            while (i < args.size() && args[i].size() > 1 && args[i][0] == '-' && args[i] != "--")
                i = globals.parseOne(args, i);
            if (i < args.size() && args[i] == "--") ++i;
        } catch (const UsageError& e) {
            return usageError(e, path);
        }
        if (globals.getBool("version")) {
            ctx.out() << "berth version " << berthVersion() << ", build " << berthGitCommit()
                      << "\n";
            return 0;
        }
        if (globals.getBool("help") || i >= args.size()) {
            ctx.out() << renderHelp(root, path, &globals);
            return 0;
        }
        applyGlobals(globals);

        // `berth help [COMMAND...]`
        if (args[i] == "help") {
            std::vector<std::string> rest(args.begin() + i + 1, args.end());
            rest.push_back("--help");
            return walk(rest, 0, root, path, globals);
        }
        return walk(args, i, root, path, globals);
    }

    void applyGlobals(const FlagSet& globals) {
        if (globals.changed("root"))
            ctx.root = globals.getString("root");
        else if (const char* env = std::getenv("BERTH_ROOT"); env && *env)
            ctx.root = env;
        ctx.logLevel = globals.getBool("debug") ? "debug" : globals.getString("log-level");
        configureLog("", LogFormat::Text, parseLogLevel(ctx.logLevel));
        if (globals.changed("host"))
            throw StatusError(1,
                              "-H/--host: talking to a remote berth API server is not "
                              "implemented yet; berth runs daemonless on the local state root "
                              "(--root " +
                                  ctx.root + ")");
    }

    int walk(const std::vector<std::string>& args, size_t i, const Command& start, std::string path,
             const FlagSet& globals) {
        const Command* cmd = &start;
        while (!cmd->children.empty() && i < args.size() && !args[i].empty() && args[i][0] != '-') {
            const Command* child = cmd->findChild(args[i]);
            if (!child) {
                if (cmd == &root)
                    throw StatusError(
                        1, "berth: '" + args[i] + "' is not a berth command.\nSee 'berth --help'");
                throw StatusError(1, "berth: '" + args[i] + "' is not a '" + path +
                                         "' command.\nSee '" + path + " --help'");
            }
            cmd = child;
            path += " " + cmd->name;
            ++i;
        }
        FlagSet flags = withHelpFlag(cmd->flags);
        std::vector<std::string> positional;
        try {
            flags.parse({args.begin() + static_cast<std::ptrdiff_t>(i), args.end()}, positional,
                        cmd->interspersed);
        } catch (const UsageError& e) {
            return usageError(e, path);
        }
        if (flags.getBool("help") || (!cmd->run && positional.empty())) {
            ctx.out() << renderHelp(*cmd, path, cmd == &root ? &globals : nullptr);
            return 0;
        }
        if (!cmd->run)
            throw StatusError(1, "berth: '" + positional[0] + "' is not a '" + path +
                                     "' command.\nSee '" + path + " --help'");
        checkArgs(*cmd, path, positional.size());
        Invocation inv{ctx, flags, positional, path};
        try {
            return cmd->run(inv);
        } catch (const UsageError& e) {
            return usageError(e, path);
        }
    }

    int usageError(const UsageError& e, const std::string& path) {
        ctx.err() << e.what() << "\nSee '" << path << " --help'.\n";
        return 125;
    }
};

}  // namespace

CommandPtr buildRootCommand() {
    auto root = std::make_shared<Command>();
    root->name = "berth";
    root->use = "[OPTIONS] COMMAND";
    root->shortHelp = "A daemonless, Docker-compatible container engine";
    root->flags = rootFlags();
    auto image = makeImageCommand();
    auto system = makeSystemCommand();
    root->add(image).add(system).add(makeVersionCommand()).add(makeInspectCommand());
    for (auto& child : system->children)  // docker's top-level `events` and `info`
        if (child->name == "events" || child->name == "info") root->add(aliasOf(child, child->name));
    // docker's top-level shortcuts for image verbs.
    auto verb = [&](const char* name) {
        const Command* c = image->findChild(name);
        for (auto& child : image->children)
            if (child.get() == c) return child;
        throw std::logic_error(std::string("no image verb ") + name);
    };
    root->add(aliasOf(verb("ls"), "images"))
        .add(aliasOf(verb("history"), "history"))
        .add(aliasOf(verb("import"), "import"))
        .add(aliasOf(verb("load"), "load"))
        .add(aliasOf(verb("rm"), "rmi"))
        .add(aliasOf(verb("save"), "save"))
        .add(aliasOf(verb("tag"), "tag"));
    // The container group and docker's top-level shortcuts for its verbs.
    auto container = makeContainerCommand();
    root->add(container);
    root->add(makeVolumeCommand());
    for (auto& child : container->children)
        if (child->name != "inspect" && child->name != "prune")
            root->add(aliasOf(child, child->name == "ls" ? "ps" : child->name));
    return root;
}

int runCli(const std::vector<std::string>& args, CliContext& ctx) {
    static const CommandPtr root = buildRootCommand();
    Dispatch d{ctx, *root};
    try {
        return d.run(args);
    } catch (const UsageError& e) {
        ctx.err() << e.what() << "\n";
        return 125;
    } catch (const StatusError& e) {
        ctx.err() << e.what() << "\n";
        return e.status();
    } catch (const TemplateError& e) {
        ctx.err() << e.what() << "\n";
        return 1;
    } catch (const std::exception& e) {
        ctx.err() << "Error: " << errorText(e) << "\n";
        return 1;
    }
}

int berthMain(int argc, char** argv) {
    heapOnHugePage();
    std::ios::sync_with_stdio(false);
    std::vector<std::string> args(argv + 1, argv + argc);
    CliContext ctx(std::cout, std::cerr, 0);
    int rc = runCli(args, ctx);
    std::cout.flush();
    return rc;
}

}  // namespace berth::cli
