// `events [--stats] [--interval 5s] <id>`: runc's event stream on stdout, one JSON object per
// line: {"type":"stats","id":...,"data":{...}} every interval and {"type":"oom","id":...} on
// each OOM kill, until the container stops. --stats prints one stats event and exits.
#include <poll.h>

#include <cstdio>

#include "common/error.hpp"
#include "runtime/cgroups/container_cgroup.hpp"
#include "runtime/cli/verbs.hpp"

namespace berth::runtime::cli {
namespace {

int parseIntervalMs(const std::string& s) {
    try {
        size_t used = 0;
        double v = std::stod(s, &used);
        std::string unit = s.substr(used);
        double ms = unit == "ms" ? v : unit == "s" || unit.empty() ? v * 1000 : unit == "m" ? v * 60000 : -1;
        if (ms <= 0) throw std::invalid_argument(s);
        return int(ms);
    } catch (const std::exception&) {
        throw Error("--interval: expected a duration like 5s, got \"" + s + "\"");
    }
}

void emit(const nlohmann::json& event) {
    std::string line = event.dump() + "\n";
    fwrite(line.data(), 1, line.size(), stdout);
    fflush(stdout);
}

}  // namespace

int cmdEvents(Context& ctx, const Args& argv) {
    ParsedArgs args = parseFlags(argv, {{{"stats"}, false}, {{"interval"}, true}}, "events");
    std::string id = requireId(args, "events");
    int intervalMs = parseIntervalMs(args.get("interval", "5s"));
    StateStore store(ctx.global.root);
    ContainerState state = store.load(id);
    if (store.status(state) == ContainerStatus::Stopped)
        throw Error("container " + id + " is stopped");
    auto cg = cgroups::loadContainerCgroup(store.dir(id));
    if (!cg) throw Error("container " + id + " has no cgroup");
    auto stats = [&] {
        return nlohmann::json{{"type", "stats"}, {"id", id}, {"data", cgroups::toJson(cg->stats())}};
    };
    if (args.has("stats")) {
        emit(stats());
        return 0;
    }
    auto oom = cg->watchOom();
    for (;;) {
        pollfd p{oom ? oom->fd() : -1, POLLIN, 0};
        int n = ::poll(&p, 1, intervalMs);
        if (!processAlive(state.pid, state.pidStartTime)) return 0;
        if (n > 0 && oom) {
            int kills = oom->readOomKills();
            if (kills < 0) return 0;
            for (int i = 0; i < kills; ++i) emit({{"type", "oom"}, {"id", id}});
        } else if (n == 0) {
            emit(stats());
        }
    }
}

}  // namespace berth::runtime::cli
