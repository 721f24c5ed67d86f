// `berth version`: docker version's layout, a Client block and the daemonless engine's block.
#include "cli/version.hpp"

#include <sys/utsname.h>

#include <nlohmann/json.hpp>

#include "cli/context.hpp"
#include "cli/format/formatter.hpp"
#include "cli/verbs.hpp"

namespace berth::cli {
namespace {

nlohmann::json versionInfo(const CliContext& ctx) {
    utsname u{};
    uname(&u);
    std::string arch = u.machine;
    if (arch == "x86_64") arch = "amd64";
    if (arch == "aarch64") arch = "arm64";
    nlohmann::json client = {
        {"Platform", {{"Name", "berth"}}},
        {"Version", berthVersion()},
        {"ApiVersion", kApiVersion},
        {"DefaultAPIVersion", kApiVersion},
        {"GitCommit", berthGitCommit()},
        {"BuildTime", berthBuildDate()},
        {"Os", "linux"},
        {"Arch", arch},
        {"Context", "default"},
        {"Experimental", true},
    };
    nlohmann::json server = {
        {"Platform", {{"Name", "berth (daemonless)"}}},
        {"Version", berthVersion()},
        {"ApiVersion", kApiVersion},
        {"MinAPIVersion", "1.12"},
        {"GitCommit", berthGitCommit()},
        {"Os", "linux"},
        {"Arch", arch},
        {"KernelVersion", u.release},
        {"BuildTime", berthBuildDate()},
        {"Experimental", false},
        {"Root", ctx.root},
    };
    // Go's GoVersion has a C++ counterpart: the compiler that built berth.
#if defined(__clang__)
    std::string compiler = std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
    std::string compiler = "gcc " + std::to_string(__GNUC__) + "." + std::to_string(__GNUC_MINOR__) +
                           "." + std::to_string(__GNUC_PATCHLEVEL__);
#else
    std::string compiler = "c++";
#endif
    compiler += " (C++" + std::to_string(__cplusplus / 100 % 100) + ")";
    server["GoVersion"] = compiler;
    // docker's Components: the engine, then what runs containers (containerd, runc, docker-init
    // there; berth's own binaries here, built from the same tree).
    nlohmann::json engineDetails = {
        {"ApiVersion", kApiVersion},     {"Arch", arch},           {"BuildTime", berthBuildDate()},
        {"Experimental", "false"},       {"GitCommit", berthGitCommit()},
        {"GoVersion", compiler},         {"KernelVersion", u.release},
        {"MinAPIVersion", "1.12"},       {"Os", "linux"}};
    server["Components"] = nlohmann::json::array();
    server["Components"].push_back({{"Name", "Engine"}, {"Version", berthVersion()}, {"Details", engineDetails}});
    for (const char* bin : {"berth-monitor", "berth-runtime", "berth-init"})
        server["Components"].push_back(
            {{"Name", bin}, {"Version", berthVersion()}, {"Details", {{"GitCommit", berthGitCommit()}}}});
    return {{"Client", client}, {"Server", server}};
}

int runVersion(Invocation& inv) {
    nlohmann::json v = versionInfo(inv.ctx);
    std::string format = inv.flags.getString("format");
    if (!format.empty()) {
        inv.ctx.out() << formatObject(format, v) << "\n";
        return 0;
    }
    auto& c = v["Client"];
    auto& s = v["Server"];
    auto line = [](const std::string& k, const std::string& val) {
        std::string key = " " + k + ":";
        key.resize(20, ' ');
        return key + val + "\n";
    };
    std::string out = "Client:\n";
    out += line("Version", c["Version"]);
    out += line("API version", c["ApiVersion"]);
    out += line("Git commit", c["GitCommit"]);
    out += line("Built", c["BuildTime"]);
    out += line("OS/Arch", std::string(c["Os"]) + "/" + std::string(c["Arch"]));
    out += line("Context", c["Context"]);
    out += "\nServer: " + std::string(s["Platform"]["Name"]) + "\n Engine:\n";
    out += line(" Version", s["Version"]);
    out += line(" API version", std::string(s["ApiVersion"]) + " (minimum version " +
                                    std::string(s["MinAPIVersion"]) + ")");
    out += line(" Compiler", s["GoVersion"]);
    out += line(" Git commit", s["GitCommit"]);
    out += line(" Built", s["BuildTime"]);
    out += line(" OS/Arch", std::string(s["Os"]) + "/" + std::string(s["Arch"]));
    out += line(" Kernel", s["KernelVersion"]);
    out += line(" Root", s["Root"]);
    out += line(" Experimental", "false");
    for (auto& comp : s["Components"]) {
        if (comp["Name"] == "Engine") continue;
        out += " " + comp["Name"].get<std::string>() + ":\n";
        out += line(" Version", comp["Version"]);
        out += line(" GitCommit", comp["Details"]["GitCommit"]);
    }
    inv.ctx.out() << out;
    return 0;
}

}  // namespace

CommandPtr makeVersionCommand() {
    auto c = std::make_shared<Command>();
    c->name = "version";
    c->use = "[OPTIONS]";
    c->shortHelp = "Show the berth version information";
    c->args(ArgsRule::None);
    c->flags.addString("format", 'f', "Format the output using the given Go template");
    c->run = runVersion;
    return c;
}

}  // namespace berth::cli
