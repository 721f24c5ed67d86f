#include "engine/monitor/options.hpp"

#include <signal.h>
#include <string.h>

#include <cctype>
#include <cstdlib>

#include "common/error.hpp"

namespace berth::monitor {
namespace {

bool parseInt64(const std::string& text, int64_t& out) {
    if (text.empty()) return false;
    char* end = nullptr;
    errno = 0;
    long long v = strtoll(text.c_str(), &end, 10);
    if (errno != 0 || *end != '\0') return false;
    out = v;
    return true;
}

int parsePositiveInt(const std::string& flag, const std::string& text, int min) {
    int64_t v;
    if (!parseInt64(text, v) || v < min || v > 1'000'000'000)
        throw Error("invalid value \"" + text + "\" for " + flag);
    return static_cast<int>(v);
}

std::string formatDuration(int64_t ns) {
    return std::to_string(ns) + "ns";
}


}  // namespace

RestartPolicy RestartPolicy::parse(const std::string& text) {
    RestartPolicy p;
    if (text.empty() || text == "no") return p;
    if (text == "always") {
        p.kind = Kind::Always;
        return p;
    }
    if (text == "unless-stopped") {
        p.kind = Kind::UnlessStopped;
        return p;
    }
    if (text.rfind("on-failure", 0) == 0) {
        p.kind = Kind::OnFailure;
        if (text.size() == 10) return p;
        int64_t n;
        if (text[10] == ':' && parseInt64(text.substr(11), n) && n >= 0 && n < 1'000'000) {
            p.maxRetries = static_cast<int>(n);
            return p;
        }
        throw Error("invalid restart policy \"" + text +
                    "\": maximum retry count must be a "
                    "non-negative integer");
    }
    throw Error("invalid restart policy \"" + text +
                "\": expected no, on-failure[:max-retries], always or unless-stopped");
}

std::string RestartPolicy::toString() const {
    switch (kind) {
        case Kind::No:
            return "no";
        case Kind::Always:
            return "always";
        case Kind::UnlessStopped:
            return "unless-stopped";
        case Kind::OnFailure:
            return maxRetries ? "on-failure:" + std::to_string(maxRetries) : "on-failure";
    }
    return "no";
}

int64_t parseDuration(const std::string& text) {
    if (text.empty()) throw Error("invalid duration \"\"");
    if (text == "0") return 0;
    int64_t total = 0;
    size_t i = 0;
    while (i < text.size()) {
        size_t start = i;
        while (i < text.size() && (isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.'))
            ++i;
        if (i == start) throw Error("invalid duration \"" + text + "\"");
        double value = strtod(text.substr(start, i - start).c_str(), nullptr);
        size_t unitStart = i;
        while (i < text.size() && isalpha(static_cast<unsigned char>(text[i]))) ++i;
        std::string unit = text.substr(unitStart, i - unitStart);
        double mult;
        if (unit == "ns")
            mult = 1;
        else if (unit == "us" || unit == "µs")
            mult = 1e3;
        else if (unit == "ms")
            mult = 1e6;
        else if (unit == "s")
            mult = 1e9;
        else if (unit == "m")
            mult = 60e9;
        else if (unit == "h")
            mult = 3600e9;
        else
            throw Error("invalid duration \"" + text + "\": unknown unit \"" + unit + "\"");
        total += static_cast<int64_t>(value * mult);
    }
    return total;
}

int64_t parseByteSize(const std::string& text) {
    if (text.empty()) throw Error("invalid size \"\"");
    std::string digits = text;
    int64_t mult = 1;
    char last = static_cast<char>(tolower(static_cast<unsigned char>(text.back())));
    if (last == 'b' && text.size() > 1) {  // "10mb", "10b"
        digits.pop_back();
        last = static_cast<char>(tolower(static_cast<unsigned char>(digits.back())));
    }
    if (last == 'k' || last == 'm' || last == 'g') {
        mult = last == 'k' ? 1024 : last == 'm' ? 1024 * 1024 : 1024LL * 1024 * 1024;
        digits.pop_back();
    }
    int64_t v;
    if (!parseInt64(digits, v) || v <= 0) throw Error("invalid size \"" + text + "\"");
    return v * mult;
}


// "ROWSxCOLS", both positive.
static void parseTtySize(const std::string& text, int& rows, int& cols) {
    auto x = text.find('x');
    int64_t r = 0, c = 0;
    if (x == std::string::npos || !parseInt64(text.substr(0, x), r) ||
        !parseInt64(text.substr(x + 1), c) || r <= 0 || c <= 0 || r > 65535 || c > 65535)
        throw Error("--tty-size: expected ROWSxCOLS, got \"" + text + "\"");
    rows = static_cast<int>(r);
    cols = static_cast<int>(c);
}

MonitorOptions MonitorOptions::parse(const std::vector<std::string>& args) {
    MonitorOptions o;
    std::string exitPath;
    std::vector<std::string> exitArgs;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& flag = args[i];
        auto value = [&]() -> const std::string& {
            if (i + 1 >= args.size()) throw Error("flag " + flag + " needs a value");
            return args[++i];
        };
        if (flag == "--id")
            o.id = value();
        else if (flag == "--bundle")
            o.bundle = value();
        else if (flag == "--runtime")
            o.runtime = value();
        else if (flag == "--runtime-root")
            o.runtimeRoot = value();
        else if (flag == "--runtime-arg")
            o.runtimeArgs.push_back(value());
        else if (flag == "--runtime-timeout")
            o.runtimeTimeoutNs = withContext(flag, [&] { return parseDuration(value()); });
        else if (flag == "--state-dir")
            o.stateDir = value();
        else if (flag == "--log-path")
            o.logPath = value();
        else if (flag == "--oom-file")
            o.oomFile = value();
        else if (flag == "--log-max-size")
            o.logMaxSize = withContext("--log-max-size", [&] { return parseByteSize(value()); });
        else if (flag == "--log-max-file")
            o.logMaxFiles = parsePositiveInt(flag, value(), 1);
        else if (flag == "--terminal")
            o.terminal = true;
        else if (flag == "--stdin")
            o.openStdin = true;
        else if (flag == "--no-start")
            o.noStart = true;
        else if (flag == "--restart")
            o.restart = RestartPolicy::parse(value());
        else if (flag == "--stop-signal")
            o.stopSignal = withContext(flag, [&] { return parseSignal(value()); });
        else if (flag == "--health-cmd")
            o.health.command.push_back(value());
        else if (flag == "--health-shell")
            o.health.command = {"/bin/sh", "-c", value()};
        else if (flag == "--health-interval")
            o.health.intervalNs = withContext(flag, [&] { return parseDuration(value()); });
        else if (flag == "--health-timeout")
            o.health.timeoutNs = withContext(flag, [&] { return parseDuration(value()); });
        else if (flag == "--health-start-period")
            o.health.startPeriodNs = withContext(flag, [&] { return parseDuration(value()); });
        else if (flag == "--health-retries")
            o.health.retries = parsePositiveInt(flag, value(), 1);
        else if (flag == "--exit-command") exitPath = value();
        else if (flag == "--exit-command-arg") exitArgs.push_back(value());
        else if (flag == "--sync-fd")
            o.syncFd = parsePositiveInt(flag, value(), 0);
        else if (flag == "--attach-fd")
            o.attachFd = parsePositiveInt(flag, value(), 0);
        else if (flag == "--attach-stdin")
            o.attachStdin = true;
        else if (flag == "--attach-stdin-once")
            o.attachStdinOnce = true;
        else if (flag == "--attach-takes-exit")
            o.attachTakesExit = true;
        else if (flag == "--tty-size")
            parseTtySize(value(), o.ttyRows, o.ttyCols);
        else if (flag == "--foreground")
            o.foreground = true;
        else if (flag == "--unmount-rootfs")
            o.unmountRootfs = true;
        else if (flag == "--hold-volume")
            o.heldVolumes.push_back(value());
        else
            throw Error("unknown flag \"" + flag + "\"");
    }
    const char* missing = o.id.empty()         ? "--id"
                          : o.bundle.empty()   ? "--bundle"
                          : o.runtime.empty()  ? "--runtime"
                          : o.stateDir.empty() ? "--state-dir"
                          : o.logPath.empty()  ? "--log-path"
                                               : nullptr;
    if (missing) throw Error(std::string("missing required flag ") + missing);
    if (o.runtimeTimeoutNs <= 0) throw Error("--runtime-timeout must be positive");
    if (exitPath.empty() && !exitArgs.empty())
        throw Error("--exit-command-arg given without --exit-command");
    if (!exitPath.empty()) {
        o.exitCommand = {exitPath};
        o.exitCommand.insert(o.exitCommand.end(), exitArgs.begin(), exitArgs.end());
    }
    if (o.attachFd < 0 && (o.attachStdin || o.attachStdinOnce || o.attachTakesExit))
        throw Error("--attach-stdin given without --attach-fd");
    if (o.attachFd >= 0 && o.noStart) throw Error("--attach-fd and --no-start exclude each other");
    if (o.health.intervalNs <= 0 || o.health.timeoutNs <= 0)
        throw Error("--health-interval and --health-timeout must be positive");
    return o;
}

std::vector<std::string> MonitorOptions::toArgs() const {
    std::vector<std::string> a{"--id",        id,       "--bundle",   bundle, "--runtime", runtime,
                               "--state-dir", stateDir, "--log-path", logPath};
    if (!runtimeRoot.empty()) a.insert(a.end(), {"--runtime-root", runtimeRoot});
    if (!oomFile.empty()) a.insert(a.end(), {"--oom-file", oomFile});
    for (const auto& r : runtimeArgs) a.insert(a.end(), {"--runtime-arg", r});
    if (runtimeTimeoutNs != 120'000'000'000)
        a.insert(a.end(), {"--runtime-timeout", formatDuration(runtimeTimeoutNs)});
    if (logMaxSize > 0) a.insert(a.end(), {"--log-max-size", std::to_string(logMaxSize)});
    if (logMaxFiles != 1) a.insert(a.end(), {"--log-max-file", std::to_string(logMaxFiles)});
    if (terminal) a.push_back("--terminal");
    if (openStdin) a.push_back("--stdin");
    if (noStart) a.push_back("--no-start");
    if (restart.kind != RestartPolicy::Kind::No)
        a.insert(a.end(), {"--restart", restart.toString()});
    if (stopSignal != SIGTERM) a.insert(a.end(), {"--stop-signal", std::to_string(stopSignal)});
    if (!health.command.empty()) {
        for (const auto& c : health.command) a.insert(a.end(), {"--health-cmd", c});
        a.insert(a.end(), {"--health-interval", formatDuration(health.intervalNs),
                           "--health-timeout", formatDuration(health.timeoutNs),
                           "--health-start-period", formatDuration(health.startPeriodNs),
                           "--health-retries", std::to_string(health.retries)});
    }
    if (!exitCommand.empty()) {
        a.insert(a.end(), {"--exit-command", exitCommand[0]});
        for (size_t i = 1; i < exitCommand.size(); ++i)
            a.insert(a.end(), {"--exit-command-arg", exitCommand[i]});
    }
    if (syncFd >= 0) a.insert(a.end(), {"--sync-fd", std::to_string(syncFd)});
    if (attachFd >= 0) a.insert(a.end(), {"--attach-fd", std::to_string(attachFd)});
    if (attachStdin) a.push_back("--attach-stdin");
    if (attachStdinOnce) a.push_back("--attach-stdin-once");
    if (attachTakesExit) a.push_back("--attach-takes-exit");
    if (ttyRows > 0 && ttyCols > 0)
        a.insert(a.end(), {"--tty-size", std::to_string(ttyRows) + "x" + std::to_string(ttyCols)});
    if (foreground) a.push_back("--foreground");
    if (unmountRootfs) a.push_back("--unmount-rootfs");
    for (const auto& v : heldVolumes) a.insert(a.end(), {"--hold-volume", v});
    return a;
}

}  // namespace berth::monitor
