// A subset of Go's text/template, enough for what Docker users pass to --format:
//   {{.Field}} {{.A.B}} {{json .}} {{.Field | json}} {{upper .X}} {{join .List ","}}
//   {{if .X}}..{{else}}..{{end}} {{range .List}}{{.}}{{end}} {{range $k, $v := .Map}}..{{end}}
//   {{with .X}}..{{end}} {{index .Map "key"}} {{printf "%s" .X}} {{- trim -}} {{/* comment */}}
// Functions: Docker's (json, upper, lower, title, split, join, truncate, pad) and Go's builtins
// (len, index, print, printf, println, eq, ne, lt, le, gt, ge, and, or, not).
// The data is JSON; values print as Go's fmt %v prints the same Go value (maps as map[k:v]).
// Error texts follow Go's ("template: :1:2: executing \"\" at <.Foo>: ...").
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace berth::cli {

struct TemplateNode;

class Template {
  public:
    // Throws berth::Error ("template: :1: unclosed action") on bad syntax.
    static Template parse(std::string_view text);

    // strictFields: a field missing from the top-level object is an error, as with the typed
    // contexts Docker formats ("can't evaluate field Foo"); otherwise "<no value>" as for maps.
    // headerMode: Docker's HeaderFunctions: json/upper/lower/... return their argument unchanged
    // (used to render a table header from a map of column titles).
    // typeName: the Go type docker names in a missing-field error ("*formatter.imageContext").
    std::string execute(const nlohmann::json& data, bool strictFields = false,
                        bool headerMode = false, const std::string& typeName = "") const;

  private:
    std::shared_ptr<TemplateNode> root_;
};

// Go's fmt %v of a JSON value: strings raw, 12 / 1.5, true, <nil>, [a b], map[k:v].
std::string goFormat(const nlohmann::json& v);

// Go's encoding/json as Docker's `json` template function uses it (no HTML escaping).
std::string goJson(const nlohmann::json& v);

}  // namespace berth::cli
