#include <functional>

#include "cli/verbs/container_util.hpp"

namespace berth::cli {

int forEachContainer(Invocation& inv, bool echo, const std::function<void(const std::string&)>& fn) {
    std::string errors;
    for (auto& a : inv.args) {
        try {
            fn(a);
            if (echo) inv.ctx.out() << a << "\n" << std::flush;
        } catch (const Error& e) {
            errors += (errors.empty() ? "" : "\n") + std::string("Error response from daemon: ") +
                      plainMessage(e);
        }
    }
    if (!errors.empty()) throw StatusError(1, errors);
    return 0;
}

}  // namespace berth::cli
