// `update <id> [-r FILE|-] [--memory 64m ...]`: live cgroup limits (runc's flags).
#include <unistd.h>

#include <cerrno>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "oci/linux_resources.hpp"
#include "runtime/cgroups/container_cgroup.hpp"
#include "runtime/cgroups/update_request.hpp"
#include "runtime/cli/verbs.hpp"

namespace berth::runtime::cli {

// All of stdin (-r -), read directly: no iostreams in the runtime (cgroups/text_fields.hpp).
static std::string readStdin() {
    std::string text;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw SysError("read the resources from stdin");
        if (n == 0) return text;
        text.append(buf, static_cast<size_t>(n));
    }
}

int cmdUpdate(Context& ctx, const Args& argv) {
    std::vector<FlagSpec> specs{{{"resources", "r"}, true}};
    for (auto& n : cgroups::updateFlagNames()) specs.push_back({{n}, true});
    ParsedArgs args = parseFlags(argv, specs, "update");
    std::string id = requireId(args, "update");
    oci::LinuxResources r;
    if (args.has("resources")) {
        std::string file = args.get("resources");
        std::string text = file == "-" ? readStdin()
                                       : readFile(file);
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(text);
        } catch (const nlohmann::json::exception& e) {
            throw Error("-r " + file + ": " + e.what());
        }
        r = oci::parseLinuxResources(j, "resources");
    } else {
        std::map<std::string, std::string> flags;
        for (auto& n : cgroups::updateFlagNames())
            if (args.has(n)) flags[n] = args.get(n);
        r = cgroups::resourcesFromUpdateFlags(flags);
    }
    StateStore store(ctx.global.root);
    ContainerLock lock = store.lock(id);
    ContainerState state = store.load(id);
    if (store.status(state) == ContainerStatus::Stopped)
        throw Error("cannot update container " + id + ": it is stopped");
    auto cg = cgroups::loadContainerCgroup(store.dir(id));
    if (!cg) throw Error("container " + id + " has no cgroup");
    cg->apply(r, true);
    return 0;
}

}  // namespace berth::runtime::cli
