// `berth stats [-a] [--no-stream] [--no-trunc] [--format F] [CONTAINER...]` (docker's
// cli/command/container/stats.go): docker's columns from the containers' cgroups (v1 or v2,
// engine/resources). Without --no-stream the table redraws every second in place, as docker
// does (cursor home, each line cleared to its end, the rest of the screen cleared).
#include <chrono>
#include <cstdio>
#include <map>
#include <sstream>
#include <thread>

#include "cli/format/formatter.hpp"
#include "cli/format/units.hpp"
#include "cli/verbs.hpp"
#include "cli/verbs/container_util.hpp"
#include "engine/resources/container_stats.hpp"

namespace berth::cli {

namespace {

using nlohmann::json;

const TableFormat kStatsTable{
    "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}",
    {{"Container", "CONTAINER"},
     {"ID", "CONTAINER ID"},
     {"Name", "NAME"},
     {"CPUPerc", "CPU %"},
     {"MemUsage", "MEM USAGE / LIMIT"},
     {"MemPerc", "MEM %"},
     {"NetIO", "NET I/O"},
     {"BlockIO", "BLOCK I/O"},
     {"PIDs", "PIDS"}},
    "*formatter.statsContext"};

std::string percent(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f%%", v);
    return buf;
}

struct Target {
    std::string shownAs;  // the Container column: as given, or the short ID when listing
    engine::ContainerRecord rec;
};

json rowFor(const Target& t, const engine::ContainerStats& prev, const engine::ContainerStats& now,
            bool noTrunc) {
    return {
        {"Container", t.shownAs},
        {"ID", noTrunc ? t.rec.id : t.rec.id.substr(0, 12)},
        {"Name", t.rec.name},
        {"CPUPerc", percent(engine::cpuPercent(prev, now))},
        {"MemUsage", bytesSize(double(now.memUsage)) + " / " + bytesSize(double(now.memLimit))},
        {"MemPerc", percent(engine::memPercent(now))},
        {"NetIO", humanSize(double(now.netRx), 3) + " / " + humanSize(double(now.netTx), 3)},
        {"BlockIO", humanSize(double(now.blkRead), 3) + " / " + humanSize(double(now.blkWrite), 3)},
        {"PIDs", std::to_string(now.pids)},
    };
}

int runStats(Invocation& inv) {
    auto& eng = engineFor(inv.ctx);
    bool all = inv.flags.getBool("all");
    bool noStream = inv.flags.getBool("no-stream");
    bool noTrunc = inv.flags.getBool("no-trunc");
    std::string format = inv.flags.getString("format");

    // Named containers are resolved once (an unknown one fails at once, as docker);
    // otherwise the running (or, with -a, all) containers, newest first, re-listed each round.
    std::vector<Target> named;
    std::string errors;
    for (auto& a : inv.args) {
        try {
            named.push_back({a, eng.containers().get(a)});
        } catch (const Error& e) {
            errors += (errors.empty() ? "" : "\n") + std::string("Error response from daemon: ") + plainMessage(e);
        }
    }
    if (!errors.empty()) throw StatusError(1, errors);
    auto targets = [&] {
        if (!inv.args.empty()) return named;
        std::vector<Target> out;
        auto recs = eng.list();
        for (auto it = recs.rbegin(); it != recs.rend(); ++it) {
            if (!all && !eng.state(*it).running) continue;
            out.push_back({it->id.substr(0, 12), *it});
        }
        return out;
    };

    std::map<std::string, engine::ContainerStats> previous;
    auto sample = [&](const std::vector<Target>& ts) {
        std::map<std::string, engine::ContainerStats> now;
        for (auto& t : ts) now[t.rec.id] = eng.stats(t.rec);
        return now;
    };
    auto render = [&](const std::vector<Target>& ts, const std::map<std::string, engine::ContainerStats>& now) {
        std::vector<json> rows;
        for (auto& t : ts) {
            auto p = previous.find(t.rec.id);
            const auto& cur = now.at(t.rec.id);
            rows.push_back(rowFor(t, p == previous.end() ? cur : p->second, cur, noTrunc));
        }
        std::ostringstream out;
        writeRows(out, format, kStatsTable, rows);
        return out.str();
    };

    if (noStream) {
        auto ts = targets();
        previous = sample(ts);
        bool anyRunning = false;
        for (auto& [id, s] : previous) anyRunning = anyRunning || s.running;
        // CPU % needs two samples; docker's daemon takes them a second apart too.
        if (anyRunning) std::this_thread::sleep_for(std::chrono::seconds(1));
        inv.ctx.out() << render(ts, sample(ts)) << std::flush;
        return 0;
    }
    inv.ctx.out() << "\033[2J" << std::flush;
    for (;;) {
        auto ts = targets();
        auto now = sample(ts);
        std::string text = render(ts, now);
        std::string frame = "\033[H";
        size_t start = 0;
        while (start < text.size()) {
            size_t nl = text.find('\n', start);
            if (nl == std::string::npos) nl = text.size();
            frame += text.substr(start, nl - start) + "\033[K\n";
            start = nl + 1;
        }
        frame += "\033[J";
        inv.ctx.out() << frame << std::flush;
        if (!inv.ctx.out()) return 0;  // the reader went away
        previous = std::move(now);
        std::this_thread::sleep_for(std::chrono::seconds(1));
    }
}

}  // namespace

CommandPtr makeStatsCommand() {
    auto c = std::make_shared<Command>();
    c->name = "stats";
    c->use = "[OPTIONS] [CONTAINER...]";
    c->shortHelp = "Display a live stream of container(s) resource usage statistics";
    c->flags.addBool("all", 'a', "Show all containers (default shows just running)")
        .addString("format", 0, "Format output using a custom template")
        .addBool("no-stream", 0, "Disable streaming stats and only pull the first result")
        .addBool("no-trunc", 0, "Do not truncate output");
    c->run = runStats;
    return c;
}

}  // namespace berth::cli
