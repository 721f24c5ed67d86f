// `berth ps` / `berth container ls`: docker's columns, -a -q -s -n -l --no-trunc --format and
// --filter (id name label status exited ancestor before since health volume network is-task
// publish expose).
#include <ftw.h>
#include <sys/stat.h>
#include <time.h>

#include <regex>
#include <set>

#include "cli/filters.hpp"
#include "cli/format/formatter.hpp"
#include "cli/format/units.hpp"
#include "cli/verbs.hpp"
#include "cli/verbs/container_util.hpp"
#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/strings.hpp"
#include "cli/verbs/image_util.hpp"
#include "store/image_store.hpp"

namespace berth::cli {

namespace {

using nlohmann::json;

const json kPsHeaders = {{"ID", "CONTAINER ID"}, {"Image", "IMAGE"},     {"Command", "COMMAND"},
                         {"CreatedAt", "CREATED AT"}, {"RunningFor", "CREATED"},
                         {"Status", "STATUS"},     {"Ports", "PORTS"},     {"Names", "NAMES"},
                         {"State", "STATE"},       {"Labels", "LABELS"},   {"Mounts", "MOUNTS"},
                         {"Networks", "NETWORKS"}, {"Size", "SIZE"},       {"LocalVolumes", "LOCAL VOLUMES"}};
const char* kPsTable =
    "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";

int64_t nowNs() {
    struct timespec ts {};
    clock_gettime(CLOCK_REALTIME, &ts);
    return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// The monitor's Health.Status ("starting" "healthy" "unhealthy"), "" without a healthcheck.
std::string healthStatus(engine::Engine& eng, const engine::ContainerRecord& r) {
    try {
        std::string p = eng.monitorDir(r.id) + "/health.json";
        if (!pathExists(p)) return "";
        return json::parse(readFile(p)).value("Status", "");
    } catch (const std::exception&) {
        return "";
    }
}

// docker's State.String(): "Up 5 seconds", "Up 2 minutes (healthy)", "Up 1 hour (Paused)",
// "Exited (0) 3 minutes ago", "Created", "Restarting (1) 2 seconds ago", "Dead".
std::string statusText(const engine::ContainerState& st, const std::string& health) {
    int64_t now = nowNs();
    if (st.running) {
        std::string s = "Up " + humanDuration(now - engine::parseRfc3339Nano(st.startedAt));
        if (st.paused) return s + " (Paused)";
        if (health == "starting") return s + " (health: starting)";
        if (!health.empty()) return s + " (" + health + ")";
        return s;
    }
    if (st.restarting)
        return "Restarting (" + std::to_string(st.exitCode) + ") " +
               humanDuration(now - engine::parseRfc3339Nano(st.finishedAt)) + " ago";
    if (st.status == "created") return "Created";
    if (st.status == "removing") return "Removal In Progress";
    if (st.status == "dead") return "Dead";
    int64_t fin = engine::parseRfc3339Nano(st.finishedAt);
    if (fin == 0) return "Exited (" + std::to_string(st.exitCode) + ")";
    return "Exited (" + std::to_string(st.exitCode) + ") " + humanDuration(now - fin) + " ago";
}

// Go's strconv.Quote for the printable ASCII and UTF-8 a command holds.
std::string goQuote(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        if (c == '\t') {
            out += "\\t";
            continue;
        }
        out += c;
    }
    return out + "\"";
}

std::string commandText(const engine::ContainerRecord& r, bool noTrunc) {
    std::string cmd = r.path;
    for (auto& a : r.args) cmd += " " + a;
    if (!noTrunc) cmd = ellipsis(cmd, 20);
    return goQuote(cmd);
}

// Size of a directory tree as moby's directory.Size: every non-directory once (hard links once).
int64_t treeSize(const std::string& dir) {
    static thread_local int64_t total;
    static thread_local std::set<std::pair<dev_t, ino_t>>* seen;
    std::set<std::pair<dev_t, ino_t>> inodes;
    total = 0;
    seen = &inodes;
    nftw(
        dir.c_str(),
        [](const char*, const struct stat* st, int type, struct FTW*) {
            if (type == FTW_F || type == FTW_SL || type == FTW_SLN) {
                if (st->st_nlink > 1 && !seen->insert({st->st_dev, st->st_ino}).second) return 0;
                total += st->st_size;
            }
            return 0;
        },
        32, FTW_PHYS);
    return total;
}

std::map<std::string, std::string> labelsOf(const engine::ContainerRecord& r) {
    std::map<std::string, std::string> m;
    if (r.config.contains("Labels") && r.config["Labels"].is_object())
        for (auto& [k, v] : r.config["Labels"].items())
            if (v.is_string()) m[k] = v.get<std::string>();
    return m;
}

// Names of the container's mounts: the volume name, else the source (docker's .Mounts).
std::vector<std::string> mountNames(const engine::ContainerRecord& r) {
    std::vector<std::string> out;
    if (r.mounts.is_array())
        for (auto& m : r.mounts) {
            std::string n = m.value("Name", "");
            out.push_back(n.empty() ? m.value("Source", "") : n);
        }
    return out;
}

std::string networkOf(const engine::ContainerRecord& r) {
    return r.hostConfig.value("NetworkMode", "");
}

bool regexMatch(const std::string& pattern, const std::string& s) {
    if (pattern == s) return true;
    try {
        return std::regex_search(s, std::regex(pattern));
    } catch (const std::regex_error&) {
        return false;
    }
}

std::string stripTag(const std::string& image) {
    auto slash = image.rfind('/');
    auto colon = image.rfind(':');
    if (colon != std::string::npos && (slash == std::string::npos || colon > slash))
        return image.substr(0, colon);
    return image;
}

struct PsFilter {
    Filters f;
    std::set<int> exited;
    int64_t beforeNs = -1, sinceNs = -1;
    std::string beforeId, sinceId;
    std::set<std::string> ancestorIds;  // image IDs the ancestor values resolve to
    bool isTask = false;

    void prepare(CliContext& ctx, engine::Engine& eng) {
        f.validate({"ancestor", "before", "exited", "health", "id", "isolation", "label", "name",
                    "status", "publish", "expose", "since", "volume", "network", "is-task"});
        static const std::set<std::string> states = {"created", "restarting", "running", "removing",
                                                     "paused",  "exited",     "dead"};
        for (auto& v : f.get("status"))
            if (!states.count(v)) throw Error("Invalid filter 'status=" + v + "'");
        static const std::set<std::string> healths = {"starting", "healthy", "unhealthy", "none"};
        for (auto& v : f.get("health"))
            if (!healths.count(v)) throw Error("Unrecognised filter value for health: " + v);
        for (auto& v : f.get("exited")) {
            try {
                size_t used = 0;
                int code = std::stoi(v, &used);
                if (used != v.size()) throw std::invalid_argument(v);
                exited.insert(code);
            } catch (const std::exception&) {
                throw Error("strconv.Atoi: parsing \"" + v + "\": invalid syntax");
            }
        }
        for (auto& v : f.get("is-task")) {
            if (v != "true" && v != "false") throw Error("Invalid filter 'is-task=[" + v + "]'");
            isTask = v == "true";
        }
        auto lookup = [&](const std::string& v) {
            try {
                return eng.containers().get(v);
            } catch (const std::exception&) {
                throw Error("no such container " + v);  // dockerd 20.10's words here
            }
        };
        for (auto& v : f.get("before")) {
            auto r = lookup(v);
            beforeNs = r.createdNs;
            beforeId = r.id;
        }
        for (auto& v : f.get("since")) {
            auto r = lookup(v);
            sinceNs = r.createdNs;
            sinceId = r.id;
        }
        for (auto& v : f.get("ancestor")) {
            try {
                ancestorIds.insert(ctx.images().resolve(v).str());
            } catch (const std::exception&) {
            }
        }
    }

    bool matches(engine::Engine& eng, const engine::ContainerRecord& r, const engine::ContainerState& st,
                 const std::string& health) const {
        auto any = [&](const std::string& key, auto pred) {
            auto vals = f.get(key);
            if (vals.empty()) return true;
            for (auto& v : vals)
                if (pred(v)) return true;
            return false;
        };
        if (isTask) return false;
        if (!any("id", [&](const std::string& v) { return regexMatch(v, r.id); })) return false;
        // moby matches the name with and without its leading "/": ^x$ and ^/x$ both find x.
        if (!any("name", [&](const std::string& v) {
                return regexMatch(v, "/" + r.name) || regexMatch(v, r.name);
            }))
            return false;
        auto labels = labelsOf(r);
        for (auto& term : f.get("label"))
            if (!labelsMatch(labels, term)) return false;
        if (!any("status", [&](const std::string& v) { return v == st.status; })) return false;
        if (!exited.empty()) {
            if (st.running || st.restarting || st.status == "created" || !exited.count(st.exitCode))
                return false;
        }
        if (!any("health", [&](const std::string& v) {
                return v == (health.empty() ? std::string("none") : health);
            }))
            return false;
        if (beforeNs >= 0 && (r.id == beforeId || r.createdNs >= beforeNs)) return false;
        if (sinceNs >= 0 && (r.id == sinceId || r.createdNs <= sinceNs)) return false;
        if (!any("ancestor", [&](const std::string& v) {
                std::string hex = r.imageId.substr(r.imageId.find(':') + 1);
                std::string vhex = v.rfind("sha256:", 0) == 0 ? v.substr(7) : v;
                return r.imageRef == v || stripTag(r.imageRef) == v || stripTag(r.imageRef) == stripTag(v) ||
                       (vhex.size() >= 4 && hex.rfind(vhex, 0) == 0) || ancestorIds.count(r.imageId);
            }))
            return false;
        if (!any("volume", [&](const std::string& v) {
                if (r.mounts.is_array())
                    for (auto& m : r.mounts)
                        if (m.value("Name", "") == v || m.value("Destination", "") == v ||
                            m.value("Source", "") == v)
                            return true;
                return false;
            }))
            return false;
        if (!any("network", [&](const std::string& v) { return networkOf(r) == v; })) return false;
        // No published or exposed ports yet: a publish/expose filter matches nothing.
        if (f.contains("publish") || f.contains("expose")) return false;
        (void)eng;
        return true;
    }
};

int runPs(Invocation& inv) {
    auto& eng = engineFor(inv.ctx);
    bool all = inv.flags.getBool("all");
    bool quiet = inv.flags.getBool("quiet");
    bool noTrunc = inv.flags.getBool("no-trunc");
    std::string format = inv.flags.getString("format");
    int64_t last = inv.flags.getInt("last");
    if (inv.flags.getBool("latest")) last = 1;
    if (last > 0) all = true;
    PsFilter filter;
    filter.f = Filters::parse(inv.flags.getList("filter"));
    try {
        filter.prepare(inv.ctx, eng);
    } catch (const Error& e) {
        throw StatusError(1, "Error response from daemon: " + plainMessage(e));
    }
    // docker: a status filter other than running, or exited, shows stopped containers too.
    for (auto& v : filter.f.get("status"))
        if (v != "running") all = true;
    if (filter.f.contains("exited")) all = true;
    bool size = inv.flags.getBool("size") || format.find(".Size") != std::string::npos;
    std::map<std::string, uint64_t> imageSizes;
    if (size && !quiet) {
        try {
            for (auto& img : inv.ctx.images().list()) imageSizes[img.id.str()] = img.size;
        } catch (const std::exception&) {
        }
    }

    auto recs = eng.list();
    std::sort(recs.begin(), recs.end(), [](const auto& a, const auto& b) { return a.createdNs > b.createdNs; });
    std::vector<json> rows;
    int64_t now = nowNs();
    for (auto& r : recs) {  // newest first
        if (last > 0 && int64_t(rows.size()) >= last) break;
        auto st = eng.state(r);
        if (!all && !st.running && !st.restarting) continue;
        std::string health = healthStatus(eng, r);
        if (!filter.matches(eng, r, st, health)) continue;
        std::string labels;
        auto lm = labelsOf(r);
        for (auto& [k, v] : lm) labels += (labels.empty() ? "" : ",") + k + "=" + v;
        std::string mounts;
        for (auto& m : mountNames(r)) mounts += (mounts.empty() ? "" : ",") + (noTrunc ? m : ellipsis(m, 15));
        std::string sizeText;
        if (size && !quiet) {
            int64_t rw = treeSize(eng.containers().dir(r.id) + "/upper");
            uint64_t image = imageSizes.count(r.imageId) ? imageSizes[r.imageId] : 0;
            sizeText = humanSize(double(rw), 3) + " (virtual " + humanSize(double(rw + int64_t(image)), 3) + ")";
        }
        rows.push_back({
            {"ID", noTrunc ? r.id : r.id.substr(0, 12)},
            {"Image", r.imageRef},
            {"Command", commandText(r, noTrunc)},
            {"CreatedAt", goTimeString(r.createdNs / 1'000'000'000)},
            {"RunningFor", humanDuration(now - r.createdNs) + " ago"},
            {"Status", statusText(st, health)},
            {"State", st.paused ? std::string("paused") : st.status},
            {"Ports", ""},
            {"Names", r.name},
            {"Labels", labels},
            {"Label", lm},
            {"Mounts", mounts},
            {"Networks", networkOf(r)},
            {"Size", sizeText},
            {"LocalVolumes", std::to_string(mountNames(r).size())},
        });
    }
    if (quiet) {
        for (auto& row : rows) inv.ctx.out() << row["ID"].get<std::string>() << "\n";
        return 0;
    }
    std::string table = kPsTable;
    if (inv.flags.getBool("size")) table += "\t{{.Size}}";
    writeRows(inv.ctx.out(), format, TableFormat{table, kPsHeaders, "*formatter.ContainerContext"}, rows);
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
