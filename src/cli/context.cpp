#include "cli/context.hpp"

#include <unistd.h>

#include <iostream>

#include "engine/container/container_store.hpp"

namespace berth::cli {

CliContext::CliContext(std::ostream& out, std::ostream& err, int stdinFd)
    : out_(out), err_(err), stdinFd_(stdinFd) {}

CliContext::~CliContext() = default;

bool CliContext::stdoutIsTerminal() const {
    return &out_ == &std::cout && isatty(1);
}

std::vector<std::string> CliContext::containersUsingImage(const std::string& imageId) {
    // The engine's container records (berth.db) under this root.
    std::vector<std::string> ids;
    for (auto& rec : engine::ContainerStore(root).list())
        if (rec.imageId == imageId) ids.push_back(rec.id);
    return ids;
}

std::map<std::string, std::vector<std::string>> CliContext::containersByImage() {
    std::map<std::string, std::vector<std::string>> out;
    for (auto& rec : engine::ContainerStore(root).list()) out[rec.imageId].push_back(rec.id);
    return out;
}

}  // namespace berth::cli
