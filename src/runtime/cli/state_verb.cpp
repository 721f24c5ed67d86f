// `state <id>`: the runtime-spec state JSON (runtime.md#state).
#include <cstdio>

#include "runtime/cli/verbs.hpp"

namespace berth::runtime::cli {

int cmdState(Context& ctx, const Args& argv) {
    ParsedArgs args = parseFlags(argv, {}, "state");
    std::string id = requireId(args, "state");
    StateStore store(ctx.global.root);
    ContainerState state = store.load(id);
    std::string out = store.stateJson(state, store.status(state)).dump(2) + "\n";
    fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}

}  // namespace berth::runtime::cli
