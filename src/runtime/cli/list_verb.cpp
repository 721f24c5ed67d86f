// `list [--format table|json] [-q]`: runc's table (ID PID STATUS BUNDLE CREATED OWNER) or a
// JSON array of the same fields.
#include <cstdio>

#include "common/error.hpp"
#include "runtime/cli/verbs.hpp"

namespace berth::runtime::cli {

int cmdList(Context& ctx, const Args& argv) {
    ParsedArgs args =
        parseFlags(argv, {{{"format", "f"}, true}, {{"quiet", "q"}, false}}, "list");
    std::string format = args.get("format", "table");
    if (format != "table" && format != "json")
        throw Error("--format: expected table or json, got \"" + format + "\"");
    StateStore store(ctx.global.root);
    nlohmann::json rows = nlohmann::json::array();
    std::vector<std::string> ids;
    for (auto& id : store.list()) {
        ContainerState s;
        try {
            s = store.load(id);
        } catch (const Error&) {
            continue;  // removed meanwhile, or half-written by a crashed create
        }
        rows.push_back(store.stateJson(s, store.status(s)));
    }
    std::string out;
    if (args.has("quiet")) {
        for (auto& r : rows) out += r["id"].get<std::string>() + "\n";
    } else if (format == "json") {
        out = rows.dump() + "\n";
    } else {
        std::vector<std::vector<std::string>> table{{"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"}};
        for (auto& r : rows)
            table.push_back({r["id"].get<std::string>(), std::to_string(r["pid"].get<int>()),
                             r["status"].get<std::string>(), r["bundle"].get<std::string>(),
                             r["created"].get<std::string>(), r["owner"].get<std::string>()});
        std::vector<size_t> width(6, 0);
        for (auto& row : table)
            for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
        for (auto& row : table) {
            std::string line;
            for (size_t i = 0; i < row.size(); ++i) {
                line += row[i];
                if (i + 1 < row.size()) line += std::string(width[i] - row[i].size() + 4, ' ');
            }
            while (!line.empty() && line.back() == ' ') line.pop_back();
            out += line + "\n";
        }
    }
    fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}

}  // namespace berth::runtime::cli
