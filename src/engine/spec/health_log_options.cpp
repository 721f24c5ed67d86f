#include "engine/spec/health_log_options.hpp"

#include "common/error.hpp"

namespace berth::engine {

using nlohmann::json;

namespace {

int64_t numberOr(const json& obj, const char* key, int64_t fallback) {
    if (obj.is_object() && obj.contains(key) && obj[key].is_number_integer()) {
        int64_t v = obj[key].get<int64_t>();
        if (v != 0) return v;
    }
    return fallback;
}

}  // namespace

void checkHealthcheckFlags(const HealthcheckOptions& f) {
    if (f.disabled && (!f.cmd.empty() || f.intervalNs || f.timeoutNs || f.startPeriodNs || f.retries))
        throw Error("--no-healthcheck conflicts with --health-* options");
    if (f.intervalNs < 0) throw Error("--health-interval cannot be negative");
    if (f.timeoutNs < 0) throw Error("--health-timeout cannot be negative");
    if (f.startPeriodNs < 0) throw Error("--health-start-period cannot be negative");
    if (f.retries < 0) throw Error("--health-retries cannot be negative");
}

json healthcheckJson(const HealthcheckOptions& f, const json& imageCfg) {
    checkHealthcheckFlags(f);
    // The daemon's lower bound (moby: "Interval in Healthcheck cannot be less than 1ms").
    const int64_t ms = 1'000'000;
    if (f.intervalNs && f.intervalNs < ms) throw Error("Interval in Healthcheck cannot be less than 1ms");
    if (f.timeoutNs && f.timeoutNs < ms) throw Error("Timeout in Healthcheck cannot be less than 1ms");
    if (f.startPeriodNs && f.startPeriodNs < ms)
        throw Error("StartPeriod in Healthcheck cannot be less than 1ms");

    json image = imageCfg.is_object() && imageCfg.contains("Healthcheck") &&
                         imageCfg["Healthcheck"].is_object()
                     ? imageCfg["Healthcheck"]
                     : json(nullptr);
    if (f.disabled) return {{"Test", {"NONE"}}};
    if (!f.any()) return image;
    json h = image.is_object() ? image : json::object();
    if (!f.cmd.empty()) h["Test"] = {"CMD-SHELL", f.cmd};
    if (f.intervalNs) h["Interval"] = f.intervalNs;
    if (f.timeoutNs) h["Timeout"] = f.timeoutNs;
    if (f.startPeriodNs) h["StartPeriod"] = f.startPeriodNs;
    if (f.retries) h["Retries"] = f.retries;
    // Timing flags alone on an image without HEALTHCHECK: docker keeps them (no Test: no checks).
    return h;
}

json logConfigJson(const std::string& driver, const std::map<std::string, std::string>& opts) {
    std::string type = driver.empty() ? "json-file" : driver;
    if (type != "json-file" && type != "none")
        throw Error("error looking up logging plugin " + type + ": plugin \"" + type + "\" not found");
    json config = json::object();
    for (auto& [k, v] : opts) {
        if (type == "none") throw Error("unknown log opt '" + k + "' for none log driver");
        static const char* known[] = {"max-size", "max-file", "compress", "labels",
                                      "labels-regex", "env", "env-regex", "tag"};
        bool ok = false;
        for (auto* n : known) ok = ok || k == n;
        if (!ok) throw Error("unknown log opt '" + k + "' for json-file log driver");
        if (k == "max-size") {
            try {
                if (monitor::parseByteSize(v) <= 0) throw Error("");
            } catch (const Error&) {
                throw Error("failed to initialize logging driver: invalid size: '" + v + "'");
            }
        }
        if (k == "max-file") {
            char* end = nullptr;
            long n = std::strtol(v.c_str(), &end, 10);
            if (v.empty() || *end) throw Error("strconv.Atoi: parsing \"" + v + "\": invalid syntax");
            if (n < 1) throw Error("max-file cannot be less than 1");
        }
        config[k] = v;
    }
    return {{"Type", type}, {"Config", config}};
}

monitor::HealthConfig monitorHealth(const json& h) {
    monitor::HealthConfig out;
    if (!h.is_object() || !h.contains("Test") || !h["Test"].is_array() || h["Test"].empty())
        return out;
    auto test = h["Test"].get<std::vector<std::string>>();
    if (test[0] == "CMD-SHELL" && test.size() >= 2)
        out.command = {"/bin/sh", "-c", test[1]};
    else if (test[0] == "CMD")
        out.command.assign(test.begin() + 1, test.end());
    else
        return out;  // "NONE" or an unknown form: no checks
    out.intervalNs = numberOr(h, "Interval", out.intervalNs);
    out.timeoutNs = numberOr(h, "Timeout", out.timeoutNs);
    out.startPeriodNs = numberOr(h, "StartPeriod", out.startPeriodNs);
    out.retries = int(numberOr(h, "Retries", out.retries));
    return out;
}

void applyLogConfig(const json& lc, monitor::MonitorOptions& m) {
    if (!lc.is_object()) return;
    if (lc.value("Type", "json-file") == "none") {
        m.logPath = "/dev/null";
        return;
    }
    json cfg = lc.contains("Config") && lc["Config"].is_object() ? lc["Config"] : json::object();
    if (cfg.contains("max-size")) m.logMaxSize = monitor::parseByteSize(cfg["max-size"].get<std::string>());
    if (cfg.contains("max-file")) m.logMaxFiles = std::stoi(cfg["max-file"].get<std::string>());
}

}  // namespace berth::engine
