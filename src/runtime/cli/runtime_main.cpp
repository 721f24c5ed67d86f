#include "runtime/cli/runtime_main.hpp"

#include <cstdio>
#include <cstring>
#include <string>

#include "common/error.hpp"
#include "common/log.hpp"
#include "runtime/cli/verbs.hpp"
#include "runtime/container/self_clone.hpp"

namespace berth::runtime::cli {
namespace {

const char* kUsage =
    "usage: berth-runtime [global flags] COMMAND [flags] <id>\n"
    "\n"
    "OCI runtime (runc-compatible command line).\n"
    "\n"
    "commands:\n"
    "  create <id> --bundle DIR [--pid-file F] [--console-socket S] [--no-pivot]\n"
    "              [--no-new-keyring] [--preserve-fds N]\n"
    "  start <id>             start a created container\n"
    "  state <id>             print the container's state JSON\n"
    "  kill <id> [SIGNAL]     signal the container's init (default TERM) [--all]\n"
    "  delete [--force] <id>  remove a stopped container\n"
    "  run <id> --bundle DIR  create + start + wait [-d] [--keep]\n"
    "  spec [--rootless]      write a default config.json\n"
    "  list [--format json]   list containers\n"
    "  pause <id> / resume <id>  freeze / thaw the container's cgroup\n"
    "  ps [--format json] <id>   the container's processes\n"
    "  update <id> [-r FILE] [--memory N ...]  change live cgroup limits\n"
    "  events [--stats] <id>  stats and OOM events as JSON lines\n"
    "  features               the runtime-spec features document\n"
    "  exec [-t] [-d] [-e K=V] [-u UID[:GID]] [--cwd D] <id> CMD [ARGS]  (or -p process.json)\n"
    "\n"
    "global flags:\n"
    "  --root DIR             state directory (default /run/berth-runtime)\n"
    "  --log FILE             log file (default stderr)\n"
    "  --log-format text|json\n"
    "  --debug\n";

using VerbFn = int (*)(Context&, const Args&);

VerbFn findVerb(const std::string& v) {
    static const std::pair<const char*, VerbFn> verbs[] = {
        {"create", cmdCreate}, {"start", cmdStart}, {"state", cmdState}, {"kill", cmdKill},
        {"delete", cmdDelete}, {"run", cmdRun},     {"spec", cmdSpec},   {"list", cmdList},
        {"pause", cmdPause},   {"resume", cmdResume}, {"ps", cmdPs},     {"update", cmdUpdate},
        {"events", cmdEvents}, {"features", cmdFeatures}, {"exec", cmdExec}};
    for (auto& [n, f] : verbs)
        if (v == n) return f;
    return nullptr;
}

}  // namespace

int runtimeMain(int argc, char** argv) {
    Context ctx;
    ctx.argv = argv;
    std::vector<std::string> args(argv + 1, argv + argc);
    size_t i = 0;
    std::string verb;
    try {
        for (; i < args.size(); ++i) {
            std::string a = args[i];
            if (a.empty() || a[0] != '-') break;
            std::string name = a.substr(a.size() > 1 && a[1] == '-' ? 2 : 1);
            std::string value;
            bool hasValue = false;
            if (auto eq = name.find('='); eq != std::string::npos) {
                value = name.substr(eq + 1);
                name = name.substr(0, eq);
                hasValue = true;
            }
            auto takeValue = [&]() {
                if (hasValue) return value;
                if (i + 1 >= args.size()) throw Error("flag " + a + " needs a value");
                return args[++i];
            };
            if (name == "root") ctx.global.root = takeValue();
            else if (name == "log") ctx.global.log = takeValue();
            else if (name == "log-format") ctx.global.logFormat = takeValue();
            else if (name == "criu" || name == "rootless") (void)takeValue();  // accepted, unused
            else if (name == "debug") ctx.global.debug = true;
            else if (name == "systemd-cgroup") ctx.global.systemdCgroup = true;
            else if (name == "help" || name == "h") {
                fputs(kUsage, stdout);
                return 0;
            } else if (name == "version" || name == "v") {
                printf("berth-runtime version 0.1.0\nspec: 1.2.0\n");
                return 0;
            } else {
                throw Error("unknown global flag " + a);
            }
        }
        if (ctx.global.logFormat != "text" && ctx.global.logFormat != "json")
            throw Error("--log-format: expected text or json, got \"" + ctx.global.logFormat + "\"");
        configureLog(ctx.global.log,
                     ctx.global.logFormat == "json" ? LogFormat::Json : LogFormat::Text,
                     ctx.global.debug ? LogLevel::Debug : LogLevel::Info);
        if (i >= args.size()) {
            fputs(kUsage, stderr);
            return 1;
        }
        verb = args[i];
        if (verb == "help") {
            fputs(kUsage, stdout);
            return 0;
        }
        VerbFn fn = findVerb(verb);
        if (!fn) throw Error("unknown command \"" + verb + "\" (see berth-runtime --help)");
        // CVE-2019-5736: verbs that fork a process into a container do it from a protected image.
        if (verb == "create" || verb == "run" || verb == "exec") ensureProtectedSelf(argv);
        logDebug(verb + ": start");
        std::vector<std::string> rest(args.begin() + long(i) + 1, args.end());
        return fn(ctx, rest);
    } catch (const std::exception& e) {
        std::string msg = e.what();
        if (!ctx.global.log.empty()) logError(msg);
        fprintf(stderr, "berth-runtime%s%s: %s\n", verb.empty() ? "" : " ", verb.c_str(), msg.c_str());
        return 1;
    }
}

}  // namespace berth::runtime::cli
