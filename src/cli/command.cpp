#include "cli/command.hpp"

#include <algorithm>

#include "common/strings.hpp"

namespace berth::cli {

const Command* Command::findChild(const std::string& nameOrAlias) const {
    for (auto& c : children) {
        if (c->name == nameOrAlias) return c.get();
        for (auto& a : c->aliases)
            if (a == nameOrAlias) return c.get();
    }
    return nullptr;
}

CommandPtr aliasOf(const CommandPtr& cmd, const std::string& name,
                   std::vector<std::string> aliases) {
    auto copy = std::make_shared<Command>(*cmd);
    copy->name = name;
    copy->aliases = std::move(aliases);
    copy->group.clear();
    return copy;
}

std::string usageLine(const Command& cmd, const std::string& path) {
    if (!cmd.children.empty()) return path + (cmd.flags.empty() ? "" : " [OPTIONS]") + " COMMAND";
    return cmd.use.empty() ? path : path + " " + cmd.use;
}

namespace {

std::string rpad(const std::string& s, size_t n) {
    return s.size() >= n ? s : s + std::string(n - s.size(), ' ');
}

std::string listCommands(const std::vector<const Command*>& cmds, size_t padding) {
    std::string out;
    for (const Command* c : cmds) out += "\n  " + rpad(c->name, padding) + " " + c->shortHelp;
    return out;
}

}  // namespace

std::string renderHelp(const Command& cmd, const std::string& path, const FlagSet* globals) {
    std::string out = "\nUsage:  " + usageLine(cmd, path) + "\n\n";
    out += cmd.longHelp.empty() ? cmd.shortHelp : cmd.longHelp;
    if (!cmd.aliases.empty()) {
        std::vector<std::string> names{cmd.name};
        names.insert(names.end(), cmd.aliases.begin(), cmd.aliases.end());
        out += "\n\nAliases:\n  " + join(names, ", ");
    }
    const FlagSet& shownFlags = globals ? *globals : cmd.flags;
    std::string usages = shownFlags.usages();
    if (!usages.empty()) {
        while (!usages.empty() && usages.back() == '\n') usages.pop_back();
        out += "\n\nOptions:\n" + usages;
    }
    if (!cmd.children.empty()) {
        std::vector<const Command*> management, operations;
        size_t padding = 11;  // cobra's minimum name padding
        for (auto& c : cmd.children) {
            if (c->hidden) continue;
            padding = std::max(padding, c->name.size());
            (c->group == "management" ? management : operations).push_back(c.get());
        }
        auto byName = [](const Command* a, const Command* b) { return a->name < b->name; };
        std::sort(management.begin(), management.end(), byName);
        std::sort(operations.begin(), operations.end(), byName);
        if (!management.empty())
            out += "\n\nManagement Commands:" + listCommands(management, padding);
        if (!operations.empty()) out += "\n\nCommands:" + listCommands(operations, padding);
        out += "\n\nRun '" + path + " COMMAND --help' for more information on a command.";
    }
    return out + "\n";
}

void checkArgs(const Command& cmd, const std::string& path, size_t count) {
    auto plural = [](int n) { return n == 1 ? std::string("argument") : std::string("arguments"); };
    std::string what;
    int n = static_cast<int>(count);
    switch (cmd.argsRule) {
        case ArgsRule::Any:
            return;
        case ArgsRule::None:
            if (n == 0) return;
            what = "accepts no arguments";
            break;
        case ArgsRule::Exact:
            if (n == cmd.minArgs) return;
            what = "requires exactly " + std::to_string(cmd.minArgs) + " " + plural(cmd.minArgs);
            break;
        case ArgsRule::AtLeast:
            if (n >= cmd.minArgs) return;
            what = "requires at least " + std::to_string(cmd.minArgs) + " " + plural(cmd.minArgs);
            break;
        case ArgsRule::AtMost:
            if (n <= cmd.maxArgs) return;
            what = "requires at most " + std::to_string(cmd.maxArgs) + " " + plural(cmd.maxArgs);
            break;
        case ArgsRule::Range:
            if (n >= cmd.minArgs && n <= cmd.maxArgs) return;
            what = "requires at least " + std::to_string(cmd.minArgs) + " and at most " +
                   std::to_string(cmd.maxArgs) + " " + plural(cmd.maxArgs);
            break;
    }
    // docker's cli/required.go wording; a plain error, so exit status 1.
    throw StatusError(1, "\"" + path + "\" " + what + ".\nSee '" + path + " --help'.\n\nUsage:  " +
                             usageLine(cmd, path) + "\n\n" + cmd.shortHelp);
}

}  // namespace berth::cli
