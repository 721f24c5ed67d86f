#include "cli/format/formatter.hpp"

#include "cli/format/tabwriter.hpp"
#include "cli/format/template.hpp"
#include "common/error.hpp"

namespace berth::cli {

std::string unescapeFormat(const std::string& format) {
    std::string out;
    for (size_t i = 0; i < format.size(); ++i) {
        if (format[i] == '\\' && i + 1 < format.size() &&
            (format[i + 1] == 't' || format[i + 1] == 'n')) {
            out += format[i + 1] == 't' ? '\t' : '\n';
            ++i;
        } else {
            out += format[i];
        }
    }
    return out;
}

namespace {

Template parseOrExplain(const std::string& text) {
    try {
        return Template::parse(text);
    } catch (const Error& e) {
        throw TemplateError(std::string("template parsing error: ") + e.what());
    }
}

}  // namespace

void writeRows(std::ostream& out, const std::string& format, const TableFormat& table,
               const std::vector<nlohmann::json>& rows) {
    std::string f = format;
    if (f.empty() || f == "table") f = table.defaultTable;
    if (f == "json") f = "{{json .}}";
    bool isTable = f.rfind("table", 0) == 0;
    if (isTable) f = f.substr(f.size() > 5 && f[5] == ' ' ? 6 : 5);
    Template tmpl = parseOrExplain(unescapeFormat(f));
    std::string body;
    try {
        for (auto& row : rows) body += tmpl.execute(row, true, false, table.goType) + "\n";
    } catch (const TemplateError&) {
        throw;
    } catch (const Error& e) {
        throw TemplateError(std::string("template parsing error: ") + e.what());
    }
    if (!isTable) {
        out << body;
        return;
    }
    std::string header = tmpl.execute(table.headers, false, true) + "\n";
    out << tabFormat(header + body);
}

std::string formatObject(const std::string& format, const nlohmann::json& obj) {
    std::string f = format == "json" ? "{{json .}}" : format;
    Template tmpl = parseOrExplain(unescapeFormat(f));
    try {
        return tmpl.execute(obj, false);
    } catch (const Error& e) {
        throw TemplateError(e.what());
    }
}

}  // namespace berth::cli
