// `berth logs` / `berth container logs`: the json-file logs berth-monitor writes (rotated files
// included) with docker's -f -n/--tail --since --until -t --details. -f follows until the
// container exits (or --until passes), across rotations.
#include <unistd.h>

#include <chrono>
#include <thread>

#include "cli/verbs.hpp"
#include "cli/verbs/container_util.hpp"
#include "engine/events/time_arg.hpp"
#include "engine/logs/log_reader.hpp"
#include "engine/monitor/json_log.hpp"

namespace berth::cli {

namespace {

namespace lg = engine::logs;

void writeAll(int fd, const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
        ssize_t n = ::write(fd, s.data() + off, s.size() - off);
        if (n < 0) {
            if (errno == EINTR) continue;
            return;
        }
        off += size_t(n);
    }
}

int64_t timeFlag(const Invocation& inv, const std::string& name, int64_t now) {
    std::string v = inv.flags.getString(name);
    if (v.empty()) return 0;
    try {
        return engine::events::parseTimeArg(v, now);
    } catch (const Error& e) {
        throw StatusError(1, "invalid value for \"" + name + "\": " + plainMessage(e));
    }
}

struct Printer {
    bool timestamps = false;
    bool details = false;
    void operator()(const lg::LogEntry& e) const {
        std::string text;
        // moby daemon/logs.go: the time (RFC3339NanoFixed, UTC as stored), then the attributes
        // of --log-opt labels/env ("" here: a lone space), then the line.
        if (timestamps) text = monitor::rfc3339Nano(e.timeNs) + " ";
        if (details) text += " ";
        text += e.line;
        writeAll(e.stderr ? STDERR_FILENO : STDOUT_FILENO, text);
    }
};

int runLogs(Invocation& inv) {
    auto& eng = engineFor(inv.ctx);
    auto rec = eng.containers().get(inv.args[0]);
    int64_t now = engine::events::nowNanos();
    lg::LogReadOptions opts;
    opts.sinceNs = timeFlag(inv, "since", now);
    opts.untilNs = timeFlag(inv, "until", now);
    std::string tail = inv.flags.getString("tail");
    try {
        size_t used = 0;
        long long n = std::stoll(tail, &used);
        if (used == tail.size() && n >= 0) opts.tail = n;  // docker: anything else means all
    } catch (const std::exception&) {
    }
    Printer print{inv.flags.getBool("timestamps"), inv.flags.getBool("details")};
    bool follow = inv.flags.getBool("follow");
    auto alive = [&] {
        auto st = eng.state(rec);
        return st.running || st.restarting || st.paused;
    };
    follow = follow && alive();
    inv.ctx.out().flush();
    lg::LogFollower follower;
    for (const auto& e : lg::readLogs(eng.logPath(rec), opts, follow ? &follower : nullptr)) print(e);
    while (follow) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        bool running = alive();  // before the read: what it wrote until its exit is in the file
        for (const auto& e : follower.poll()) {
            if (opts.untilNs > 0 && e.timeNs > opts.untilNs) return 0;
            if (e.timeNs >= opts.sinceNs) print(e);
        }
        if (!running) break;
        if (opts.untilNs > 0 && engine::events::nowNanos() > opts.untilNs) break;
    }
    return 0;
}

}  // namespace

CommandPtr makeLogsCommand() {
    auto c = std::make_shared<Command>();
    c->name = "logs";
    c->use = "[OPTIONS] CONTAINER";
    c->shortHelp = "Fetch the logs of a container";
    c->args(ArgsRule::Exact, 1);
    c->flags.addBool("details", 0, "Show extra details provided to logs")
        .addBool("follow", 'f', "Follow log output")
        .addString("since", 0,
                   "Show logs since timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" "
                   "for 42 minutes)")
        .addString("tail", 'n', "Number of lines to show from the end of the logs", "all")
        .addBool("timestamps", 't', "Show timestamps")
        .addString("until", 0,
                   "Show logs before a timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. "
                   "\"42m\" for 42 minutes)");
    c->run = runLogs;
    return c;
}

}  // namespace berth::cli
