// hookState (container_launcher.hpp) on its own: `delete` needs it without the launcher, so that
// berth-monitor's in-process delete (cli/delete_stopped.hpp) links no create code.
#include "runtime/container/container_launcher.hpp"

namespace berth::runtime {

nlohmann::json hookState(const ContainerState& s, const char* status) {
    nlohmann::json j{{"ociVersion", s.ociVersion}, {"id", s.id},   {"status", status},
                     {"pid", s.pid},               {"bundle", s.bundle}};
    if (!s.annotations.empty()) j["annotations"] = s.annotations;
    return j;
}

}  // namespace berth::runtime
