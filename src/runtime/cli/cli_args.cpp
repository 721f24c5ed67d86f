#include "runtime/cli/cli_args.hpp"

#include "common/error.hpp"

namespace berth::runtime::cli {

std::string ParsedArgs::get(const std::string& name, const std::string& def) const {
    auto it = values.find(name);
    if (it == values.end() || it->second.empty()) return def;
    return it->second.back();
}

std::vector<std::string> ParsedArgs::all(const std::string& name) const {
    auto it = values.find(name);
    return it == values.end() ? std::vector<std::string>{} : it->second;
}

int ParsedArgs::getInt(const std::string& name, int def) const {
    if (!has(name)) return def;
    std::string v = get(name);
    try {
        size_t used = 0;
        int n = std::stoi(v, &used);
        if (used != v.size()) throw std::invalid_argument(v);
        return n;
    } catch (const std::exception&) {
        throw Error("--" + name + ": expected an integer, got \"" + v + "\"");
    }
}

ParsedArgs parseFlags(const std::vector<std::string>& args, const std::vector<FlagSpec>& specs,
                      const std::string& verb) {
    ParsedArgs out;
    bool onlyPositional = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (onlyPositional || a.size() < 2 || a[0] != '-') {
            out.positional.push_back(a);
            continue;
        }
        if (a == "--") {
            onlyPositional = true;
            continue;
        }
        std::string name = a.substr(a[1] == '-' ? 2 : 1);
        std::optional<std::string> value;
        if (auto eq = name.find('='); eq != std::string::npos) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        const FlagSpec* spec = nullptr;
        for (auto& s : specs)
            for (auto& n : s.names)
                if (n == name) spec = &s;
        if (!spec) throw Error("unknown flag " + a + " for " + verb);
        if (spec->takesValue) {
            if (!value) {
                if (i + 1 >= args.size()) throw Error("flag " + a + " needs a value");
                value = args[++i];
            }
            out.values[spec->names[0]].push_back(*value);
        } else {
            if (value && *value != "true" && *value != "false")
                throw Error("flag --" + name + " takes no value");
            if (!value || *value == "true") out.values[spec->names[0]].push_back("true");
        }
    }
    return out;
}

std::string requireId(const ParsedArgs& args, const std::string& verb) {
    if (args.positional.empty()) throw Error(verb + ": a container id is required");
    if (args.positional.size() > 1)
        throw Error(verb + ": expected one container id, got " +
                    std::to_string(args.positional.size()) + " arguments");
    return args.positional[0];
}

}  // namespace berth::runtime::cli
