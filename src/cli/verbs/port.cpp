// `berth port CONTAINER [PRIVATE_PORT[/PROTO]]` (docker port). berth has no port publishing yet
// (only --network none|host), so a container never has a mapping: the listing is empty and a
// port query fails with docker's text for an unpublished port.
#include "cli/verbs.hpp"
#include "cli/verbs/container_util.hpp"

namespace berth::cli {

CommandPtr makePortCommand() {
    auto c = std::make_shared<Command>();
    c->name = "port";
    c->use = "CONTAINER [PRIVATE_PORT[/PROTO]]";
    c->shortHelp = "List port mappings or a specific mapping for the container";
    c->args(ArgsRule::Range, 1, 2);
    c->run = [](Invocation& inv) {
        try {
            engineFor(inv.ctx).containers().get(inv.args[0]);
        } catch (const Error& e) {
            throw StatusError(1, "Error response from daemon: " + plainMessage(e));
        }
        if (inv.args.size() < 2) return 0;
        const std::string& spec = inv.args[1];
        std::string port = spec.substr(0, spec.find('/'));
        // docker: strconv.ParseUint(port, 10, 16)
        bool digits = !port.empty() && port.find_first_not_of("0123456789") == std::string::npos;
        if (!digits)
            throw StatusError(1, "Error: invalid port (" + port + "): strconv.ParseUint: parsing \"" +
                                     port + "\": invalid syntax");
        if (port.size() > 5 || std::stoul(port) > 65535)
            throw StatusError(1, "Error: invalid port (" + port + "): strconv.ParseUint: parsing \"" +
                                     port + "\": value out of range");
        throw StatusError(1, "Error: No public port '" + spec + "' published for " + inv.args[0]);
    };
    return c;
}

}  // namespace berth::cli
