// Docker-style (spf13/pflag) command-line flags: --long, -s, combined shorts (-it), --flag=value
// and --flag value, -e=VAL and -eVAL, repeated list flags (-e A -e B), bool flags with an optional
// "=false", and "--" ending the options. Errors use pflag's wording, which Docker users know:
//   unknown flag: --foo
//   unknown shorthand flag: 'x' in -x
//   flag needs an argument: --name
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace berth::cli {

// A command-line usage error: printed with "See 'berth X --help'." and exit status 125.
class UsageError : public Error {
  public:
    explicit UsageError(std::string message) : Error(std::move(message)) {}
};

// Bytes: docker's MemBytes ("64m", units.RAMInBytes); Duration: Go's time.ParseDuration
// ("1m30s"); Decimal: a float (--cpus).
enum class FlagKind { Bool, String, StringList, Int, Uint, Bytes, Duration, Decimal };

struct FlagDef {
    std::string name;    // long name, without "--"
    char shorthand = 0;  // 0 = none
    FlagKind kind = FlagKind::Bool;
    std::string valueType;  // shown in help: "string", "filter", "list", "int", "bytes"...
    std::string usage;
    std::string defaultValue;  // as text; shown in help when not empty / not false / not 0
    bool hidden = false;
};

struct FlagValue {
    bool set = false;                 // given on the command line
    std::vector<std::string> values;  // every occurrence (last wins for scalars)
};

class FlagSet {
  public:
    // Definitions. Each returns *this so a command's flags read as one block.
    FlagSet& addBool(const std::string& name, char shorthand, const std::string& usage,
                     bool def = false);
    FlagSet& addString(const std::string& name, char shorthand, const std::string& usage,
                       const std::string& def = "", const std::string& valueType = "string");
    FlagSet& addList(const std::string& name, char shorthand, const std::string& usage,
                     const std::string& valueType = "list");
    FlagSet& addInt(const std::string& name, char shorthand, const std::string& usage,
                    int64_t def = 0);
    FlagSet& addBytes(const std::string& name, char shorthand, const std::string& usage);
    FlagSet& addDuration(const std::string& name, char shorthand, const std::string& usage,
                         const std::string& def = "0s");
    FlagSet& addDecimal(const std::string& name, char shorthand, const std::string& usage);
    FlagSet& hide(const std::string& name);

    const FlagDef* find(const std::string& name) const;
    const FlagDef* findShort(char c) const;
    const std::vector<FlagDef>& defs() const { return defs_; }
    bool empty() const { return defs_.empty(); }

    // Parses args. Non-flag args are appended to `positional`. With interspersed=false the first
    // positional ends flag parsing (docker run IMAGE CMD --flags-for-cmd). "--" always ends it.
    // Throws UsageError with pflag's text.
    void parse(const std::vector<std::string>& args, std::vector<std::string>& positional,
               bool interspersed = true);
    // Parses one flag starting at args[i]; returns the index after it. Used for the root
    // command's flags, which stop at the subcommand.
    size_t parseOne(const std::vector<std::string>& args, size_t i);

    // Lookups. Asking for an undefined flag is a programming error (std::logic_error).
    bool getBool(const std::string& name) const;
    std::string getString(const std::string& name) const;
    std::vector<std::string> getList(const std::string& name) const;
    int64_t getInt(const std::string& name) const;
    bool changed(const std::string& name) const;
    int64_t getBytes(const std::string& name) const;     // 0 when not set
    int64_t getDuration(const std::string& name) const;  // nanoseconds
    double getDecimal(const std::string& name) const;    // 0 when not set

    // pflag's FlagUsages: "  -a, --all             Show all images", aligned.
    std::string usages() const;

  private:
    void setValue(const FlagDef& def, const std::string& value, const std::string& shownAs);
    const FlagDef& require(const std::string& name) const;

    std::vector<FlagDef> defs_;
    std::map<std::string, FlagValue> values_;
};

// Parses a bool as Go's strconv.ParseBool: 1 t T TRUE true True 0 f F FALSE false False.
std::optional<bool> parseGoBool(const std::string& s);

// Go's time.ParseDuration ("300ms", "-1.5h", "1h2m3s"); nanoseconds, nullopt when invalid.
std::optional<int64_t> parseGoDuration(const std::string& s);

}  // namespace berth::cli
