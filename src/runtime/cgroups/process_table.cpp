#include "runtime/cgroups/process_table.hpp"

#include <algorithm>
#include <sstream>

#include "common/error.hpp"
#include "common/strings.hpp"

namespace berth::runtime::cgroups {
namespace {

std::vector<std::string> fields(const std::string& line) {
    std::vector<std::string> out;
    std::istringstream in(line);
    for (std::string f; in >> f;) out.push_back(f);
    return out;
}

}  // namespace

std::string filterPsOutput(const std::string& psOutput, const std::vector<pid_t>& pids) {
    std::istringstream in(psOutput);
    std::string header;
    if (!std::getline(in, header)) throw Error("ps: no output");
    auto columns = fields(header);
    auto it = std::find(columns.begin(), columns.end(), "PID");
    if (it == columns.end()) throw Error("ps: no PID column in the output of ps");
    size_t pidColumn = size_t(it - columns.begin());
    std::string out = header + "\n";
    for (std::string line; std::getline(in, line);) {
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
