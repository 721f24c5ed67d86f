// `pause <id>` / `resume <id>`: the cgroup freezer (v1 freezer.state, v2 cgroup.freeze).
// pause needs a running container, resume a paused one.
#include "common/error.hpp"
#include "runtime/cgroups/container_cgroup.hpp"
#include "runtime/cli/verbs.hpp"

namespace berth::runtime::cli {
namespace {

std::unique_ptr<cgroups::CgroupManager> cgroupOf(const StateStore& store, const std::string& id) {
    auto cg = cgroups::loadContainerCgroup(store.dir(id));
    if (!cg) throw Error("container " + id + " has no cgroup to freeze");
    return cg;
}

}  // namespace

int cmdPause(Context& ctx, const Args& argv) {
    ParsedArgs args = parseFlags(argv, {}, "pause");
    std::string id = requireId(args, "pause");
    StateStore store(ctx.global.root);
    ContainerLock lock = store.lock(id);
    ContainerState state = store.load(id);
    ContainerStatus st = store.status(state);
    if (st != ContainerStatus::Running)
        throw Error("cannot pause container " + id + ": it is " + statusName(st) + ", not running");
    cgroupOf(store, id)->freeze();
    return 0;
}

int cmdResume(Context& ctx, const Args& argv) {
    ParsedArgs args = parseFlags(argv, {}, "resume");
    std::string id = requireId(args, "resume");
    StateStore store(ctx.global.root);
    ContainerLock lock = store.lock(id);
    ContainerState state = store.load(id);
    ContainerStatus st = store.status(state);
    if (st != ContainerStatus::Paused)
        throw Error("cannot resume container " + id + ": it is " + statusName(st) + ", not paused");
    cgroupOf(store, id)->thaw();
    return 0;
}

}  // namespace berth::runtime::cli
