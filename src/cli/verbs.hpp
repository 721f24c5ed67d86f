// Constructors of every verb's command (one file per verb under verbs/).
#pragma once

#include "cli/command.hpp"

namespace berth::cli {

CommandPtr makeVersionCommand();

}  // namespace berth::cli
