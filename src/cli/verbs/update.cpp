// `berth update [OPTIONS] CONTAINER...` (docker update): live cgroup limits through the
// container's runtime, kept for later starts; --restart changes the policy (the running monitor
// is told at once).
#include <cmath>

#include "cli/format/units.hpp"
#include "cli/verbs.hpp"
#include "cli/verbs/container_util.hpp"

namespace berth::cli {

namespace {

int64_t swapBytes(const std::string& v) {
    if (v == "-1") return -1;
    auto b = ramInBytes(v);
    if (!b) throw UsageError("invalid argument \"" + v + "\" for \"--memory-swap\" flag: invalid size: '" + v + "'");
    return *b;
}

engine::ResourceUpdate updateFrom(const FlagSet& f) {
    engine::ResourceUpdate u;
    if (f.changed("memory")) u.memory = f.getBytes("memory");
    if (f.changed("memory-swap")) u.memorySwap = swapBytes(f.getString("memory-swap"));
    if (f.changed("memory-reservation")) u.memoryReservation = f.getBytes("memory-reservation");
    if (f.changed("cpus")) u.nanoCpus = int64_t(std::llround(f.getDecimal("cpus") * 1e9));
    if (f.changed("cpu-shares")) u.cpuShares = f.getInt("cpu-shares");
    if (f.changed("cpu-period")) u.cpuPeriod = f.getInt("cpu-period");
    if (f.changed("cpu-quota")) u.cpuQuota = f.getInt("cpu-quota");
    if (f.changed("cpuset-cpus")) u.cpusetCpus = f.getString("cpuset-cpus");
    if (f.changed("cpuset-mems")) u.cpusetMems = f.getString("cpuset-mems");
    if (f.changed("pids-limit")) u.pidsLimit = f.getInt("pids-limit");
    if (f.changed("blkio-weight")) u.blkioWeight = f.getInt("blkio-weight");
    if (f.changed("restart")) u.restartPolicy = f.getString("restart");
    return u;
}

}  // namespace

CommandPtr makeUpdateCommand() {
    auto c = std::make_shared<Command>();
    c->name = "update";
    c->use = "[OPTIONS] CONTAINER [CONTAINER...]";
    c->shortHelp = "Update configuration of one or more containers";
    c->args(ArgsRule::AtLeast, 1);
    c->flags.addInt("blkio-weight", 0, "Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)")
        .addInt("cpu-period", 0, "Limit CPU CFS (Completely Fair Scheduler) period")
        .addInt("cpu-quota", 0, "Limit CPU CFS (Completely Fair Scheduler) quota")
        .addInt("cpu-shares", 'c', "CPU shares (relative weight)")
        .addDecimal("cpus", 0, "Number of CPUs")
        .addString("cpuset-cpus", 0, "CPUs in which to allow execution (0-3, 0,1)")
        .addString("cpuset-mems", 0, "MEMs in which to allow execution (0-3, 0,1)")
        .addBytes("memory", 'm', "Memory limit")
        .addBytes("memory-reservation", 0, "Memory soft limit")
        .addString("memory-swap", 0, "Swap limit equal to memory plus swap: -1 to enable unlimited swap", "", "bytes")
        .addInt("pids-limit", 0, "Tune container pids limit (set -1 for unlimited)")
        .addString("restart", 0, "Restart policy to apply when a container exits");
    c->run = [](Invocation& inv) {
        engine::ResourceUpdate u = updateFrom(inv.flags);
        if (u.empty()) throw StatusError(1, "you must provide one or more flags when using this command");
        auto& eng = engineFor(inv.ctx);
        return forEachContainer(inv, true, [&](const std::string& a) { eng.update(a, u); });
    };
    return c;
}

}  // namespace berth::cli
