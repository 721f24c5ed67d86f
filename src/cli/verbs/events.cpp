// `berth events` / `berth system events`: the journal (src/engine/events) as docker prints it:
//   2026-11-29T05:00:00.123456789Z container start <id> (image=busybox, name=x)
// --since/--until (durations, RFC 3339, unix times), --filter, --format ({{json .}}, json, a
// template). Without --until it follows new events until interrupted (polls the journal every
// 100 ms, importing the monitors' die/health_status/exec_die lines on each round).
#include <algorithm>
#include <chrono>
#include <thread>

#include "cli/filters.hpp"
#include "cli/format/formatter.hpp"
#include "cli/verbs.hpp"
#include "cli/verbs/container_util.hpp"
#include "engine/events/journal.hpp"
#include "engine/events/monitor_import.hpp"
#include "engine/events/time_arg.hpp"

namespace berth::cli {

namespace {

namespace ev = engine::events;

// Go's field order of events.Message (json.Marshal keeps struct order).
std::string eventJsonLine(const ev::Event& e) {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    if (e.type == "container" || e.type == "image") {
        j["status"] = e.action;
        j["id"] = e.actorId;
        if (e.type == "container" && e.attributes.count("image")) j["from"] = e.attributes.at("image");
    }
    j["Type"] = e.type;
    j["Action"] = e.action;
    nlohmann::ordered_json attrs = nlohmann::ordered_json::object();
    for (auto& [k, v] : e.attributes) attrs[k] = v;  // std::map: sorted, as Go marshals maps
    j["Actor"] = {{"ID", e.actorId}, {"Attributes", attrs}};
    j["scope"] = e.scope;
    j["time"] = e.timeNano / 1'000'000'000;
    j["timeNano"] = e.timeNano;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string prettyLine(const ev::Event& e) {
    std::string s = ev::rfc3339NanoFixedLocal(e.timeNano) + " " + e.type + " " + e.action + " " + e.actorId;
    if (!e.attributes.empty()) {
        s += " (";
        bool first = true;
        for (auto& [k, v] : e.attributes) {
            s += (first ? "" : ", ") + k + "=" + v;
            first = false;
        }
        s += ")";
    }
    return s;
}

std::string render(const ev::Event& e, const std::string& format) {
    if (format.empty()) return prettyLine(e);
    if (format == "json" || format == "{{json .}}") return eventJsonLine(e);
    return formatObject(format, e.toJson());
}

int64_t timeFlag(const Invocation& inv, const std::string& name, int64_t now) {
    std::string v = inv.flags.getString(name);
    if (v.empty()) return 0;
    try {
        return ev::parseTimeArg(v, now);
    } catch (const Error& e) {
        throw StatusError(1, plainMessage(e));  // docker 28 prints the parser's text alone
    }
}

int runEvents(Invocation& inv) {
    auto& eng = engineFor(inv.ctx);
    Filters filters = Filters::parse(inv.flags.getList("filter"));
    try {
        filters.validate(ev::EventFilter::validKeys());
    } catch (const Error& e) {
        throw StatusError(1, "Error response from daemon: " + plainMessage(e));
    }
    ev::EventQuery q;
    for (const auto& key : ev::EventFilter::validKeys())
        for (const auto& v : filters.get(key)) q.filter.add(key, v);
    int64_t now = ev::nowNanos();
    q.sinceNano = timeFlag(inv, "since", now);
    q.untilNano = timeFlag(inv, "until", now);
    std::string format = unescapeFormat(inv.flags.getString("format"));
    bool history = inv.flags.changed("since") || inv.flags.changed("until");
    bool follow = !inv.flags.changed("until") || q.untilNano > now;

    auto& journal = ev::journalFor(eng.config().root);
    ev::MonitorEventImporter importer(eng);
    importer.importAll();
    int64_t cursor = journal.lastSeq();
    auto& out = inv.ctx.out();
    if (history) {
        for (const auto& e : journal.query(q))
            if (e.seq <= cursor) out << render(e, format) << "\n";
        out.flush();
    }
    while (follow) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        importer.importAll();
        ev::EventQuery next = q;
        next.afterSeq = cursor;
        next.sinceNano = 0;  // a follower prints what arrives, as dockerd's subscription does
        next.filter = {};    // filtered here, so rows filtered out still move the cursor
        auto batch = journal.query(next);
        // In time order within what arrived together (a monitor's lines, imported at a poll,
        // carry the monitor's times).
        std::stable_sort(batch.begin(), batch.end(),
                         [](const ev::Event& a, const ev::Event& b) { return a.timeNano < b.timeNano; });
        for (const auto& e : batch) {
            cursor = std::max(cursor, e.seq);
            if (e.timeNano >= q.sinceNano && q.filter.matches(e)) out << render(e, format) << "\n";
        }
        out.flush();
        if (q.untilNano > 0 && ev::nowNanos() > q.untilNano) break;
    }
    return 0;
}

}  // namespace

CommandPtr makeEventsCommand() {
    auto c = std::make_shared<Command>();
    c->name = "events";
    c->use = "[OPTIONS]";
    c->shortHelp = "Get real time events from the server";
    c->args(ArgsRule::None);
    c->flags.addList("filter", 'f', "Filter output based on conditions provided", "filter")
        .addString("format", 0, "Format output using a custom template")
        .addString("since", 0, "Show all events created since timestamp")
        .addString("until", 0, "Stream events until this timestamp");
    c->run = runEvents;
    return c;
}

}  // namespace berth::cli
