// `berth ps` / `berth container ls`: docker's columns, -a -q --no-trunc --format, -n/-l.
#include <time.h>

#include "cli/format/formatter.hpp"
#include "cli/format/units.hpp"
#include "cli/verbs.hpp"
#include "cli/verbs/container_util.hpp"
#include "common/strings.hpp"

namespace berth::cli {

namespace {

using nlohmann::json;

const TableFormat kPsTable{
    "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}",
    {{"ID", "CONTAINER ID"},
     {"Image", "IMAGE"},
     {"Command", "COMMAND"},
     {"CreatedAt", "CREATED AT"},
     {"RunningFor", "CREATED"},
     {"Status", "STATUS"},
     {"Ports", "PORTS"},
     {"Names", "NAMES"},
     {"State", "STATE"},
     {"Labels", "LABELS"},
     {"Mounts", "MOUNTS"},
     {"Networks", "NETWORKS"},
     {"Size", "SIZE"}}};

int64_t nowNs() {
    struct timespec ts {};
    clock_gettime(CLOCK_REALTIME, &ts);
    return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// docker's State.String(): "Up 5 seconds", "Exited (0) 3 minutes ago", "Created", "Restarting (1) ..."
std::string statusText(const engine::ContainerState& st) {
    int64_t now = nowNs();
    if (st.running)
        return "Up " + humanDuration(now - engine::parseRfc3339Nano(st.startedAt)) +
               (st.paused ? " (Paused)" : "");
    if (st.restarting)
        return "Restarting (" + std::to_string(st.exitCode) + ") " +
               humanDuration(now - engine::parseRfc3339Nano(st.finishedAt)) + " ago";
    if (st.status == "created") return "Created";
    if (st.status == "dead") return "Dead";
    int64_t fin = engine::parseRfc3339Nano(st.finishedAt);
    if (fin == 0) return "Exited (" + std::to_string(st.exitCode) + ")";
    return "Exited (" + std::to_string(st.exitCode) + ") " + humanDuration(now - fin) + " ago";
}

std::string quoteCommand(const engine::ContainerRecord& r, bool noTrunc) {
    std::string cmd = r.path;
    for (auto& a : r.args) cmd += " " + a;
    if (!noTrunc && cmd.size() > 20) cmd = cmd.substr(0, 19) + "…";
    return "\"" + cmd + "\"";
}

int runPs(Invocation& inv) {
    auto& eng = engineFor(inv.ctx);
    bool all = inv.flags.getBool("all");
    bool quiet = inv.flags.getBool("quiet");
    bool noTrunc = inv.flags.getBool("no-trunc");
    int64_t last = inv.flags.getInt("last");
    if (inv.flags.getBool("latest")) last = 1;
    if (last > 0) all = true;
    auto recs = eng.list();
    std::vector<json> rows;
    int64_t now = nowNs();
    for (auto it = recs.rbegin(); it != recs.rend(); ++it) {  // newest first
        auto& r = *it;
        auto st = eng.state(r);
        if (!all && !st.running && !st.restarting) continue;
        if (last > 0 && int64_t(rows.size()) >= last) break;
        std::string labels;
        if (r.config.contains("Labels") && r.config["Labels"].is_object())
            for (auto& [k, v] : r.config["Labels"].items())
                labels += (labels.empty() ? "" : ",") + k + "=" + v.get<std::string>();
        rows.push_back({
            {"ID", noTrunc ? r.id : r.id.substr(0, 12)},
            {"Image", r.imageRef},
            {"Command", quoteCommand(r, noTrunc)},
            {"CreatedAt", r.created},
            {"RunningFor", humanDuration(now - r.createdNs) + " ago"},
            {"Status", statusText(st)},
            {"State", st.status},
            {"Ports", ""},
            {"Names", r.name},
            {"Labels", labels},
            {"Mounts", ""},
            {"Networks", r.hostConfig.value("NetworkMode", "")},
            {"Size", ""},
        });
    }
    if (quiet) {
        for (auto& row : rows) inv.ctx.out() << row["ID"].get<std::string>() << "\n";
        return 0;
    }
    writeRows(inv.ctx.out(), inv.flags.getString("format"), kPsTable, rows);
    return 0;
}

}  // namespace

CommandPtr makePsCommand() {
    auto c = std::make_shared<Command>();
    c->name = "ls";
    c->aliases = {"ps", "list"};
    c->use = "[OPTIONS]";
    c->shortHelp = "List containers";
    c->args(ArgsRule::None);
    c->flags.addBool("all", 'a', "Show all containers (default shows just running)")
        .addBool("quiet", 'q', "Only display container IDs")
        .addBool("no-trunc", 0, "Don't truncate output")
        .addString("format", 0, "Format output using a custom template")
        .addInt("last", 'n', "Show n last created containers (includes all states)", -1)
        .addBool("latest", 'l', "Show the latest created container (includes all states)")
        .addBool("size", 's', "Display total file sizes")
        .addList("filter", 'f', "Filter output based on conditions provided", "filter");
    c->run = runPs;
    return c;
}

}  // namespace berth::cli
