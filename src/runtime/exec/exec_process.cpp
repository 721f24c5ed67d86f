#include "runtime/exec/exec_process.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "common/strings.hpp"

namespace berth::runtime {
namespace {

uint32_t parseId(const std::string& text, const std::string& what) {
    if (text.empty() || text.size() > 10 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
        throw Error("--user: " + what + " \"" + text + "\" is not a number (UID[:GID])");
    unsigned long long v = std::stoull(text);
    if (v > UINT32_MAX) throw Error("--user: " + what + " " + text + " out of range");
    return static_cast<uint32_t>(v);
}

void addUnique(std::vector<std::string>& set, const std::string& cap) {
    if (std::find(set.begin(), set.end(), cap) == set.end()) set.push_back(cap);
}

}  // namespace

oci::Process execProcessFromFlags(const oci::Process& base, const ExecOptions& o) {
    if (o.args.empty()) throw Error("exec: no command given (exec <id> <command> [args...])");
    oci::Process p = base;
    p.args = o.args;
    if (!o.cwd.empty()) p.cwd = o.cwd;
    if (!o.caps.empty()) {
        if (!p.capabilities) p.capabilities = oci::Capabilities{};
        for (const auto& raw : o.caps) {
            std::string cap = startsWith(raw, "CAP_") ? raw : "CAP_" + raw;
            // Not inheritable nor ambient (CVE-2022-29162: runc stopped adding to inheritable).
            addUnique(p.capabilities->bounding, cap);
            addUnique(p.capabilities->effective, cap);
            addUnique(p.capabilities->permitted, cap);
        }
    }
    for (const auto& e : o.env) {
        if (e.find('=') == std::string::npos || e[0] == '=')
            throw Error("--env: \"" + e + "\" is not KEY=VALUE");
        p.env.push_back(e);
    }
    p.terminal = o.tty.value_or(false);
    p.consoleSize.reset();
    if (o.noNewPrivs) p.noNewPrivileges = *o.noNewPrivs;
    if (!o.user.empty()) {
        auto parts = split(o.user, ':');
        if (parts.size() > 2) throw Error("--user: expected UID[:GID], got \"" + o.user + "\"");
        p.user.uid = parseId(parts[0], "uid");
        if (parts.size() == 2) p.user.gid = parseId(parts[1], "gid");
    }
    for (uint32_t g : o.additionalGids) p.user.additionalGids.push_back(g);
    if (p.cwd.empty() || p.cwd[0] != '/')
        throw Error("process.cwd: \"" + p.cwd + "\" must be an absolute path");
    return p;
}

}  // namespace berth::runtime
