// `berth container inspect` (`berth logs` is in logs.cpp).
#include <fstream>

#include "cli/format/formatter.hpp"
#include "cli/verbs.hpp"
#include "cli/verbs/container_util.hpp"
#include "cli/verbs/inspect_output.hpp"

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

}  // namespace

int runContainerInspect(Invocation& inv) {
    auto& eng = engineFor(inv.ctx);
    std::vector<json> found;
    std::string errors;
    for (auto& a : inv.args) {
        try {
            found.push_back(eng.inspect(a));
        } catch (const engine::NoSuchContainer& e) {
            errors += (errors.empty() ? "" : "\n") + std::string("Error: ") + plainMessage(e);
        } catch (const Error& e) {
            // An ambiguous ID prefix, as docker's daemon says it.
            errors += (errors.empty() ? "" : "\n") + std::string("Error response from daemon: ") +
                      plainMessage(e);
        }
    }
    return printInspected(inv, found, [](const json& j) {
        ordered_json o = ordered(j, kContainerOrder);
        o["State"] = ordered(j["State"], kStateOrder);
        o["Config"] = ordered(j["Config"], kConfigOrder);
        return o;
    }, errors);
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
        .add(makeContainerPruneCommand())
        .add(makeCpCommand())
        .add(makeDiffCommand())
        .add(makeExportCommand())
        .add(makeCommitCommand())
        .add(makeExecCommand())
        .add(makeAttachCommand());
    return g;
}

}  // namespace berth::cli
