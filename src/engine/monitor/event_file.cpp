#include "engine/monitor/event_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "common/fd.hpp"
#include "engine/monitor/json_log.hpp"
#include "engine/monitor/json_out.hpp"

namespace berth::monitor {

bool appendMonitorEvent(const std::string& stateDir, const std::string& action,
                        const std::vector<std::pair<std::string, std::string>>& attributes) {
    JsonOut attrs;
    for (const auto& [k, v] : attributes) attrs.str(k, v);
    std::string line =
        JsonOut().num("timeNano", nowUnixNs()).str("action", action).raw("attributes", attrs.done()).done() +
        "\n";
    UniqueFd fd(::open((stateDir + "/" + kEventFileName).c_str(),
                       O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
    if (!fd) return false;
    ssize_t n;
    do {
        n = ::write(fd.get(), line.data(), line.size());
    } while (n < 0 && errno == EINTR);
    return n == static_cast<ssize_t>(line.size());
}

}  // namespace berth::monitor
