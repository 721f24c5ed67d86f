// What the container verbs share: the engine on the context's state root, docker run's flags
// (run and create), and Docker's 125 error for engine failures before the container runs.
#pragma once

#include <functional>
#include <string>

#include "cli/command.hpp"
#include "cli/context.hpp"
#include "engine/engine.hpp"

namespace berth::cli {

// The engine for ctx.root (opened once per process); binaries next to /proc/self/exe.
engine::Engine& engineFor(CliContext& ctx);

// `container inspect` (also behind the top-level `inspect`); needs a "format" flag.
int runContainerInspect(Invocation& inv);
// Whether every name resolves to a container.
bool allContainers(CliContext& ctx, const std::vector<std::string>& names);

// docker run/create flags.
void addRunFlags(FlagSet& flags);
// RunOptions from the parsed flags; args[0] is the image, the rest the command.
engine::RunOptions runOptionsFrom(const Invocation& inv);

// The message without the errno suffix Error::what() adds (": ENOENT (No such file...)"), for
// texts that must read like Docker's ("No such container: x").
std::string plainMessage(const std::exception& e);

// docker run's failure text: "berth: MSG.\nSee 'berth run --help'." with status 125.
[[noreturn]] void throwRunError(const std::string& commandPath, const std::string& msg);

}  // namespace berth::cli

namespace berth::cli {

// Runs fn on each argument (docker's per-container verbs: restart, pause, update...): prints the
// argument after success when echo; collects "Error response from daemon: ..." per failure and
// ends with status 1 (verbs/container_each.cpp).
int forEachContainer(Invocation& inv, bool echo, const std::function<void(const std::string&)>& fn);

}  // namespace berth::cli
