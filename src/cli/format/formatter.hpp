// Docker's formatter.Context for list output (images, history, ps...): the --format string picks
//   ""/"table"        the command's default table
//   "table TEMPLATE"  a table with a header row made from the column titles, tab-aligned
//   "json"            one {{json .}} line per row
//   TEMPLATE          one line per row, no header, no alignment
// "\t" and "\n" written literally in the format are turned into tab and newline, as Docker does.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace berth::cli {

struct TableFormat {
    std::string defaultTable;  // "table {{.ID}}\t{{.Size}}"
    nlohmann::json headers;    // {"ID": "IMAGE ID", "Size": "SIZE"}
    std::string goType;        // docker's context type, named in errors: "*formatter.imageContext"
};

// A bad --format (parse or execution). Printed as is, exit status 1, as docker prints
// "template parsing error: ...".
class TemplateError : public Error {
  public:
    explicit TemplateError(std::string message) : Error(std::move(message)) {}
};

// Writes rows (each a JSON object of the row's fields) per `format`. Throws TemplateError with
// docker's "template parsing error: ..." text on a bad template or a failed execution.
void writeRows(std::ostream& out, const std::string& format, const TableFormat& table,
               const std::vector<nlohmann::json>& rows);

// For inspect-like output: executes `format` once on obj (missing fields print "<no value>").
std::string formatObject(const std::string& format, const nlohmann::json& obj);

// Docker's pre-processing of a --format string: literal "\t" / "\n" become tab / newline.
std::string unescapeFormat(const std::string& format);

}  // namespace berth::cli
