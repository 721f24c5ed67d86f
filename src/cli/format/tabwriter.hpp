// Go's text/tabwriter as Docker configures it for tables (minwidth 10, tabwidth 1, padding 3,
// pad with spaces, flags 0): tab-terminated cells are aligned in columns per block of adjacent
// lines; the text after a line's last tab is not aligned.
#pragma once

#include <string>
#include <string_view>

namespace berth::cli {

struct TabWriterOptions {
    size_t minWidth = 10;
    size_t padding = 3;
};

std::string tabFormat(std::string_view text, TabWriterOptions opts = {});

}  // namespace berth::cli
