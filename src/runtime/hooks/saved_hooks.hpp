// poststart and poststop hooks run in later commands (`start`, `delete`) than the one that read
// config.json (`create`). Create saves them beside state.json (<state dir>/hooks.json, only
// when there are any), so start and delete neither re-read nor trust a bundle that may have
// changed since — the same reason runc keeps the config in its state.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "oci/runtime_spec.hpp"

namespace berth::runtime {

void saveLaterHooks(const std::string& stateDir, const oci::Hooks& hooks);
// nullopt when none were saved. Throws if the file is there but unreadable.
std::optional<oci::Hooks> loadLaterHooks(const std::string& stateDir);

nlohmann::json hookToJson(const oci::Hook& hook);
oci::Hook hookFromJson(const nlohmann::json& j);

}  // namespace berth::runtime
