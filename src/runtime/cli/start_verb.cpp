// `start <id>`: only a `created` container can be started (runtime.md#start).
#include "runtime/cli/verbs.hpp"

namespace berth::runtime::cli {

int cmdStart(Context& ctx, const Args& argv) {
    ParsedArgs args = parseFlags(argv, {}, "start");
    std::string id = requireId(args, "start");
    StateStore store(ctx.global.root);
    ContainerLock lock = store.lock(id);
    ContainerState state = store.load(id);
    startCreated(store, state);
    runPoststart(store, state);
    return 0;
}

}  // namespace berth::runtime::cli
