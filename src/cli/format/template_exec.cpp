// Execution of parsed --format templates: Go's text/template semantics over JSON data.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "cli/format/template.hpp"
#include "cli/format/template_ast.hpp"
#include "common/error.hpp"

namespace berth::cli {

using json = nlohmann::json;
using namespace tmpl;

namespace {

const json& noValue() {
    static const json v(json::value_t::discarded);
    return v;
}

bool truthy(const json& v) {
    switch (v.type()) {
        case json::value_t::null:
        case json::value_t::discarded:
            return false;
        case json::value_t::boolean:
            return v.get<bool>();
        case json::value_t::number_integer:
        case json::value_t::number_unsigned:
        case json::value_t::number_float:
            return v.get<double>() != 0;
        case json::value_t::string:
            return !v.get_ref<const std::string&>().empty();
        default:
            return !v.empty();
    }
}

std::string goFloat(double f) {
    char buf[64];
    int prec = 1;
    for (; prec <= 17; ++prec) {
        snprintf(buf, sizeof buf, "%.*e", prec - 1, f);
        if (strtod(buf, nullptr) == f) break;
    }
    int exp = 0;
    if (f != 0) {
        std::string e(buf);
        exp = std::stoi(e.substr(e.find('e') + 1));
    }
    if (exp < -4 || exp >= 6) {  // strconv: shortest %g decides with precision 6
        snprintf(buf, sizeof buf, "%.*e", prec - 1, f);
    } else {
        snprintf(buf, sizeof buf, "%.*f", std::max(prec - 1 - exp, 0), f);
    }
    return buf;
}

using Args = std::vector<json>;
using Func = std::function<json(const Args&)>;

std::string str(const json& v) {
    return goFormat(v);
}

int64_t toInt(const json& v, const char* fn) {
    if (!v.is_number()) throw Error(std::string(fn) + ": expected an integer, got " + goFormat(v));
    return v.get<int64_t>();
}

int compareValues(const json& a, const json& b, const char* fn) {
    if (a.is_number() && b.is_number()) {
        double x = a.get<double>(), y = b.get<double>();
        return x < y ? -1 : x > y ? 1 : 0;
    }
    if (a.is_string() && b.is_string()) return a.get<std::string>().compare(b.get<std::string>());
    throw Error(std::string(fn) + ": incompatible types for comparison");
}

std::string goPrintf(const Args& a) {
    if (a.empty()) throw Error("printf: wrong number of args");
    std::string fmt = str(a[0]), out;
    size_t argi = 1;
    for (size_t i = 0; i < fmt.size(); ++i) {
        if (fmt[i] != '%' || i + 1 >= fmt.size()) {
            out += fmt[i];
            continue;
        }
        char verb = fmt[++i];
        if (verb == '%') {
            out += '%';
            continue;
        }
        if (argi >= a.size()) {
            out += std::string("%!") + verb + "(MISSING)";
            continue;
        }
        const json& v = a[argi++];
        if (verb == 'q')
            out += goJson(json(str(v)));
        else if (verb == 'd' && v.is_number())
            out += std::to_string(v.get<int64_t>());
        else
            out += str(v);
    }
    return out;
}

const std::map<std::string, Func>& functions() {
    static const std::map<std::string, Func> fns = {
        {"json", [](const Args& a) { return json(goJson(a.at(0))); }},
        {"upper",
         [](const Args& a) {
             std::string s = str(a.at(0));
             for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
             return json(s);
         }},
        {"lower",
         [](const Args& a) {
             std::string s = str(a.at(0));
             for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
             return json(s);
         }},
        {"title",
         [](const Args& a) {
             std::string s = str(a.at(0));
             bool start = true;
             for (auto& c : s) {
                 if (start) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
                 start = std::isspace(static_cast<unsigned char>(c));
             }
             return json(s);
         }},
        {"split",
         [](const Args& a) {
             std::string s = str(a.at(0)), sep = str(a.at(1));
             json out = json::array();
             if (sep.empty()) {
                 for (char c : s) out.push_back(std::string(1, c));
                 return out;
             }
             size_t p = 0;
             for (;;) {
                 size_t q = s.find(sep, p);
                 out.push_back(s.substr(p, q == std::string::npos ? q : q - p));
                 if (q == std::string::npos) break;
                 p = q + sep.size();
             }
             return out;
         }},
        {"join",
         [](const Args& a) {
             std::string out, sep = str(a.at(1));
             if (!a.at(0).is_array()) return json(str(a.at(0)));
             bool first = true;
             for (auto& e : a.at(0)) {
                 if (!first) out += sep;
                 out += str(e);
                 first = false;
             }
             return json(out);
         }},
        {"truncate",
         [](const Args& a) {
             std::string s = str(a.at(0));
             int64_t n = toInt(a.at(1), "truncate");
             if (n >= 0 && static_cast<size_t>(n) < s.size()) s.resize(static_cast<size_t>(n));
             return json(s);
         }},
        {"pad",
         [](const Args& a) {
             std::string s = str(a.at(0));
             if (s.empty()) return json(s);
             auto l = static_cast<size_t>(std::max<int64_t>(0, toInt(a.at(1), "pad")));
             auto r = static_cast<size_t>(std::max<int64_t>(0, toInt(a.at(2), "pad")));
             return json(std::string(l, ' ') + s + std::string(r, ' '));
         }},
        {"len",
         [](const Args& a) {
             const json& v = a.at(0);
             if (v.is_string()) return json(v.get_ref<const std::string&>().size());
             if (v.is_array() || v.is_object()) return json(v.size());
             if (v.is_null()) return json(0);
             throw Error("len of type " + std::string(v.type_name()));
         }},
        {"index",
         [](const Args& a) {
             json v = a.at(0);
             for (size_t i = 1; i < a.size(); ++i) {
                 if (v.is_object()) {
                     auto it = v.find(str(a[i]));
                     v = it == v.end() ? noValue() : *it;
                 } else if (v.is_array()) {
                     int64_t k = toInt(a[i], "index");
                     if (k < 0 || static_cast<size_t>(k) >= v.size())
                         throw Error("index out of range: " + std::to_string(k));
                     v = v[static_cast<size_t>(k)];
                 } else {
                     throw Error("can't index item of type " + std::string(v.type_name()));
                 }
             }
             return v;
         }},
        {"print",
         [](const Args& a) {
             std::string out;
             for (size_t i = 0; i < a.size(); ++i) {
                 if (i && !a[i].is_string() && !a[i - 1].is_string()) out += ' ';
                 out += str(a[i]);
             }
             return json(out);
         }},
        {"println",
         [](const Args& a) {
             std::string out;
             for (size_t i = 0; i < a.size(); ++i) out += (i ? " " : "") + str(a[i]);
             return json(out + "\n");
         }},
        {"printf", [](const Args& a) { return json(goPrintf(a)); }},
        {"not", [](const Args& a) { return json(!truthy(a.at(0))); }},
        {"and",
         [](const Args& a) {
             for (auto& v : a)
                 if (!truthy(v)) return v;
             return a.back();
         }},
        {"or",
         [](const Args& a) {
             for (auto& v : a)
                 if (truthy(v)) return v;
             return a.back();
         }},
        {"eq",
         [](const Args& a) {
             for (size_t i = 1; i < a.size(); ++i)
                 if (a[0] == a[i]) return json(true);
             return json(false);
         }},
        {"ne", [](const Args& a) { return json(a.at(0) != a.at(1)); }},
        {"lt", [](const Args& a) { return json(compareValues(a.at(0), a.at(1), "lt") < 0); }},
        {"le", [](const Args& a) { return json(compareValues(a.at(0), a.at(1), "le") <= 0); }},
        {"gt", [](const Args& a) { return json(compareValues(a.at(0), a.at(1), "gt") > 0); }},
        {"ge", [](const Args& a) { return json(compareValues(a.at(0), a.at(1), "ge") >= 0); }},
    };
    return fns;
}

// Docker's HeaderFunctions: when rendering a table header the formatting functions are no-ops.
bool isHeaderNoop(const std::string& fn) {
    return fn == "json" || fn == "split" || fn == "join" || fn == "title" || fn == "lower" ||
           fn == "upper" || fn == "truncate" || fn == "pad";
}

class Executor {
  public:
    Executor(const json& root, bool strict, bool header, std::string typeName)
        : root_(root), strict_(strict), header_(header), typeName_(std::move(typeName)) {}

    void run(const std::vector<std::shared_ptr<TemplateNode>>& nodes, const json& dot) {
        for (auto& n : nodes) runNode(*n, dot);
    }
    std::string out;

  private:
    void runNode(const TemplateNode& n, const json& dot) {
        switch (n.kind) {
            case TemplateNode::List:
                run(n.body, dot);
                break;
            case TemplateNode::Text:
                out += n.text;
                break;
            case TemplateNode::Action: {
                json v = evalPipeline(n.pipe, dot);
                out += goFormat(v);
                break;
            }
            case TemplateNode::If: {
                json v = evalPipeline(n.pipe, dot);
                run(truthy(v) ? n.body : n.elseBody, dot);
                break;
            }
            case TemplateNode::With: {
                json v = evalPipeline(n.pipe, dot);
                if (truthy(v))
                    run(n.body, v);
                else
                    run(n.elseBody, dot);
                break;
            }
            case TemplateNode::Range:
                runRange(n, dot);
                break;
        }
    }

    void runRange(const TemplateNode& n, const json& dot) {
        json v = evalPipeline(n.pipe, dot);
        if (!truthy(v)) {
            if (!v.is_null() && !v.is_discarded() && !v.is_array() && !v.is_object())
                fail(n.pipe, "range can't iterate over " + goFormat(v));
            run(n.elseBody, dot);
            return;
        }
        if (!v.is_array() && !v.is_object())
            fail(n.pipe, "range can't iterate over " + goFormat(v));
        size_t mark = vars_.size();
        size_t i = 0;
        for (auto it = v.begin(); it != v.end(); ++it, ++i) {
            json key = v.is_array() ? json(i) : json(it.key());
            if (n.pipe.decl.size() == 1) vars_.emplace_back(n.pipe.decl[0], *it);
            if (n.pipe.decl.size() >= 2) {
                vars_.emplace_back(n.pipe.decl[0], key);
                vars_.emplace_back(n.pipe.decl[1], *it);
            }
            run(n.body, *it);
            vars_.resize(mark);
        }
    }

    [[noreturn]] void fail(const Pipeline& p, const std::string& what) {
        throw Error("template: :1:" + std::to_string(p.col) + ": executing \"\" at <" + p.text +
                    ">: " + what);
    }

    json field(const Pipeline& p, json v, const std::vector<std::string>& fields, bool fromRoot) {
        for (size_t i = 0; i < fields.size(); ++i) {
            const std::string& f = fields[i];
            if (v.is_object()) {
                auto it = v.find(f);
                if (it != v.end()) {
                    v = *it;
                    continue;
                }
                if (strict_ && fromRoot && i == 0)
                    fail(p, "can't evaluate field " + f +
                                (typeName_.empty() ? "" : " in type " + typeName_));
                v = header_ ? json("") : noValue();
            } else if (v.is_null() || v.is_discarded()) {
                v = noValue();
            } else {
                fail(p, "can't evaluate field " + f + " in type " + v.type_name());
            }
        }
        return v;
    }

    json evalOperand(const Pipeline& p, const Operand& o, const json& dot) {
        switch (o.kind) {
            case Operand::Field:
                return field(p, dot, o.fields, &dot == &root_);
            case Operand::Var: {
                if (o.name == "$") return field(p, root_, o.fields, true);
                for (auto it = vars_.rbegin(); it != vars_.rend(); ++it)
                    if (it->first == o.name) return field(p, it->second, o.fields, false);
                fail(p, "undefined variable: " + o.name);
            }
            case Operand::String:
                return json(o.name);
            case Operand::Number:
            case Operand::Bool:
                return o.literal;
            case Operand::Nil:
                return json();
            case Operand::Sub:
                return field(p, evalPipeline(*o.sub, dot), o.fields, false);
            case Operand::Ident:
                return call(p, o.name, {});
        }
        return json();
    }

    json call(const Pipeline& p, const std::string& name, const Args& args) {
        if (header_ && isHeaderNoop(name)) return args.empty() ? json("") : args[0];
        auto& fns = functions();
        auto it = fns.find(name);
        if (it == fns.end()) fail(p, "function \"" + name + "\" not defined");
        try {
            return it->second(args);
        } catch (const std::out_of_range&) {
            fail(p, "wrong number of args for " + name);
        } catch (const Error& e) {
            fail(p, "error calling " + name + ": " + e.what());
        } catch (const json::exception& e) {
            fail(p, "error calling " + name + ": " + e.what());
        }
    }

    json evalPipeline(const Pipeline& p, const json& dot) {
        std::optional<json> prev;
        for (auto& cmd : p.cmds) {
            const Operand& head = cmd.operands[0];
            if (head.kind == Operand::Ident) {
                Args args;
                for (size_t i = 1; i < cmd.operands.size(); ++i)
                    args.push_back(evalOperand(p, cmd.operands[i], dot));
                if (prev) args.push_back(*prev);
                prev = call(p, head.name, args);
            } else {
                if (head.kind == Operand::Field && cmd.operands.size() == 2 && !prev) {
                    // docker's context methods with an argument ({{.Label "com.x"}}): the
                    // field holds a map, the argument picks the entry ("" when absent).
                    json m = evalOperand(p, head, dot);
                    json key = evalOperand(p, cmd.operands[1], dot);
                    if (m.is_object() && key.is_string()) {
                        auto it = m.find(key.get<std::string>());
                        prev = it == m.end() ? json("") : *it;
                        continue;
                    }
                }
                if (cmd.operands.size() > 1 || prev)
                    fail(p, "can't give argument to non-function " + head.text);
                prev = evalOperand(p, head, dot);
            }
        }
        return prev.value_or(json());
    }

    const json& root_;
    bool strict_;
    bool header_;
    std::string typeName_;  // Go type named in "can't evaluate field X in type T"
    std::vector<std::pair<std::string, json>> vars_;
};

}  // namespace

std::string Template::execute(const json& data, bool strictFields, bool headerMode,
                              const std::string& typeName) const {
    Executor ex(data, strictFields, headerMode, typeName);
    ex.run(root_->body, data);
    return ex.out;
}

std::string goFormat(const json& v) {
    switch (v.type()) {
        case json::value_t::discarded:
            return "<no value>";
        case json::value_t::null:
            return "<nil>";
        case json::value_t::string:
            return v.get<std::string>();
        case json::value_t::boolean:
            return v.get<bool>() ? "true" : "false";
        case json::value_t::number_integer:
            return std::to_string(v.get<int64_t>());
        case json::value_t::number_unsigned:
            return std::to_string(v.get<uint64_t>());
        case json::value_t::number_float:
            return goFloat(v.get<double>());
        case json::value_t::array: {
            std::string out = "[";
            bool first = true;
            for (auto& e : v) {
                if (!first) out += ' ';
                out += goFormat(e);
                first = false;
            }
            return out + "]";
        }
        case json::value_t::object: {
            std::string out = "map[";
            bool first = true;
            for (auto it = v.begin(); it != v.end(); ++it) {
                if (!first) out += ' ';
                out += it.key() + ":" + goFormat(it.value());
                first = false;
            }
            return out + "]";
        }
        default:
            return "";
    }
}

std::string goJson(const json& v) {
    if (v.is_discarded()) return "null";
    return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace berth::cli
