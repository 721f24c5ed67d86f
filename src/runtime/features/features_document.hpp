// The runtime-spec features document (features.md, features-linux.md) that
// `berth-runtime features` prints: what this build of berth-runtime recognises. Callers
// (containerd, Docker, Podman) read it to decide which config fields they may use.
#pragma once

#include <nlohmann/json.hpp>

namespace berth::runtime {

nlohmann::json featuresDocument();

}  // namespace berth::runtime
