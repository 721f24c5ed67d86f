#include "store/image/config_changes.hpp"

#include <algorithm>
#include <cctype>

#include "common/error.hpp"
#include "common/strings.hpp"

namespace berth::store {

using nlohmann::json;

namespace {

[[noreturn]] void bad(const std::string& change, const std::string& why) {
    throw Error("invalid change \"" + change + "\": " + why, EINVAL);
}

// Words with Dockerfile-ish quoting: "a b" and 'a b' group, backslash escapes.
std::vector<std::string> words(const std::string& s, const std::string& change) {
    std::vector<std::string> out;
    std::string cur;
    bool in = false;
    char q = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (q) {
            if (c == q) q = 0;
            else if (c == '\\' && q == '"' && i + 1 < s.size()) cur += s[++i];
            else cur += c;
        } else if (c == '"' || c == '\'') {
            q = c, in = true;
        } else if (c == '\\' && i + 1 < s.size()) {
            cur += s[++i], in = true;
        } else if (isspace(static_cast<unsigned char>(c))) {
            if (in) out.push_back(cur), cur.clear(), in = false;
        } else {
            cur += c, in = true;
        }
    }
    if (q) bad(change, "unterminated quote");
    if (in) out.push_back(cur);
    return out;
}

// A JSON string array, or nothing if the argument isn't one.
std::optional<json> jsonArray(const std::string& arg) {
    if (arg.empty() || arg[0] != '[') return std::nullopt;
    json j = json::parse(arg, nullptr, false);
    if (j.is_discarded() || !j.is_array()) return std::nullopt;
    for (const auto& e : j)
        if (!e.is_string()) return std::nullopt;
    return j;
}

std::vector<std::pair<std::string, std::string>> keyValues(const std::string& arg,
                                                           const std::string& change) {
    std::vector<std::pair<std::string, std::string>> kv;
    auto ws = words(arg, change);
    if (ws.empty()) bad(change, "missing arguments");
    if (ws[0].find('=') == std::string::npos) {  // "ENV key value with spaces"
        std::string rest = trim(arg.substr(arg.find(ws[0]) + ws[0].size()));
        kv.emplace_back(ws[0], rest);
        return kv;
    }
    for (const auto& w : ws) {
        auto eq = w.find('=');
        if (eq == std::string::npos || eq == 0) bad(change, "\"" + w + "\" is not key=value");
        kv.emplace_back(w.substr(0, eq), w.substr(eq + 1));
    }
    return kv;
}

}  // namespace

void applyConfigChanges(json& config, const std::vector<std::string>& changes) {
    if (!config.is_object()) config = json::object();
    for (const auto& change : changes) {
        std::string t = trim(change);
        auto sp = t.find_first_of(" \t");
        std::string kw = t.substr(0, sp), arg = sp == std::string::npos ? "" : trim(t.substr(sp));
        std::transform(kw.begin(), kw.end(), kw.begin(), [](unsigned char c) { return std::toupper(c); });
        if (kw == "CMD" || kw == "ENTRYPOINT") {
            json v = jsonArray(arg).value_or(json::array({"/bin/sh", "-c", arg}));
            config[kw == "CMD" ? "Cmd" : "Entrypoint"] = v;
        } else if (kw == "ENV") {
            json env = config.value("Env", json::array());
            if (!env.is_array()) env = json::array();
            for (const auto& [k, v] : keyValues(arg, change)) {
                std::string entry = k + "=" + v;
                bool replaced = false;
                for (auto& e : env)
                    if (e.is_string() && e.get<std::string>().rfind(k + "=", 0) == 0) e = entry, replaced = true;
                if (!replaced) env.push_back(entry);
            }
            config["Env"] = env;
        } else if (kw == "LABEL") {
            json labels = config.value("Labels", json::object());
            if (!labels.is_object()) labels = json::object();
            for (const auto& [k, v] : keyValues(arg, change)) labels[k] = v;
            config["Labels"] = labels;
        } else if (kw == "EXPOSE") {
            json ports = config.value("ExposedPorts", json::object());
            if (!ports.is_object()) ports = json::object();
            auto ws = words(arg, change);
            if (ws.empty()) bad(change, "missing port");
            for (auto p : ws) {
                if (p.find('/') == std::string::npos) p += "/tcp";
                std::string num = p.substr(0, p.find('/')), proto = p.substr(p.find('/') + 1);
                if (num.empty() || num.find_first_not_of("0123456789-") != std::string::npos ||
                    (proto != "tcp" && proto != "udp" && proto != "sctp"))
                    bad(change, "invalid port \"" + p + "\"");
                ports[p] = json::object();
            }
            config["ExposedPorts"] = ports;
        } else if (kw == "VOLUME") {
            json vols = config.value("Volumes", json::object());
            if (!vols.is_object()) vols = json::object();
            json list = jsonArray(arg).value_or(json(words(arg, change)));
            if (list.empty()) bad(change, "missing path");
            for (const auto& v : list) vols[v.get<std::string>()] = json::object();
            config["Volumes"] = vols;
        } else if (kw == "USER" || kw == "WORKDIR" || kw == "STOPSIGNAL") {
            if (arg.empty()) bad(change, "missing argument");
            config[kw == "USER" ? "User" : kw == "WORKDIR" ? "WorkingDir" : "StopSignal"] = arg;
        } else if (kw == "ONBUILD") {
            if (arg.empty()) bad(change, "missing instruction");
            json ob = config.value("OnBuild", json::array());
            if (!ob.is_array()) ob = json::array();
            ob.push_back(arg);
            config["OnBuild"] = ob;
        } else {
            bad(change, "\"" + kw + "\" is not a supported instruction (CMD, ENTRYPOINT, ENV, EXPOSE, "
                        "LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME, WORKDIR)");
        }
    }
}

}  // namespace berth::store
