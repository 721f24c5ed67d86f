// --health-* and --log-driver/--log-opt: what `docker run` accepts, kept in Docker's inspect
// shape (Config.Healthcheck, HostConfig.LogConfig) and turned into berth-monitor options at start.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/monitor/options.hpp"
#include "engine/spec/run_options.hpp"

namespace berth::engine {

// The checks docker's client makes on the --health-* flags, in its words (docker/cli
// parseHealthcheck). Throws Error.
void checkHealthcheckFlags(const HealthcheckOptions& flags);

// Config.Healthcheck for a container: the image's HEALTHCHECK with the flags over it; null when
// neither has one. Throws Error with Docker's text for conflicting or negative values.
nlohmann::json healthcheckJson(const HealthcheckOptions& flags, const nlohmann::json& imageCfg);

// HostConfig.LogConfig; driver "" → json-file. Throws Error with Docker's text for an unknown
// driver or option.
nlohmann::json logConfigJson(const std::string& driver,
                             const std::map<std::string, std::string>& opts);

// What the monitor needs from them.
monitor::HealthConfig monitorHealth(const nlohmann::json& healthcheck);
void applyLogConfig(const nlohmann::json& logConfig, monitor::MonitorOptions& m);

}  // namespace berth::engine
