// `exec [flags] <id> <command> [args...]` or `exec -p process.json <id>`: a new process in a
// running container (runc's flags; see runtime/exec/).
#include "common/error.hpp"
#include "runtime/cli/verbs.hpp"
#include "runtime/exec/exec_container.hpp"

namespace berth::runtime::cli {

int cmdExec(Context& ctx, const Args& argv) {
    // Flags stop at the first positional after the id: the command's own flags are its own.
    std::vector<FlagSpec> specs{
        {{"console-socket"}, true}, {{"cwd"}, true},          {{"env", "e"}, true},
        {{"tty", "t"}, false},      {{"user", "u"}, true},    {{"additional-gids", "g"}, true},
        {{"process", "p"}, true},   {{"detach", "d"}, false}, {{"pid-file"}, true},
        {{"process-label"}, true},  {{"apparmor"}, true},     {{"no-new-privs"}, false},
        {{"cap", "c"}, true},       {{"preserve-fds"}, true}, {{"cgroup"}, true},
        {{"ignore-paused"}, false}};
    Args flags, rest;
    size_t i = 0;
    for (; i < argv.size(); ++i) {
        const std::string& a = argv[i];
        if (a == "--") {
            ++i;
            break;
        }
        if (a.empty() || a[0] != '-') break;
        flags.push_back(a);
        bool takesValue = a.find('=') == std::string::npos;
        if (takesValue) {
            std::string name = a.substr(a[1] == '-' ? 2 : 1);
            takesValue = false;
            for (auto& s : specs)
                for (auto& n : s.names)
                    if (n == name) takesValue = s.takesValue;
        }
        if (takesValue && i + 1 < argv.size()) flags.push_back(argv[++i]);
    }
    rest.assign(argv.begin() + long(i), argv.end());
    ParsedArgs args = parseFlags(flags, specs, "exec");
    if (rest.empty()) throw Error("exec: a container id is required");
    ExecOptions o;
    o.id = rest[0];
    o.args.assign(rest.begin() + 1, rest.end());
    o.processFile = args.get("process");
    if (args.has("tty")) o.tty = true;
    o.consoleSocket = args.get("console-socket");
    o.cwd = args.get("cwd");
    o.env = args.all("env");
    o.user = args.get("user");
    for (auto& g : args.all("additional-gids")) {
        try {
            o.additionalGids.push_back(uint32_t(std::stoul(g)));
        } catch (const std::exception&) {
            throw Error("--additional-gids: \"" + g + "\" is not a number");
        }
    }
    o.caps = args.all("cap");
    if (args.has("no-new-privs")) o.noNewPrivs = true;
    o.detach = args.has("detach");
    o.pidFile = args.get("pid-file");
    o.preserveFds = args.getInt("preserve-fds", 0);
    StateStore store(ctx.global.root);
    return execInContainer(store, o);
}

}  // namespace berth::runtime::cli
