// What the inspect and prune verbs of containers, images and volumes print alike.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/context.hpp"

namespace berth::cli {

// inspect: without --format the objects as one JSON array indented by 4 (each put in Docker's
// field order by `ordered`), with it one formatted line per object; then the errors, if any,
// as StatusError(1) (one per line, as collected). Returns 0.
int printInspected(Invocation& inv, const std::vector<nlohmann::json>& found,
                   const std::function<nlohmann::ordered_json(const nlohmann::json&)>& ordered,
                   const std::string& errors);

// docker's command.PromptForConfirmation: prints "MESSAGE [y/N] ", true for "y" or "Y" on a
// line of stdin.
bool confirmPrompt(CliContext& ctx, const std::string& message);

}  // namespace berth::cli
