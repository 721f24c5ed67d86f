#include <signal.h>

#include <cctype>
#include <climits>
#include <cstdlib>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/log.hpp"
#include "runtime/cgroups/container_cgroup.hpp"
#include "runtime/cli/verbs.hpp"
#include "runtime/hooks/hook_runner.hpp"
#include "runtime/hooks/saved_hooks.hpp"

namespace berth::runtime::cli {

const std::vector<FlagSpec>& createFlags() {
    static const std::vector<FlagSpec> flags{
        {{"bundle", "b"}, true},         {{"pid-file"}, true},
        {{"console-socket"}, true},      {{"no-pivot"}, false},
        {{"no-new-keyring"}, false},     {{"preserve-fds"}, true},
        {{"detach", "d"}, false},        {{"keep"}, false},
        {{"no-subreaper"}, false},       {{"notify-socket"}, true},
    };
    return flags;
}

namespace {

std::string absolutePath(const std::string& p) {
    char buf[PATH_MAX];
    if (!::realpath(p.c_str(), buf)) throw SysError("--bundle " + p);
    return buf;
}

}  // namespace

CreateResult launchFromBundle(Context& ctx, const ParsedArgs& args, const std::string& id,
                              bool foreground, int consoleSocketFd) {
    StateStore::validateId(id);
    LaunchOptions opts;
    opts.id = id;
    opts.stateRoot = ctx.global.root;
    opts.bundle = absolutePath(args.get("bundle", "."));
    opts.pidFile = args.get("pid-file");
    if (!opts.pidFile.empty() && opts.pidFile[0] != '/') {
        char cwd[PATH_MAX];
        if (::getcwd(cwd, sizeof cwd)) opts.pidFile = std::string(cwd) + "/" + opts.pidFile;
    }
    opts.consoleSocket = args.get("console-socket");
    opts.noPivot = args.has("no-pivot");
    opts.noNewKeyring = args.has("no-new-keyring");
    opts.preserveFds = args.getInt("preserve-fds", 0);
    if (opts.preserveFds < 0) throw Error("--preserve-fds: must not be negative");
    opts.foreground = foreground;
    opts.consoleSocketFd = consoleSocketFd;

    // Everything that can be checked without touching the host is checked before the state
    // dir exists: bad input leaves nothing behind.
    std::string configPath = opts.bundle + "/config.json";
    std::string configText = readFile(configPath);
    oci::Spec spec = withContext(configPath, [&] { return oci::parseSpec(configText); });
    std::string rootfs = oci::resolveRootfs(spec, opts.bundle);
    LaunchPlan plan = withContext(configPath, [&] {
        return planLaunch(std::move(spec), rootfs, std::move(opts));
    });
    plan.configText = std::move(configText);

    StateStore store(ctx.global.root);
    ContainerLock lock = store.createAndLock(id);
    try {
        return createContainer(store, plan);
    } catch (...) {
        store.remove(id);
        throw;
    }
}

void runPoststart(const StateStore& store, const ContainerState& state) {
    try {
        if (auto hooks = loadLaterHooks(store.dir(state.id)))
            runHooks(*hooks, HookStage::Poststart, hookState(state, "running").dump());
    } catch (const std::exception& e) {
        logWarn(std::string("poststart hooks: ") + e.what());
    }
}


}  // namespace berth::runtime::cli
