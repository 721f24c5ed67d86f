// The `berth` command tree, modelled on docker's cobra tree: groups (`image`, `system`) with
// verbs, aliases (`image ls` = `image list`), top-level shortcuts (`images` = `image ls`),
// per-command flags and --help, Docker's argument-count and flag error texts.
#pragma once

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "cli/flags.hpp"

namespace berth::cli {

class CliContext;

// An error with a chosen exit status; `message` is printed as is (no "Error: " prefix).
class StatusError : public Error {
  public:
    StatusError(int status, std::string message) : Error(std::move(message)), status_(status) {}
    int status() const { return status_; }

  private:
    int status_;
};

// What a verb gets: its parsed flags and arguments, the shared context (global flags, streams,
// the lazily opened store).
struct Invocation {
    CliContext& ctx;
    const FlagSet& flags;
    const std::vector<std::string>& args;
    std::string commandPath;  // "berth image ls": for messages
};

enum class ArgsRule { Any, None, Exact, AtLeast, AtMost, Range };

struct Command {
    std::string name;                  // "ls"
    std::vector<std::string> aliases;  // {"list"}
    std::string use;                   // argument part of the usage line: "[OPTIONS] IMAGE"
    std::string shortHelp;             // one line
    std::string longHelp;              // optional extra paragraph after the short help
    std::string group;                 // root only: "Management Commands" vs "Commands"
    ArgsRule argsRule = ArgsRule::Any;
    int minArgs = 0, maxArgs = 0;
    bool interspersed = true;  // false: flags stop at the first argument (run, exec)
    bool hidden = false;
    FlagSet flags;
    std::function<int(Invocation&)> run;  // empty for groups
    std::vector<std::shared_ptr<Command>> children;

    Command& args(ArgsRule rule, int min = 0, int max = 0) {
        argsRule = rule;
        minArgs = min;
        maxArgs = max;
        return *this;
    }
    Command& add(std::shared_ptr<Command> child) {
        children.push_back(std::move(child));
        return *this;
    }
    const Command* findChild(const std::string& nameOrAlias) const;
};

using CommandPtr = std::shared_ptr<Command>;

// Makes a copy of a verb under another name (`images` from `image ls`), as docker registers
// its top-level shortcuts.
CommandPtr aliasOf(const CommandPtr& cmd, const std::string& name,
                   std::vector<std::string> aliases = {});

// Help text in docker's layout ("\nUsage:  berth images [OPTIONS] ...\n\n..."). path is the
// command path ("berth image ls").
std::string renderHelp(const Command& cmd, const std::string& path, const FlagSet* globals);
std::string usageLine(const Command& cmd, const std::string& path);

// Checks the positional argument count; throws StatusError(1) with docker's text otherwise.
void checkArgs(const Command& cmd, const std::string& path, size_t count);

}  // namespace berth::cli
