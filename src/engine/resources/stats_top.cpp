// Engine::stats and Engine::top: the container's cgroup read directly (any runtime; see
// cgroup_access.hpp), ps run on the host as dockerd runs it (moby daemon/top_unix.go).
#include <algorithm>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/strings.hpp"
#include "engine/engine.hpp"
#include "engine/resources/cgroup_access.hpp"
#include "engine/resources/runtime_command.hpp"

namespace berth::engine {

std::string Engine::cgroupsPath(const ContainerRecord& rec) const {
    try {
        auto cfg = nlohmann::json::parse(readFile(store_.dir(rec.id) + "/config.json"));
        std::string p = cfg.at("linux").value("cgroupsPath", "");
        if (!p.empty()) return p;
    } catch (const std::exception&) {
    }
    return "/berth/" + rec.id;
}

ContainerStats Engine::stats(const ContainerRecord& rec) const {
    auto st = state(rec);
    if (!st.running) return {};
    ContainerStats s;
    try {
        s = containerStatsFrom(openCgroupAt(cgroupsPath(rec))->stats(), hostMemoryBytes());
    } catch (const Error&) {
        return {};  // exited meanwhile: its cgroup is gone
    }
    s.systemCpuNs = parseSystemCpuNs(readFile("/proc/stat"), &s.onlineCpus);
    return s;
}

namespace {

// Whitespace-separated fields (moby's fieldsASCII).
std::vector<std::string> fieldsOf(const std::string& line) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : line) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
            if (!cur.empty()) out.push_back(std::move(cur));
            cur.clear();
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

// moby validatePSArgs: `ps -o x=PID` would fake the PID column.
void validatePsArgs(const std::string& joined) {
    auto fields = fieldsOf(joined);
    for (size_t i = 0; i < fields.size(); ++i) {
        auto eq = fields[i].find('=');
        if (eq == std::string::npos || i == 0) continue;
        std::string k = fields[i].substr(0, eq), v = fields[i].substr(eq + 1);
        if (v.empty() && i + 1 < fields.size()) v = fields[i + 1];
        if (v.rfind("PID", 0) == 0 && k != "pid")
            throw Error("specifying \"" + k + "=" + v + "\" is not allowed");
    }
}

}  // namespace

ProcessList Engine::top(const std::string& idOrName, const std::vector<std::string>& psArgsIn) const {
    ContainerRecord rec = store_.get(idOrName);
    std::string joined = join(psArgsIn, " ");
    if (joined.empty()) joined = "-ef";
    validatePsArgs(" " + joined);
    auto st = state(rec);
    if (!st.running) throw Error("Container " + rec.id + " is not running");
    std::vector<pid_t> pids;
    try {
        pids = openCgroupAt(cgroupsPath(rec))->pids();
    } catch (const Error&) {
    }
    if (pids.empty() && st.pid > 0) pids = {st.pid};
    std::vector<std::string> argv{"ps"};
    for (auto& a : split(joined, ' ')) argv.push_back(a);
    std::string q = "-q";
    for (size_t i = 0; i < pids.size(); ++i) q += (i ? "," : "") + std::to_string(pids[i]);
    argv.push_back(q);
    auto r = runRuntimeCommand(argv);
    if (r.status != 0) {
        argv.pop_back();  // some ps options (f) refuse -q: all processes, filtered below
        r = runRuntimeCommand(argv);
        if (r.status != 0) {
            std::string first = r.err.substr(0, r.err.find('\n'));
            throw Error(first.empty() ? "ps: " + runtimeFailureText(r) : first);
        }
    }
    ProcessList list;
    auto lines = split(r.out, '\n');
    if (lines.empty()) throw Error("Couldn't find PID field in ps output");
    list.titles = fieldsOf(lines[0]);
    auto pidCol = std::find(list.titles.begin(), list.titles.end(), "PID");
    if (pidCol == list.titles.end()) throw Error("Couldn't find PID field in ps output");
    size_t pidIndex = size_t(pidCol - list.titles.begin());
    bool previousIn = false;  // thread lines ("-" PID, ps -m) follow their process
    auto append = [&](std::vector<std::string> fields) {
        size_t n = list.titles.size();
        if (fields.size() > n) {
            std::string last = fields[n - 1];
            for (size_t i = n; i < fields.size(); ++i) last += " " + fields[i];
            fields.resize(n);
            fields[n - 1] = last;
        }
        list.processes.push_back(std::move(fields));
    };
    for (size_t i = 1; i < lines.size(); ++i) {
        if (lines[i].empty()) continue;
        auto fields = fieldsOf(lines[i]);
        if (fields.size() <= pidIndex) continue;
        if (fields[pidIndex] == "-") {
            if (previousIn) append(fields);
            continue;
        }
        pid_t p = 0;
        try {
            p = pid_t(std::stol(fields[pidIndex]));
        } catch (const std::exception&) {
            throw Error("Unexpected pid '" + fields[pidIndex] + "'");
        }
        previousIn = std::find(pids.begin(), pids.end(), p) != pids.end();
        if (previousIn) append(fields);
    }
    return list;
}

}  // namespace berth::engine
