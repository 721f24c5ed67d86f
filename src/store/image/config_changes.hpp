// `docker import --change` / `docker commit --change`: Dockerfile instructions applied to an
// image's Config (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME,
// WORKDIR), with Docker's forms: JSON arrays or shell form (["/bin/sh","-c",..]), "ENV k=v k2=v2"
// or "ENV k v", quoted values.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace berth::store {

// Applies each change to config (a Docker Config object; null becomes {}). Throws berth::Error
// naming the change on an unknown instruction or a malformed argument.
void applyConfigChanges(nlohmann::json& config, const std::vector<std::string>& changes);

}  // namespace berth::store
