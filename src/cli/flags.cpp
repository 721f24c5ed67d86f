#include "cli/flags.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

#include "cli/format/units.hpp"

namespace berth::cli {
namespace {

std::string displayName(const FlagDef& def) {
    if (def.shorthand) return std::string("-") + def.shorthand + ", --" + def.name;
    return "--" + def.name;
}

bool takesValue(const FlagDef& def) {
    return def.kind != FlagKind::Bool;
}

}  // namespace

std::optional<bool> parseGoBool(const std::string& s) {
    if (s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "true" || s == "True") return true;
    if (s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "false" || s == "False")
        return false;
    return std::nullopt;
}

FlagSet& FlagSet::addBool(const std::string& name, char shorthand, const std::string& usage,
                          bool def) {
    defs_.push_back({name, shorthand, FlagKind::Bool, "", usage, def ? "true" : "false", false});
    return *this;
}

FlagSet& FlagSet::addString(const std::string& name, char shorthand, const std::string& usage,
                            const std::string& def, const std::string& valueType) {
    defs_.push_back({name, shorthand, FlagKind::String, valueType, usage, def, false});
    return *this;
}

FlagSet& FlagSet::addList(const std::string& name, char shorthand, const std::string& usage,
                          const std::string& valueType) {
    defs_.push_back({name, shorthand, FlagKind::StringList, valueType, usage, "", false});
    return *this;
}

FlagSet& FlagSet::addInt(const std::string& name, char shorthand, const std::string& usage,
                         int64_t def) {
    defs_.push_back({name, shorthand, FlagKind::Int, "int", usage, std::to_string(def), false});
    return *this;
}

FlagSet& FlagSet::addBytes(const std::string& name, char shorthand, const std::string& usage) {
    defs_.push_back({name, shorthand, FlagKind::Bytes, "bytes", usage, "", false});
    return *this;
}

FlagSet& FlagSet::addDuration(const std::string& name, char shorthand, const std::string& usage,
                              const std::string& def) {
    defs_.push_back({name, shorthand, FlagKind::Duration, "duration", usage, def, false});
    return *this;
}

FlagSet& FlagSet::addDecimal(const std::string& name, char shorthand, const std::string& usage) {
    defs_.push_back({name, shorthand, FlagKind::Decimal, "decimal", usage, "", false});
    return *this;
}

std::optional<int64_t> parseGoDuration(const std::string& str) {
    std::string s = str;
    bool neg = false;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        s.erase(0, 1);
    }
    if (s == "0") return 0;
    if (s.empty()) return std::nullopt;
    static const std::pair<const char*, double> kUnits[] = {
        {"ns", 1},   {"us", 1e3}, {"\u00b5s", 1e3}, {"\u03bcs", 1e3},
        {"ms", 1e6}, {"s", 1e9},  {"m", 60e9},      {"h", 3600e9}};
    double total = 0;
    size_t i = 0;
    while (i < s.size()) {
        size_t start = i;
        while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
        if (i == start || (i - start == 1 && s[start] == '.')) return std::nullopt;
        double value = std::strtod(s.substr(start, i - start).c_str(), nullptr);
        size_t ustart = i;
        while (i < s.size() && !std::isdigit(static_cast<unsigned char>(s[i])) && s[i] != '.') ++i;
        std::string unit = s.substr(ustart, i - ustart);
        if (unit.empty()) return std::nullopt;  // Go: "missing unit in duration"
        bool found = false;
        for (auto& [u, mult] : kUnits)
            if (unit == u) {
                total += value * mult;
                found = true;
            }
        if (!found) return std::nullopt;
    }
    if (total > 9.2e18) return std::nullopt;
    auto ns = static_cast<int64_t>(std::llround(total));
    return neg ? -ns : ns;
}

FlagSet& FlagSet::hide(const std::string& name) {
    for (auto& d : defs_)
        if (d.name == name) d.hidden = true;
    return *this;
}

const FlagDef* FlagSet::find(const std::string& name) const {
    for (auto& d : defs_)
        if (d.name == name) return &d;
    return nullptr;
}

const FlagDef* FlagSet::findShort(char c) const {
    for (auto& d : defs_)
        if (d.shorthand == c) return &d;
    return nullptr;
}

const FlagDef& FlagSet::require(const std::string& name) const {
    const FlagDef* d = find(name);
    if (!d) throw std::logic_error("flag --" + name + " is not defined for this command");
    return *d;
}

void FlagSet::setValue(const FlagDef& def, const std::string& value, const std::string& shownAs) {
    auto bad = [&](const std::string& why) {
        return UsageError("invalid argument \"" + value + "\" for \"" + shownAs +
                          "\" flag: " + why);
    };
    switch (def.kind) {
        case FlagKind::Bool:
            if (!parseGoBool(value))
                throw bad("strconv.ParseBool: parsing \"" + value + "\": invalid syntax");
            break;
        case FlagKind::Int:
        case FlagKind::Uint: {
            int64_t v = 0;
            auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
            if (ec == std::errc::result_out_of_range)
                throw bad("strconv.ParseInt: parsing \"" + value + "\": value out of range");
            if (ec != std::errc() || p != value.data() + value.size())
                throw bad("strconv.ParseInt: parsing \"" + value + "\": invalid syntax");
            break;
        }
        case FlagKind::Bytes:
            if (!ramInBytes(value)) throw bad("invalid size: '" + value + "'");
            break;
        case FlagKind::Duration:
            if (!parseGoDuration(value)) throw bad("time: invalid duration \"" + value + "\"");
            break;
        case FlagKind::Decimal: {
            char* end = nullptr;
            std::strtod(value.c_str(), &end);
            if (value.empty() || *end != '\0')
                throw bad("failed to parse " + value + " as a rational number");
            break;
        }
        case FlagKind::String:
        case FlagKind::StringList:
            break;
    }
    auto& fv = values_[def.name];
    fv.set = true;
    fv.values.push_back(value);
}

size_t FlagSet::parseOne(const std::vector<std::string>& args, size_t i) {
    const std::string& arg = args[i];
    if (arg.size() > 2 && arg[0] == '-' && arg[1] == '-') {
        std::string body = arg.substr(2);
        if (body[0] == '-' || body[0] == '=') throw UsageError("bad flag syntax: " + arg);
        std::string name = body;
        std::optional<std::string> inlineValue;
        if (auto eq = body.find('='); eq != std::string::npos) {
            name = body.substr(0, eq);
            inlineValue = body.substr(eq + 1);
        }
        const FlagDef* def = find(name);
        if (!def) throw UsageError("unknown flag: --" + name);
        if (!takesValue(*def)) {
            setValue(*def, inlineValue.value_or("true"), displayName(*def));
            return i + 1;
        }
        if (inlineValue) {
            setValue(*def, *inlineValue, displayName(*def));
            return i + 1;
        }
        if (i + 1 >= args.size()) throw UsageError("flag needs an argument: --" + name);
        setValue(*def, args[i + 1], displayName(*def));
        return i + 2;
    }
    // Shorthand cluster: -it, -e=A, -eA, -e A.
    for (size_t k = 1; k < arg.size(); ++k) {
        char c = arg[k];
        const FlagDef* def = findShort(c);
        if (!def) throw UsageError(std::string("unknown shorthand flag: '") + c + "' in " + arg);
        std::string rest = arg.substr(k + 1);
        if (!takesValue(*def)) {
            if (!rest.empty() && rest[0] == '=') {
                setValue(*def, rest.substr(1), displayName(*def));
                return i + 1;
            }
            setValue(*def, "true", displayName(*def));
            continue;
        }
        if (!rest.empty()) {
            setValue(*def, rest[0] == '=' ? rest.substr(1) : rest, displayName(*def));
            return i + 1;
        }
        if (i + 1 >= args.size())
            throw UsageError(std::string("flag needs an argument: '") + c + "' in -" + c);
        setValue(*def, args[i + 1], displayName(*def));
        return i + 2;
    }
    return i + 1;
}

void FlagSet::parse(const std::vector<std::string>& args, std::vector<std::string>& positional,
                    bool interspersed) {
    size_t i = 0;
    while (i < args.size()) {
        const std::string& arg = args[i];
        if (arg == "--") {
            positional.insert(positional.end(), args.begin() + i + 1, args.end());
            return;
        }
        if (arg.size() < 2 || arg[0] != '-') {
            if (!interspersed) {
                positional.insert(positional.end(), args.begin() + i, args.end());
                return;
            }
            positional.push_back(arg);
            ++i;
            continue;
        }
        i = parseOne(args, i);
    }
}

bool FlagSet::getBool(const std::string& name) const {
    const FlagDef& d = require(name);
    auto it = values_.find(name);
    if (it == values_.end() || it->second.values.empty()) return *parseGoBool(d.defaultValue);
    return *parseGoBool(it->second.values.back());
}

std::string FlagSet::getString(const std::string& name) const {
    const FlagDef& d = require(name);
    auto it = values_.find(name);
    if (it == values_.end() || it->second.values.empty()) return d.defaultValue;
    return it->second.values.back();
}

std::vector<std::string> FlagSet::getList(const std::string& name) const {
    require(name);
    auto it = values_.find(name);
    if (it == values_.end()) return {};
    return it->second.values;
}

int64_t FlagSet::getInt(const std::string& name) const {
    std::string s = getString(name);
    int64_t v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
}

int64_t FlagSet::getBytes(const std::string& name) const {
    std::string v = getString(name);
    return v.empty() ? 0 : ramInBytes(v).value_or(0);
}

int64_t FlagSet::getDuration(const std::string& name) const {
    return parseGoDuration(getString(name)).value_or(0);
}

double FlagSet::getDecimal(const std::string& name) const {
    std::string v = getString(name);
    return v.empty() ? 0 : std::strtod(v.c_str(), nullptr);
}

bool FlagSet::changed(const std::string& name) const {
    require(name);
    auto it = values_.find(name);
    return it != values_.end() && it->second.set;
}

std::string FlagSet::usages() const {
    std::vector<const FlagDef*> shown;
    for (auto& d : defs_)
        if (!d.hidden) shown.push_back(&d);
    std::sort(shown.begin(), shown.end(),
              [](const FlagDef* a, const FlagDef* b) { return a->name < b->name; });
    std::vector<std::pair<std::string, std::string>> lines;
    size_t maxlen = 0;
    for (const FlagDef* d : shown) {
        std::string left = d->shorthand ? std::string("  -") + d->shorthand + ", --" + d->name
                                        : "      --" + d->name;
        if (!d->valueType.empty() && d->kind != FlagKind::Bool) left += " " + d->valueType;
        std::string right = d->usage;
        bool zero = d->defaultValue.empty() || d->defaultValue == "false" ||
                    (d->kind == FlagKind::Int && d->defaultValue == "0") ||
                    (d->kind == FlagKind::Duration && d->defaultValue == "0s");
        if (!zero) {
            if (d->kind == FlagKind::String)
                right += " (default \"" + d->defaultValue + "\")";
            else
                right += " (default " + d->defaultValue + ")";
        }
        maxlen = std::max(maxlen, left.size());
        lines.emplace_back(left, right);
    }
    std::string out;
    for (auto& [left, right] : lines)
        out += left + std::string(maxlen - left.size() + 3, ' ') + right + "\n";
    return out;
}

}  // namespace berth::cli
