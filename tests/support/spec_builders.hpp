// OCI spec pieces built in one line, for the unit and integration tests of the runtime.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "oci/linux_resources.hpp"
#include "oci/runtime_spec.hpp"

namespace berth::test {

// A mount in the order config.json examples write it: destination, type, source, options.
inline oci::Mount makeMount(std::string destination, std::string type, std::string source,
                            std::vector<std::string> options) {
    oci::Mount m;
    m.destination = std::move(destination);
    m.type = std::move(type);
    m.source = std::move(source);
    m.options = std::move(options);
    return m;
}

// linux.resources from its config.json text (throws on a bad document, as the runtime would).
inline oci::LinuxResources resourcesFrom(const std::string& json) {
    return oci::parseLinuxResources(nlohmann::json::parse(json));
}

}  // namespace berth::test
