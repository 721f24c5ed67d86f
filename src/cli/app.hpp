// The `berth` CLI: the root command with its global flags, and dispatch to the verbs.
#pragma once

#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/context.hpp"

namespace berth::cli {

// The full command tree (root = "berth").
CommandPtr buildRootCommand();

// Runs the CLI on args (argv without argv[0]); returns the exit status. Errors are printed to
// ctx.err() the way docker prints them: usage errors exit 125, failures 1.
int runCli(const std::vector<std::string>& args, CliContext& ctx);

// main() of the berth binary.
int berthMain(int argc, char** argv);

}  // namespace berth::cli
