#include "runtime/cgroups/process_table.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "runtime/cgroups/text_fields.hpp"

namespace berth::runtime::cgroups {
namespace {

std::vector<std::string> fields(const std::string& line) { return textFields(line); }

}  // namespace

std::string filterPsOutput(const std::string& psOutput, const std::vector<pid_t>& pids) {
    auto lines = textLines(psOutput);
    if (lines.empty()) throw Error("ps: no output");
    const std::string& header = lines[0];
    auto columns = fields(header);
    auto it = std::find(columns.begin(), columns.end(), "PID");
    if (it == columns.end()) throw Error("ps: no PID column in the output of ps");
    size_t pidColumn = size_t(it - columns.begin());
    std::string out = header + "\n";
    for (size_t i = 1; i < lines.size(); ++i) {
        const std::string& line = lines[i];
        auto f = fields(line);
        if (f.size() <= pidColumn) continue;
        char* end = nullptr;
        long pid = std::strtol(f[pidColumn].c_str(), &end, 10);
        if (*end != '\0') continue;
        if (std::find(pids.begin(), pids.end(), pid_t(pid)) != pids.end()) out += line + "\n";
    }
    return out;
}

}  // namespace berth::runtime::cgroups
