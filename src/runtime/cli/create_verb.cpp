// `create <id> --bundle DIR [--pid-file F] [--console-socket S] [--no-pivot]
//  [--no-new-keyring] [--preserve-fds N]`: the container is `created`, its init waits for start.
#include "runtime/cli/verbs.hpp"

namespace berth::runtime::cli {

int cmdCreate(Context& ctx, const Args& argv) {
    ParsedArgs args = parseFlags(argv, createFlags(), "create");
    std::string id = requireId(args, "create");
    launchFromBundle(ctx, args, id, false);
    return 0;
}

}  // namespace berth::runtime::cli
