// `berth system check [--dry-run]` (Podman has `system check`; Docker has none): finds and
// repairs what crashes and killed berth processes left under the state root (see
// src/engine/check/system_check.hpp), one line per repair, then a summary. Exit 0 unless a
// repair failed (1).
#include "cli/verbs.hpp"
#include "cli/verbs/container_util.hpp"
#include "engine/check/system_check.hpp"

namespace berth::cli {

CommandPtr makeSystemCheckCommand() {
    auto c = std::make_shared<Command>();
    c->name = "check";
    c->use = "[OPTIONS]";
    c->shortHelp = "Check the state root for leftovers of crashes and repair them";
    c->args(ArgsRule::None);
    c->flags.addBool("dry-run", 'n', "Only report what would be repaired")
        .addBool("quiet", 'q', "Only print the summary");
    c->run = [](Invocation& inv) {
        auto& eng = engineFor(inv.ctx);
        engine::check::CheckOptions opts;
        opts.repair = !inv.flags.getBool("dry-run");
        auto report = engine::check::systemCheck(eng, opts);
        auto& out = inv.ctx.out();
        if (!inv.flags.getBool("quiet"))
            for (auto& f : report.findings) out << f.text(opts.repair) << "\n";
        size_t n = report.findings.size();
        int failed = report.failures();
        if (n == 0) {
            out << "No problems found\n";
        } else if (!opts.repair) {
            out << n << (n == 1 ? " problem" : " problems") << " found, nothing repaired (dry run)\n";
        } else {
            out << n << (n == 1 ? " problem" : " problems") << " found, " << (n - size_t(failed))
                << " repaired";
            if (failed) out << ", " << failed << " failed";
            out << "\n";
        }
        return failed ? 1 : 0;
    };
    return c;
}

}  // namespace berth::cli
