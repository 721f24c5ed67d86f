// The parsed form of a --format template, shared by the parser (template.cpp) and the
// executor (template_exec.cpp). Internal to cli/format.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace berth::cli {

namespace tmpl {

struct Pipeline;

struct Operand {
    enum Kind { Field, Var, Ident, String, Number, Bool, Nil, Sub } kind = Field;
    std::string name;                 // Ident/Var name, literal text for String/Number
    std::vector<std::string> fields;  // Field chain (empty = ".") or fields after a Var
    std::shared_ptr<Pipeline> sub;    // Sub: parenthesised pipeline
    nlohmann::json literal;           // Number/Bool
    std::string text;                 // source text for error messages
};

struct CommandArgs {
    std::vector<Operand> operands;
};

struct Pipeline {
    std::vector<std::string> decl;  // range $k, $v := ...
    std::vector<CommandArgs> cmds;
    int col = 0;
    std::string text;
};

}  // namespace tmpl

struct TemplateNode {
    enum Kind { List, Text, Action, If, Range, With } kind = List;
    std::string text;
    tmpl::Pipeline pipe;
    std::vector<std::shared_ptr<TemplateNode>> body;
    std::vector<std::shared_ptr<TemplateNode>> elseBody;
};

}  // namespace berth::cli
