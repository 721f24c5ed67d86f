// Command-line parsing for berth-runtime, runc-compatible: global flags before the verb
// (--root, --log, --log-format, --debug, and flags runc takes that berth accepts and ignores:
// --systemd-cgroup, --criu, --rootless), verb flags anywhere after it, "--flag value" and
// "--flag=value", single-dash long names as urfave/cli allows ("-bundle").
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace berth::runtime::cli {

struct GlobalOptions {
    std::string root = "/run/berth-runtime";
    std::string log;
    std::string logFormat = "text";
    bool debug = false;
    bool systemdCgroup = false;
};

struct FlagSpec {
    std::vector<std::string> names;  // "bundle", "b"
    bool takesValue = false;
};

struct ParsedArgs {
    std::map<std::string, std::vector<std::string>> values;  // by the first name
    std::vector<std::string> positional;

    bool has(const std::string& name) const { return values.count(name) != 0; }
    std::string get(const std::string& name, const std::string& def = {}) const;
    std::vector<std::string> all(const std::string& name) const;
    int getInt(const std::string& name, int def) const;
};

// Throws berth::Error("unknown flag --x for create") etc.
ParsedArgs parseFlags(const std::vector<std::string>& args, const std::vector<FlagSpec>& specs,
                      const std::string& verb);

// The verb's single container id: exactly one positional. Throws naming the verb.
std::string requireId(const ParsedArgs& args, const std::string& verb);

struct Context {
    GlobalOptions global;
    char** argv = nullptr;  // the process's argv, for the sealed re-exec
};

}  // namespace berth::runtime::cli
