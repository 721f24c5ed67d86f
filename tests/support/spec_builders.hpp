// OCI spec pieces built in one line, for the unit and integration tests of the runtime.
#pragma once

#include <string>
#include <utility>
#include <vector>

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

}  // namespace berth::test
