// `berth logs` (json-file written by berth-monitor) and `berth container inspect`.
#include <unistd.h>

#include <fstream>

#include "cli/format/formatter.hpp"
#include "cli/verbs.hpp"
#include "cli/verbs/container_util.hpp"

namespace berth::cli {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

const std::vector<std::string> kContainerOrder = {
    "Id", "Created", "Path", "Args", "State", "Image", "ResolvConfPath", "HostnamePath",
    "HostsPath", "LogPath", "Name", "RestartCount", "Driver", "Platform", "MountLabel",
    "ProcessLabel", "AppArmorProfile", "ExecIDs", "HostConfig", "GraphDriver", "Mounts", "Config",
    "NetworkSettings"};
const std::vector<std::string> kStateOrder = {"Status", "Running", "Paused", "Restarting",
                                              "OOMKilled", "Dead", "Pid", "ExitCode", "Error",
                                              "StartedAt", "FinishedAt"};
const std::vector<std::string> kConfigOrder = {
    "Hostname", "Domainname", "User", "AttachStdin", "AttachStdout", "AttachStderr", "Tty",
    "OpenStdin", "StdinOnce", "Env", "Cmd", "Image", "Volumes", "WorkingDir", "Entrypoint",
    "OnBuild", "Labels", "StopSignal", "StopTimeout"};

ordered_json ordered(const json& v, const std::vector<std::string>& order) {
    if (!v.is_object()) return ordered_json(v);
    ordered_json out = ordered_json::object();
    for (const auto& k : order)
        if (v.contains(k)) out[k] = ordered_json(v[k]);
    for (auto it = v.begin(); it != v.end(); ++it)
        if (!out.contains(it.key())) out[it.key()] = ordered_json(it.value());
    return out;
}

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

}  // namespace

CommandPtr makeLogsCommand() {
    auto c = std::make_shared<Command>();
    c->name = "logs";
    c->use = "[OPTIONS] CONTAINER";
    c->shortHelp = "Fetch the logs of a container";
    c->args(ArgsRule::Exact, 1);
    c->flags.addBool("timestamps", 't', "Show timestamps")
        .addString("tail", 'n', "Number of lines to show from the end of the logs", "all");
    c->run = [](Invocation& inv) {
        auto& eng = engineFor(inv.ctx);
        auto rec = eng.containers().get(inv.args[0]);
        bool ts = inv.flags.getBool("timestamps");
        std::string tail = inv.flags.getString("tail");
        std::ifstream in(eng.logPath(rec));
        std::vector<json> entries;
        std::string line;
        while (std::getline(in, line)) {
            try {
                entries.push_back(json::parse(line));
            } catch (...) {
            }
        }
        size_t start = 0;
        if (tail != "all" && !tail.empty()) {
            long n = std::atol(tail.c_str());
            if (n >= 0 && size_t(n) < entries.size()) start = entries.size() - size_t(n);
        }
        inv.ctx.out().flush();
        for (size_t i = start; i < entries.size(); ++i) {
            auto& e = entries[i];
            std::string text = e.value("log", "");
            if (ts) text = e.value("time", "") + " " + text;
            writeAll(e.value("stream", "stdout") == "stderr" ? STDERR_FILENO : STDOUT_FILENO, text);
        }
        return 0;
    };
    return c;
}

int runContainerInspect(Invocation& inv) {
    auto& eng = engineFor(inv.ctx);
    std::string format = inv.flags.getString("format");
    std::vector<json> found;
    std::string errors;
    for (auto& a : inv.args) {
        try {
            found.push_back(eng.inspect(a));
        } catch (const Error& e) {
            errors += (errors.empty() ? "" : "\n") + std::string("Error: ") + plainMessage(e);
        }
    }
    if (format.empty()) {
        ordered_json arr = ordered_json::array();
        for (auto& j : found) {
            ordered_json o = ordered(j, kContainerOrder);
            o["State"] = ordered(j["State"], kStateOrder);
            o["Config"] = ordered(j["Config"], kConfigOrder);
            arr.push_back(o);
        }
        inv.ctx.out() << arr.dump(4, ' ', false, json::error_handler_t::replace) << "\n";
    } else {
        for (auto& j : found) inv.ctx.out() << formatObject(format, j) << "\n";
    }
    if (!errors.empty()) throw StatusError(1, errors);
    return 0;
}

CommandPtr makeContainerInspectCommand() {
    auto c = std::make_shared<Command>();
    c->name = "inspect";
    c->use = "[OPTIONS] CONTAINER [CONTAINER...]";
    c->shortHelp = "Display detailed information on one or more containers";
    c->args(ArgsRule::AtLeast, 1);
    c->flags.addString("format", 'f', "Format output using a custom template")
        .addBool("size", 's', "Display total file sizes");
    c->run = runContainerInspect;
    return c;
}

CommandPtr makeContainerCommand() {
    auto g = std::make_shared<Command>();
    g->name = "container";
    g->use = "COMMAND";
    g->shortHelp = "Manage containers";
    g->group = "management";
    g->add(makeRunCommand())
        .add(makeCreateCommand())
        .add(makeStartCommand())
        .add(makeStopCommand())
        .add(makeKillCommand())
        .add(makeRmCommand())
        .add(makeWaitCommand())
        .add(makeLogsCommand())
        .add(makePsCommand())
        .add(makeContainerInspectCommand())
        .add(makeRestartCommand())
        .add(makePauseCommand())
        .add(makeUnpauseCommand())
        .add(makeTopCommand())
        .add(makeStatsCommand())
        .add(makeUpdateCommand())
        .add(makeRenameCommand())
        .add(makePortCommand())
        .add(makeContainerPruneCommand());
    return g;
}

}  // namespace berth::cli
