// docker's --filter key=value arguments (filters.Args): parsed once, validated per verb.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

namespace berth::cli {

class Filters {
  public:
    // Throws UsageError ("invalid argument \"x\" for \"-f, --filter\" flag: bad format of filter
    // (expected name=value)") as docker's flag parser does.
    static Filters parse(const std::vector<std::string>& values);

    // Throws Error("Invalid filter 'foo'") for a key outside `allowed` (docker daemon's text).
    void validate(const std::set<std::string>& allowed) const;

    void add(const std::string& key, const std::string& value) { values_[key].push_back(value); }
    bool contains(const std::string& key) const { return values_.count(key) != 0; }
    std::vector<std::string> get(const std::string& key) const;
    bool empty() const { return values_.empty(); }

    // For a boolean filter (dangling=true): throws Error("Invalid filter 'dangling=maybe'").
    bool getBool(const std::string& key) const;

  private:
    std::map<std::string, std::vector<std::string>> values_;
};

// Go's path.Match as docker's reference filter uses it ("busy*", "*/app:1.?").
bool globMatch(const std::string& pattern, const std::string& name);

// Labels filter term: "key" (present) or "key=value".
bool labelsMatch(const std::map<std::string, std::string>& labels, const std::string& term);

}  // namespace berth::cli
