#include "cli/filters.hpp"

#include <fnmatch.h>

#include "cli/flags.hpp"
#include "common/error.hpp"

namespace berth::cli {

Filters Filters::parse(const std::vector<std::string>& values) {
    Filters f;
    for (const auto& v : values) {
        auto eq = v.find('=');
        if (eq == std::string::npos || eq == 0)
            throw UsageError("invalid argument \"" + v +
                             "\" for \"-f, --filter\" flag: bad format of filter (expected "
                             "name=value)");
        std::string key = v.substr(0, eq);
        for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        f.add(key, v.substr(eq + 1));
    }
    return f;
}

void Filters::validate(const std::set<std::string>& allowed) const {
    for (const auto& [key, _] : values_)
        if (!allowed.count(key)) throw Error("Invalid filter '" + key + "'");
}

std::vector<std::string> Filters::get(const std::string& key) const {
    auto it = values_.find(key);
    return it == values_.end() ? std::vector<std::string>{} : it->second;
}

bool Filters::getBool(const std::string& key) const {
    bool result = false;
    for (const auto& v : get(key)) {
        if (v == "true" || v == "1")
            result = true;
        else if (v == "false" || v == "0")
            result = false;
        else
            throw Error("Invalid filter '" + key + "=" + v + "'");
    }
    return result;
}

bool globMatch(const std::string& pattern, const std::string& name) {
    return fnmatch(pattern.c_str(), name.c_str(), FNM_PATHNAME) == 0;
}

bool labelsMatch(const std::map<std::string, std::string>& labels, const std::string& term) {
    auto eq = term.find('=');
    if (eq == std::string::npos) return labels.count(term) != 0;
    auto it = labels.find(term.substr(0, eq));
    return it != labels.end() && it->second == term.substr(eq + 1);
}

}  // namespace berth::cli
