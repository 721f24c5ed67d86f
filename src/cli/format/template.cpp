#include "cli/format/template.hpp"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <optional>
#include <variant>
#include <vector>

#include "cli/format/template_ast.hpp"
#include "common/error.hpp"

namespace berth::cli {

using json = nlohmann::json;
using namespace tmpl;

namespace {

[[noreturn]] void parseError(const std::string& what) {
    throw Error("template: :1: " + what);
}

// ---- lexer for the inside of an action ----

struct Token {
    enum Kind { Field, Var, Ident, String, Number, Pipe, LParen, RParen, Declare, Comma } kind;
    std::string text;
};

std::vector<Token> lexAction(std::string_view s) {
    std::vector<Token> out;
    size_t i = 0;
    auto isIdent = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    while (i < s.size()) {
        char c = s[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
        } else if (c == '|') {
            out.push_back({Token::Pipe, "|"}), ++i;
        } else if (c == '(') {
            out.push_back({Token::LParen, "("}), ++i;
        } else if (c == ')') {
            out.push_back({Token::RParen, ")"}), ++i;
        } else if (c == ',') {
            out.push_back({Token::Comma, ","}), ++i;
        } else if (c == ':' && i + 1 < s.size() && s[i + 1] == '=') {
            out.push_back({Token::Declare, ":="}), i += 2;
        } else if (c == '"' || c == '`') {
            size_t j = i + 1;
            std::string val;
            while (j < s.size() && s[j] != c) {
                if (c == '"' && s[j] == '\\' && j + 1 < s.size()) {
                    char e = s[++j];
                    val += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e;
                } else {
                    val += s[j];
                }
                ++j;
            }
            if (j >= s.size()) parseError("unterminated quoted string");
            out.push_back({Token::String, val});
            i = j + 1;
        } else if (c == '.' || c == '$') {
            size_t j = i + 1;
            while (j < s.size() && (isIdent(s[j]) || s[j] == '.')) ++j;
            out.push_back({c == '.' ? Token::Field : Token::Var, std::string(s.substr(i, j - i))});
            i = j;
        } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+') {
            size_t j = i + 1;
            while (j < s.size() && (std::isalnum(static_cast<unsigned char>(s[j])) || s[j] == '.'))
                ++j;
            out.push_back({Token::Number, std::string(s.substr(i, j - i))});
            i = j;
        } else if (isIdent(c)) {
            size_t j = i;
            while (j < s.size() && isIdent(s[j])) ++j;
            // Go: "json." is a field access on a function, not "json ." ({{json.}}).
            if (j < s.size() && s[j] == '.') parseError("unexpected <.> in operand");
            out.push_back({Token::Ident, std::string(s.substr(i, j - i))});
            i = j;
        } else {
            parseError(std::string("unexpected \"") + c + "\" in command");
        }
    }
    return out;
}

std::vector<std::string> splitFields(const std::string& chain) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i < chain.size()) {
        size_t j = chain.find('.', i + 1);
        std::string part = chain.substr(i + 1, j == std::string::npos ? j : j - i - 1);
        if (!part.empty()) out.push_back(part);
        if (j == std::string::npos) break;
        i = j;
    }
    return out;
}

class PipelineParser {
  public:
    explicit PipelineParser(std::vector<Token> toks) : t_(std::move(toks)) {}

    Pipeline parse(bool allowDecl) {
        Pipeline p;
        if (allowDecl) {
            // $x := or $k, $v :=
            size_t k = 0;
            std::vector<std::string> vars;
            while (k < t_.size() && t_[k].kind == Token::Var) {
                vars.push_back(t_[k].text);
                ++k;
                if (k < t_.size() && t_[k].kind == Token::Comma)
                    ++k;
                else
                    break;
            }
            if (!vars.empty() && k < t_.size() && t_[k].kind == Token::Declare) {
                p.decl = vars;
                i_ = k + 1;
            }
        }
        parseInto(p);
        if (i_ != t_.size()) parseError("unexpected \"" + t_[i_].text + "\" in operand");
        return p;
    }

  private:
    void parseInto(Pipeline& p) {
        for (;;) {
            CommandArgs cmd;
            while (i_ < t_.size() && t_[i_].kind != Token::Pipe && t_[i_].kind != Token::RParen)
                cmd.operands.push_back(operand());
            if (cmd.operands.empty()) parseError("missing value for command");
            p.cmds.push_back(std::move(cmd));
            if (i_ < t_.size() && t_[i_].kind == Token::Pipe) {
                ++i_;
                continue;
            }
            break;
        }
    }

    Operand operand() {
        const Token& tk = t_[i_++];
        Operand o;
        o.text = tk.text;
        switch (tk.kind) {
            case Token::Field:
                o.kind = Operand::Field;
                o.fields = splitFields(tk.text);
                break;
            case Token::Var: {
                o.kind = Operand::Var;
                size_t dot = tk.text.find('.');
                o.name = tk.text.substr(0, dot);
                if (dot != std::string::npos) o.fields = splitFields(tk.text.substr(dot));
                break;
            }
            case Token::String:
                o.kind = Operand::String;
                o.name = tk.text;
                break;
            case Token::Number: {
                o.kind = Operand::Number;
                try {
                    size_t used = 0;
                    if (tk.text.find_first_of(".eE") == std::string::npos) {
                        o.literal = std::stoll(tk.text, &used);
                    } else {
                        o.literal = std::stod(tk.text, &used);
                    }
                    if (used != tk.text.size()) throw std::invalid_argument("");
                } catch (const std::exception&) {
                    parseError("bad number syntax: \"" + tk.text + "\"");
                }
                break;
            }
            case Token::Ident:
                if (tk.text == "true" || tk.text == "false") {
                    o.kind = Operand::Bool;
                    o.literal = tk.text == "true";
                } else if (tk.text == "nil") {
                    o.kind = Operand::Nil;
                } else {
                    o.kind = Operand::Ident;
                    o.name = tk.text;
                }
                break;
            case Token::LParen: {
                o.kind = Operand::Sub;
                o.sub = std::make_shared<Pipeline>();
                parseInto(*o.sub);
                if (i_ >= t_.size() || t_[i_].kind != Token::RParen)
                    parseError("unclosed left paren");
                ++i_;
                // (pipeline).Field
                if (i_ < t_.size() && t_[i_].kind == Token::Field && t_[i_].text != ".")
                    o.fields = splitFields(t_[i_++].text);
                break;
            }
            default:
                parseError("unexpected \"" + tk.text + "\" in operand");
        }
        return o;
    }

    std::vector<Token> t_;
    size_t i_ = 0;
};

// ---- template text parser ----

using NodePtr = std::shared_ptr<TemplateNode>;

struct Frame {
    NodePtr node;
    bool inElse = false;
};

void appendTo(std::vector<Frame>& stack, NodePtr n) {
    Frame& f = stack.back();
    (f.inElse ? f.node->elseBody : f.node->body).push_back(std::move(n));
}

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

}  // namespace

Template Template::parse(std::string_view text) {
    auto root = std::make_shared<TemplateNode>();
    std::vector<Frame> stack{{root, false}};
    size_t pos = 0;
    std::string pendingText;
    auto flushText = [&] {
        if (!pendingText.empty()) {
            auto n = std::make_shared<TemplateNode>();
            n->kind = TemplateNode::Text;
            n->text = std::move(pendingText);
            appendTo(stack, n);
        }
        pendingText.clear();
    };
    while (pos < text.size()) {
        size_t open = text.find("{{", pos);
        if (open == std::string_view::npos) {
            pendingText += text.substr(pos);
            break;
        }
        pendingText += text.substr(pos, open - pos);
        size_t start = open + 2;
        if (start + 1 < text.size() && text[start] == '-' && isSpace(text[start + 1])) {
            while (!pendingText.empty() && isSpace(pendingText.back())) pendingText.pop_back();
            start += 2;
        }
        // Find the closing "}}" outside quoted strings.
        size_t close = std::string_view::npos;
        char quote = 0;
        for (size_t k = start; k + 1 < text.size(); ++k) {
            char c = text[k];
            if (quote) {
                if (c == '\\' && quote == '"')
                    ++k;
                else if (c == quote)
                    quote = 0;
            } else if (c == '"' || c == '`') {
                quote = c;
            } else if (c == '}' && text[k + 1] == '}') {
                close = k;
                break;
            }
        }
        if (close == std::string_view::npos) parseError("unclosed action");
        size_t end = close;
        bool trimRight = false;
        if (end >= start + 2 && text[end - 1] == '-' && isSpace(text[end - 2])) {
            trimRight = true;
            end -= 1;
        }
        std::string inner(text.substr(start, end - start));
        pos = close + 2;
        if (trimRight)
            while (pos < text.size() && isSpace(text[pos])) ++pos;
        flushText();

        std::string body = inner;
        size_t b = body.find_first_not_of(" \t\r\n");
        if (b == std::string::npos) parseError("missing value for command");
        body = body.substr(b);
        if (body.rfind("/*", 0) == 0) continue;  // comment
        auto toks = lexAction(body);
        std::string kw = !toks.empty() && toks[0].kind == Token::Ident ? toks[0].text : "";
        if (kw == "end") {
            if (stack.size() < 2) parseError("unexpected {{end}}");
            stack.pop_back();
            continue;
        }
        if (kw == "else") {
            if (stack.size() < 2 || stack.back().inElse) parseError("unexpected {{else}}");
            stack.back().inElse = true;
            if (toks.size() > 1 && toks[1].kind == Token::Ident && toks[1].text == "if") {
                // {{else if X}} = {{else}}{{if X}} .. with a shared {{end}}
                auto n = std::make_shared<TemplateNode>();
                n->kind = TemplateNode::If;
                n->pipe = PipelineParser({toks.begin() + 2, toks.end()}).parse(false);
                appendTo(stack, n);
                stack.back().node = n;  // the else-if's end closes the outer frame
                stack.back().inElse = false;
            }
            continue;
        }
        auto n = std::make_shared<TemplateNode>();
        if (kw == "if" || kw == "range" || kw == "with") {
            n->kind = kw == "if"      ? TemplateNode::If
                      : kw == "range" ? TemplateNode::Range
                                      : TemplateNode::With;
            n->pipe = PipelineParser({toks.begin() + 1, toks.end()}).parse(kw == "range");
            if (n->pipe.cmds.empty()) parseError("missing value for " + kw);
            appendTo(stack, n);
            stack.push_back({n, false});
        } else if (kw == "define" || kw == "template" || kw == "block") {
            parseError("\"" + kw + "\" is not supported by berth's --format");
        } else {
            n->kind = TemplateNode::Action;
            n->pipe = PipelineParser(std::move(toks)).parse(false);
            n->pipe.col = static_cast<int>(start + b);
            n->pipe.text = body.substr(0, body.find_last_not_of(" \t\r\n") + 1);
            appendTo(stack, n);
        }
    }
    flushText();
    if (stack.size() > 1) parseError("unexpected EOF");
    Template t;
    t.root_ = root;
    return t;
}

}  // namespace berth::cli
