#include "runtime/hooks/saved_hooks.hpp"

#include "common/error.hpp"
#include "common/file_io.hpp"

namespace berth::runtime {
namespace {

constexpr const char* kFile = "/hooks.json";

nlohmann::json listToJson(const std::vector<oci::Hook>& hooks) {
    nlohmann::json out = nlohmann::json::array();
    for (auto& h : hooks) out.push_back(hookToJson(h));
    return out;
}

std::vector<oci::Hook> listFromJson(const nlohmann::json& j, const char* key) {
    std::vector<oci::Hook> out;
    if (j.contains(key))
        for (auto& h : j[key]) out.push_back(hookFromJson(h));
    return out;
}

}  // namespace

nlohmann::json hookToJson(const oci::Hook& h) {
    nlohmann::json j{{"path", h.path}, {"args", h.args}, {"env", h.env}};
    if (h.timeout) j["timeout"] = *h.timeout;
    return j;
}

oci::Hook hookFromJson(const nlohmann::json& j) {
    oci::Hook h;
    h.path = j.at("path").get<std::string>();
    h.args = j.value("args", std::vector<std::string>{});
    h.env = j.value("env", std::vector<std::string>{});
    if (j.contains("timeout")) h.timeout = j["timeout"].get<int>();
    return h;
}

void saveLaterHooks(const std::string& stateDir, const oci::Hooks& hooks) {
    if (hooks.poststart.empty() && hooks.poststop.empty()) return;
    nlohmann::json j{{"poststart", listToJson(hooks.poststart)},
                     {"poststop", listToJson(hooks.poststop)}};
    writeFileReplace(stateDir + kFile, j.dump(), 0600);
}

std::optional<oci::Hooks> loadLaterHooks(const std::string& stateDir) {
    std::string path = stateDir + kFile;
    if (!pathExists(path)) return std::nullopt;
    try {
        auto j = nlohmann::json::parse(readFile(path));
        oci::Hooks hooks;
        hooks.poststart = listFromJson(j, "poststart");
        hooks.poststop = listFromJson(j, "poststop");
        return hooks;
    } catch (const nlohmann::json::exception& e) {
        throw Error(path + ": " + e.what());
    }
}

}  // namespace berth::runtime
