// `ps [--format table|json] <id> [ps options]`: the container's processes (its cgroup).
// json: an array of host pids (what containerd reads); table: `ps -ef` filtered, as runc.
#include <cstdio>

#include "common/error.hpp"
#include "runtime/cgroups/container_cgroup.hpp"
#include "runtime/cgroups/process_table.hpp"
#include "runtime/cli/verbs.hpp"

namespace berth::runtime::cli {

int cmdPs(Context& ctx, const Args& argv) {
    ParsedArgs args = parseFlags(argv, {{{"format", "f"}, true}}, "ps");
    if (args.positional.empty()) throw Error("ps: a container id is required");
    std::string id = args.positional[0];
    std::string format = args.get("format", "table");
    StateStore store(ctx.global.root);
    ContainerState state = store.load(id);
    std::vector<pid_t> pids;
    if (auto cg = cgroups::loadContainerCgroup(store.dir(id))) pids = cg->pids();
    else if (store.status(state) != ContainerStatus::Stopped) pids = {state.pid};
    if (format == "json") {
        std::string out = nlohmann::json(pids).dump() + "\n";
        fwrite(out.data(), 1, out.size(), stdout);
        return 0;
    }
    if (format != "table") throw Error("--format: expected table or json, got \"" + format + "\"");
    std::vector<std::string> psArgs(args.positional.begin() + 1, args.positional.end());
    if (psArgs.empty()) psArgs = {"-ef"};
    std::string cmd = "ps";
    for (auto& a : psArgs) {
        cmd += " '";
        for (char c : a) cmd += c == '\'' ? std::string("'\\''") : std::string(1, c);
        cmd += "'";
    }
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) throw SysError("run ps");
    std::string text;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) text.append(buf, n);
    if (::pclose(p) != 0) throw Error("ps " + cmd.substr(3) + " failed");
    std::string out = cgroups::filterPsOutput(text, pids);
    fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}

}  // namespace berth::runtime::cli
