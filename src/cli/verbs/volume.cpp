// `berth volume create|ls|inspect|rm|prune` (docker's cli/command/volume/*.go and the daemon's
// texts), over the engine's local volumes (engine/volumes/).
#include <unistd.h>

#include <regex>

#include "cli/filters.hpp"
#include "cli/format/formatter.hpp"
#include "cli/format/units.hpp"
#include "cli/verbs.hpp"
#include "cli/verbs/container_util.hpp"
#include "cli/verbs/inspect_output.hpp"
#include "common/strings.hpp"
#include "engine/events/journal.hpp"
#include "engine/volumes/container_volumes.hpp"
#include "store/image_store.hpp"

namespace berth::cli {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

engine::VolumeStore& volumes(CliContext& ctx) { return engineFor(ctx).volumes(); }

std::map<std::string, std::string> keyValues(const std::vector<std::string>& items) {
    std::map<std::string, std::string> m;
    for (auto& i : items) {
        auto eq = i.find('=');
        m[i.substr(0, eq)] = eq == std::string::npos ? "" : i.substr(eq + 1);
    }
    return m;
}

std::string daemonError(const std::exception& e) {
    return "Error response from daemon: " + plainMessage(e);
}

int runCreate(Invocation& inv) {
    std::string name = inv.flags.getString("name");
    if (!inv.args.empty()) {
        if (!name.empty() && name != inv.args[0])
            throw StatusError(1, "conflicting options: cannot specify a volume-name through both --name and as a positional arg");
        name = inv.args[0];
    }
    engine::VolumeCreateOptions o;
    o.name = name;
    o.driver = inv.flags.getString("driver");
    o.labels = keyValues(inv.flags.getList("label"));
    o.options = keyValues(inv.flags.getList("opt"));
    try {
        auto v = volumes(inv.ctx).create(o);
        engine::events::record(inv.ctx.root, "volume", "create", v.name, {{"driver", v.driver}});
        inv.ctx.out() << v.name << "\n";
    } catch (const Error& e) {
        throw StatusError(1, daemonError(e));
    }
    return 0;
}

std::string labelsText(const std::map<std::string, std::string>& labels) {
    std::vector<std::string> parts;
    for (auto& [k, v] : labels) parts.push_back(k + "=" + v);
    return join(parts, ",");
}

bool nameMatches(const std::string& name, const std::string& term) {
    try {
        return std::regex_search(name, std::regex(term));
    } catch (const std::regex_error&) {
        return name.find(term) != std::string::npos;
    }
}

int runLs(Invocation& inv) {
    Filters filters = Filters::parse(inv.flags.getList("filter"));
    auto& eng = engineFor(inv.ctx);
    std::vector<engine::ContainerRecord> containers;
    try {
        filters.validate({"dangling", "name", "label", "label!", "driver"});
        if (filters.contains("dangling")) {
            filters.getBool("dangling");
            containers = eng.list();
        }
    } catch (const Error& e) {
        throw StatusError(1, daemonError(e));
    }
    std::vector<json> rows;
    for (auto& v : eng.volumes().list()) {
        if (filters.contains("dangling") &&
            engine::containersUsingVolume(containers, v.name).empty() != filters.getBool("dangling"))
            continue;
        bool keep = true;
        auto names = filters.get("name");
        if (!names.empty())
            keep = std::any_of(names.begin(), names.end(), [&](auto& t) { return nameMatches(v.name, t); });
        for (auto& d : filters.get("driver")) keep = keep && d == v.driver;
        for (auto& l : filters.get("label")) keep = keep && labelsMatch(v.labels, l);
        for (auto& l : filters.get("label!")) keep = keep && !labelsMatch(v.labels, l);
        if (!keep) continue;
        rows.push_back({{"Availability", "N/A"}, {"Driver", v.driver}, {"Group", "N/A"},
                        {"Labels", labelsText(v.labels)}, {"Links", "N/A"},
                        {"Mountpoint", v.mountpoint}, {"Name", v.name}, {"Scope", "local"},
                        {"Size", "N/A"}, {"Status", "N/A"}});
    }
    std::string format = inv.flags.getString("format");
    if (inv.flags.getBool("quiet")) format = "{{.Name}}";
    TableFormat table{"table {{.Driver}}\t{{.Name}}",
                      {{"Driver", "DRIVER"}, {"Name", "VOLUME NAME"}, {"Scope", "SCOPE"},
                       {"Mountpoint", "MOUNTPOINT"}, {"Labels", "LABELS"}, {"Links", "LINKS"},
                       {"Size", "SIZE"}, {"Group", "GROUP"}, {"Availability", "AVAILABILITY"},
                       {"Status", "STATUS"}},
                      "*formatter.volumeContext"};
    writeRows(inv.ctx.out(), format, table, rows);
    return 0;
}

int runInspectVerb(Invocation& inv) {
    std::vector<json> found;
    std::string errors;
    for (auto& name : inv.args) {
        try {
            found.push_back(volumes(inv.ctx).get(name).inspectJson());
        } catch (const Error& e) {
            errors += (errors.empty() ? "" : "\n") + daemonError(e);
        }
    }
    return printInspected(inv, found, [](const json& j) {
        ordered_json o = ordered_json::object();
        for (const char* k : {"CreatedAt", "Driver", "Labels", "Mountpoint", "Name", "Options", "Scope"})
            o[k] = ordered_json(j[k]);
        return o;
    }, errors);
}

int runRm(Invocation& inv) {
    bool force = inv.flags.getBool("force");
    std::string errors;
    for (auto& name : inv.args) {
        try {
            engine::removeVolume(engineFor(inv.ctx), name, force);
            inv.ctx.out() << name << "\n";
        } catch (const Error& e) {
            errors += (errors.empty() ? "" : "\n") + daemonError(e);
        }
    }
    if (!errors.empty()) throw StatusError(1, errors);
    return 0;
}

int runPrune(Invocation& inv) {
    Filters filters = Filters::parse(inv.flags.getList("filter"));
    bool all = inv.flags.getBool("all");
    try {
        filters.validate({"label", "label!", "all"});
        if (filters.contains("all")) all = all || filters.getBool("all");
    } catch (const Error& e) {
        throw StatusError(1, daemonError(e));
    }
    if (!inv.flags.getBool("force")) {
        std::string what = all ? "all local volumes" : "anonymous local volumes";
        if (!confirmPrompt(inv.ctx, "WARNING! This will remove " + what +
                                  " not used by at least one container.\nAre you sure you want to continue?"))
            return 0;
    }
    auto& eng = engineFor(inv.ctx);
    std::vector<std::string> deleted;
    uint64_t reclaimed = 0;
    {
        auto lock = eng.volumes().lock();  // no create takes a volume meanwhile
        auto containers = eng.list();
        for (auto& v : eng.volumes().list()) {
            if (!all && !v.anonymous()) continue;
            if (!engine::containersUsingVolume(containers, v.name).empty()) continue;
            bool keep = false;
            for (auto& l : filters.get("label")) keep = keep || !labelsMatch(v.labels, l);
            for (auto& l : filters.get("label!")) keep = keep || labelsMatch(v.labels, l);
            if (keep) continue;
            uint64_t size = eng.volumes().size(v);
            try {
                eng.volumes().remove(v.name);
            } catch (const Error& e) {
                inv.ctx.err() << "Error: removing volume " << v.name << ": " << plainMessage(e) << "\n";
                continue;
            }
            engine::events::record(inv.ctx.root, "volume", "destroy", v.name, {{"driver", v.driver}});
            deleted.push_back(v.name);
            reclaimed += size;
        }
    }
    if (!deleted.empty()) inv.ctx.out() << "Deleted Volumes:\n" << join(deleted, "\n") << "\n\n";
    inv.ctx.out() << "Total reclaimed space: " << humanSize(double(reclaimed)) << "\n";
    return 0;
}

CommandPtr verb(const char* name, const char* use, const char* help, std::function<int(Invocation&)> run) {
    auto c = std::make_shared<Command>();
    c->name = name;
    c->use = use;
    c->shortHelp = help;
    c->run = std::move(run);
    return c;
}

}  // namespace

int runVolumeInspect(Invocation& inv) { return runInspectVerb(inv); }

bool allVolumes(CliContext& ctx, const std::vector<std::string>& names) {
    for (auto& n : names)
        if (!volumes(ctx).find(n)) return false;
    return !names.empty();
}

bool anyImage(CliContext& ctx, const std::vector<std::string>& names) {
    for (auto& n : names) {
        try {
            ctx.images().inspect(n);
            return true;
        } catch (const std::exception&) {
        }
    }
    return false;
}

CommandPtr makeVolumeCommand() {
    auto create = verb("create", "[OPTIONS] [VOLUME]", "Create a volume", runCreate);
    create->args(ArgsRule::AtMost, 0, 1);
    create->flags.addString("driver", 'd', "Specify volume driver name", "local")
        .addList("label", 0, "Set metadata for a volume")
        .addString("name", 0, "Specify volume name")
        .addList("opt", 'o', "Set driver specific options", "map");

    auto ls = verb("ls", "[OPTIONS]", "List volumes", runLs);
    ls->aliases = {"list"};
    ls->args(ArgsRule::None);
    ls->flags.addList("filter", 'f', "Provide filter values (e.g. \"dangling=true\")", "filter")
        .addString("format", 0, "Format output using a custom template")
        .addBool("quiet", 'q', "Only display volume names");

    auto inspect = verb("inspect", "[OPTIONS] VOLUME [VOLUME...]",
                        "Display detailed information on one or more volumes", runInspectVerb);
    inspect->args(ArgsRule::AtLeast, 1);
    inspect->flags.addString("format", 'f', "Format output using a custom template");

    auto rm = verb("rm", "[OPTIONS] VOLUME [VOLUME...]", "Remove one or more volumes", runRm);
    rm->aliases = {"remove"};
    rm->args(ArgsRule::AtLeast, 1);
    rm->flags.addBool("force", 'f', "Force the removal of one or more volumes");

    auto prune = verb("prune", "[OPTIONS]", "Remove unused local volumes", runPrune);
    prune->args(ArgsRule::None);
    prune->flags.addBool("all", 'a', "Remove all unused volumes, not just anonymous ones")
        .addList("filter", 0, "Provide filter values (e.g. \"label=<label>\")", "filter")
        .addBool("force", 'f', "Do not prompt for confirmation");

    auto c = std::make_shared<Command>();
    c->name = "volume";
    c->shortHelp = "Manage volumes";
    c->group = "management";
    c->add(create).add(inspect).add(ls).add(prune).add(rm);
    return c;
}

}  // namespace berth::cli
