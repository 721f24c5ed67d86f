#include "cli/verbs/inspect_output.hpp"

#include <unistd.h>

#include "cli/format/formatter.hpp"
#include "common/error.hpp"

namespace berth::cli {

int printInspected(Invocation& inv, const std::vector<nlohmann::json>& found,
                   const std::function<nlohmann::ordered_json(const nlohmann::json&)>& ordered,
                   const std::string& errors) {
    std::string format = inv.flags.getString("format");
    if (format.empty()) {
        nlohmann::ordered_json arr = nlohmann::ordered_json::array();
        for (const auto& j : found) arr.push_back(ordered(j));
        inv.ctx.out() << arr.dump(4, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    } else {
        for (const auto& j : found) inv.ctx.out() << formatObject(format, j) << "\n";
    }
    if (!errors.empty()) throw StatusError(1, errors);
    return 0;
}

bool confirmPrompt(CliContext& ctx, const std::string& message) {
    ctx.out() << message << " [y/N] " << std::flush;
    std::string line;
    char c;
    while (::read(ctx.stdinFd(), &c, 1) == 1 && c != '\n') line += c;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    return line == "y" || line == "Y";
}

}  // namespace berth::cli
