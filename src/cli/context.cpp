#include "cli/context.hpp"

#include <unistd.h>

#include <iostream>

namespace berth::cli {

CliContext::CliContext(std::ostream& out, std::ostream& err, int stdinFd)
    : out_(out), err_(err), stdinFd_(stdinFd) {}

CliContext::~CliContext() = default;

bool CliContext::stdoutIsTerminal() const {
    return &out_ == &std::cout && isatty(1);
}

std::vector<std::string> CliContext::containersUsingImage(const std::string& /*imageId*/) {
    // HOOK(engine): ask the container DB which containers use this image. Until the engine
    // lands there are no containers, so no image is in use.
    return {};
}

}  // namespace berth::cli
