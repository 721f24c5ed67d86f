#include "engine/events/event.hpp"

namespace berth::engine::events {

nlohmann::json Event::toJson() const {
    nlohmann::json j = nlohmann::json::object();
    if (type == "container" || type == "image") {
        j["status"] = action;
        j["id"] = actorId;
        if (type == "container" && attributes.count("image")) j["from"] = attributes.at("image");
    }
    j["Type"] = type;
    j["Action"] = action;
    j["Actor"] = {{"ID", actorId}, {"Attributes", attributes}};
    j["scope"] = scope;
    j["time"] = timeNano / 1'000'000'000;
    j["timeNano"] = timeNano;
    return j;
}

const std::set<std::string>& EventFilter::validKeys() {
    static const std::set<std::string> keys = {"config", "container", "daemon", "event",
                                               "image",  "label",     "network", "node",
                                               "plugin", "scope",     "secret", "service",
                                               "type",   "volume"};
    return keys;
}

// filters.Args.ExactMatch: true when the key is absent or a value equals source.
bool EventFilter::exact(const std::string& key, const std::string& v) const {
    auto it = values_.find(key);
    if (it == values_.end()) return true;
    for (const auto& want : it->second)
        if (want == v) return true;
    return false;
}

// filters.Args.FuzzyMatch: also a value that is a prefix of source.
bool EventFilter::fuzzy(const std::string& key, const std::string& v) const {
    auto it = values_.find(key);
    if (it == values_.end()) return true;
    for (const auto& want : it->second)
        if (want == v || v.compare(0, want.size(), want) == 0) return true;
    return false;
}

namespace {

std::string stripTag(const std::string& image) {
    auto slash = image.rfind('/');
    auto colon = image.rfind(':');
    if (image.find('@') != std::string::npos) return image.substr(0, image.find('@'));
    if (colon != std::string::npos && (slash == std::string::npos || colon > slash))
        return image.substr(0, colon);
    return image;
}

std::string attr(const Event& e, const std::string& k) {
    auto it = e.attributes.find(k);
    return it == e.attributes.end() ? "" : it->second;
}

}  // namespace

bool EventFilter::matches(const Event& e) const {
    // event: health_status/exec_create/exec_start match with a suffix (moby #25798).
    auto ev = values_.find("event");
    if (ev != values_.end()) {
        bool ok = false;
        for (const auto& want : ev->second) {
            bool prefixed = want == "health_status" || want == "exec_create" || want == "exec_start" ||
                            want == "exec_die";
            if (want == e.action || (prefixed && e.action.compare(0, want.size(), want) == 0)) ok = true;
        }
        if (!ok) return false;
    }
    if (!exact("type", e.type) || !exact("scope", e.scope)) return false;
    // As moby: no check of the type (an image event named like the filter value matches too).
    auto byName = [&](const std::string& key) {
        return fuzzy(key, e.actorId) || fuzzy(key, attr(e, "name"));
    };
    if (!byName("container") || !byName("volume") || !byName("network") || !byName("plugin") ||
        !byName("daemon"))
        return false;
    if (values_.count("image")) {
        std::string name = attr(e, e.type == "image" ? "name" : "image");
        if (!(exact("image", e.actorId) || exact("image", name) || exact("image", stripTag(e.actorId)) ||
              exact("image", stripTag(name))))
            return false;
    }
    auto lab = values_.find("label");
    if (lab != values_.end()) {
        for (const auto& term : lab->second) {  // every label term must match (MatchKVList)
            auto eq = term.find('=');
            std::string k = term.substr(0, eq);
            auto it = e.attributes.find(k);
            if (it == e.attributes.end()) return false;
            if (eq != std::string::npos && it->second != term.substr(eq + 1)) return false;
        }
    }
    return true;
}

}  // namespace berth::engine::events
