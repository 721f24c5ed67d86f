// Splitting cgroup files into lines and whitespace-separated fields without iostreams: the
// cgroup code also links into the static berth-monitor (its in-process delete), where
// <sstream> would pull in libstdc++'s locale machinery (~500 kB).
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace berth::runtime::cgroups {

// Lines without their '\n' (a last line without one included; no empty trailing line).
inline std::vector<std::string> textLines(std::string_view text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < text.size()) {
        size_t nl = text.find('\n', start);
        if (nl == std::string_view::npos) nl = text.size();
        out.emplace_back(text.substr(start, nl - start));
        start = nl + 1;
    }
    return out;
}

// Fields separated by any run of blanks (space, tab, newline), as `in >> word` reads them.
inline std::vector<std::string> textFields(std::string_view text) {
    std::vector<std::string> out;
    size_t i = 0;
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
    while (i < text.size()) {
        while (i < text.size() && blank(text[i])) ++i;
        size_t start = i;
        while (i < text.size() && !blank(text[i])) ++i;
        if (i > start) out.emplace_back(text.substr(start, i - start));
    }
    return out;
}

// A whole field as an unsigned decimal number; false when it is not one.
inline bool parseUnsignedField(const std::string& field, uint64_t& out) {
    if (field.empty() || field[0] < '0' || field[0] > '9') return false;
    errno = 0;
    char* end = nullptr;
    unsigned long long v = std::strtoull(field.c_str(), &end, 10);
    if (errno != 0 || *end != '\0') return false;
    out = v;
    return true;
}

}  // namespace berth::runtime::cgroups
