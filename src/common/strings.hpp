// Small string helpers used across modules.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace berth {

std::vector<std::string> split(std::string_view s, char sep);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
bool startsWith(std::string_view s, std::string_view prefix);
bool endsWith(std::string_view s, std::string_view suffix);
std::string trim(std::string_view s);

}  // namespace berth
