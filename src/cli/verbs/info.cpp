// `berth info` / `berth system info`: docker info's layout (a Client block and the daemonless
// engine's Server block) and its JSON field names for --format.
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>

#include "cli/format/formatter.hpp"
#include "cli/format/units.hpp"
#include "cli/verbs.hpp"
#include "cli/verbs/container_util.hpp"
#include "cli/version.hpp"
#include "common/file_io.hpp"
#include "store/image_store.hpp"

namespace berth::cli {

namespace {

using nlohmann::json;

std::string osPrettyName() {
    std::ifstream in("/etc/os-release");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("PRETTY_NAME=", 0) == 0) {
            std::string v = line.substr(12);
            if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
            return v;
        }
    }
    return "Linux";
}

// cgroup2 mounted at /sys/fs/cgroup (unified) → "2", else "1" (docker's CgroupVersion).
std::string cgroupVersion() {
    struct statfs st {};
    if (::statfs("/sys/fs/cgroup", &st) == 0 && st.f_type == 0x63677270 /* CGROUP2_SUPER_MAGIC */)
        return "2";
    return "1";
}

std::string backingFilesystem(const std::string& path) {
    struct statfs st {};
    if (::statfs(path.c_str(), &st) != 0) return "unknown";
    switch (static_cast<unsigned long>(st.f_type)) {
        case 0xEF53: return "extfs";
        case 0x58465342: return "xfs";
        case 0x9123683E: return "btrfs";
        case 0x01021994: return "tmpfs";
        case 0x794c7630: return "overlayfs";
        case 0x2fc12fc1: return "zfs";
        default: return "unknown";
    }
}

json infoJson(CliContext& ctx) {
    auto& eng = engineFor(ctx);
    int running = 0, paused = 0, stopped = 0, total = 0;
    for (const auto& rec : eng.list()) {
        auto st = eng.state(rec);
        ++total;
        if (st.paused) ++paused;
        else if (st.running || st.restarting) ++running;
        else ++stopped;
    }
    size_t images = 0;
    try {
        images = ctx.images().list().size();
    } catch (const std::exception&) {
    }
    utsname u{};
    uname(&u);
    struct sysinfo si {};
    sysinfo(&si);
    char host[256] = {};
    gethostname(host, sizeof host - 1);
    json runtimes = json::object();
    runtimes["berth-runtime"] = {{"path", eng.config().binDir + "/berth-runtime"}};
    for (const char* name : {"runc", "crun"}) {
        try {
            runtimes[name] = {{"path", eng.resolveRuntime(name)}};
        } catch (const std::exception&) {
        }
    }
    json driverStatus = json::array({json::array({"Backing Filesystem", backingFilesystem(ctx.root)}),
                                     json::array({"Supports d_type", "true"}),
                                     json::array({"Native Overlay Diff", "true"}),
                                     json::array({"userxattr", "false"})});
    return {
        {"ID", ""},
        {"Containers", total},
        {"ContainersRunning", running},
        {"ContainersPaused", paused},
        {"ContainersStopped", stopped},
        {"Images", images},
        {"Driver", "overlay2"},
        {"DriverStatus", driverStatus},
        {"Plugins",
         {{"Volume", json::array({"local"})},
          {"Network", json::array({"host", "none"})},
          {"Log", json::array({"json-file"})}}},
        {"MemoryLimit", true},
        {"SwapLimit", true},
        {"CpuCfsPeriod", true},
        {"CpuCfsQuota", true},
        {"CPUShares", true},
        {"CPUSet", true},
        {"PidsLimit", true},
        {"IPv4Forwarding", true},
        {"Debug", false},
        {"NFd", 0},
        {"NGoroutines", 0},
        {"SystemTime", rfc3339(time(nullptr))},
        {"LoggingDriver", "json-file"},
        {"CgroupDriver", "cgroupfs"},
        {"CgroupVersion", cgroupVersion()},
        {"KernelVersion", u.release},
        {"OperatingSystem", osPrettyName()},
        {"OSVersion", ""},
        {"OSType", "linux"},
        {"Architecture", u.machine},
        {"NCPU", sysconf(_SC_NPROCESSORS_ONLN)},
        {"MemTotal", int64_t(si.totalram) * int64_t(si.mem_unit)},
        {"DockerRootDir", ctx.root},
        {"Name", host},
        {"Labels", json::array()},
        {"ExperimentalBuild", false},
        {"ServerVersion", berthVersion()},
        {"Runtimes", runtimes},
        {"DefaultRuntime", eng.config().defaultRuntime},
        {"Swarm", {{"LocalNodeState", "inactive"}}},
        {"LiveRestoreEnabled", true},  // daemonless: containers outlive every berth process
        {"Isolation", ""},
        {"InitBinary", "berth-init"},
        {"SecurityOptions", json::array({"name=seccomp,profile=builtin", "name=cgroupns"})},
        {"Warnings", json::array()},
    };
}

std::string infoText(const json& s) {
    std::string o = "Client:\n Version:    " + std::string(berthVersion()) +
                    "\n Context:    default\n Debug Mode: false\n\nServer:\n";
    auto line = [&](const std::string& indent, const std::string& k, const std::string& v) {
        o += indent + k + ": " + v + "\n";
    };
    auto num = [](const json& v) { return std::to_string(v.get<int64_t>()); };
    line(" ", "Containers", num(s["Containers"]));
    line("  ", "Running", num(s["ContainersRunning"]));
    line("  ", "Paused", num(s["ContainersPaused"]));
    line("  ", "Stopped", num(s["ContainersStopped"]));
    line(" ", "Images", num(s["Images"]));
    line(" ", "Server Version", s["ServerVersion"]);
    line(" ", "Storage Driver", s["Driver"]);
    for (auto& kv : s["DriverStatus"]) line("  ", kv[0], kv[1]);
    line(" ", "Logging Driver", s["LoggingDriver"]);
    line(" ", "Cgroup Driver", s["CgroupDriver"]);
    line(" ", "Cgroup Version", s["CgroupVersion"]);
    o += " Plugins:\n";
    for (const char* k : {"Volume", "Network", "Log"}) {
        std::string v;
        for (auto& p : s["Plugins"][k]) v += (v.empty() ? "" : " ") + p.get<std::string>();
        line("  ", k, v);
    }
    line(" ", "Swarm", "inactive");
    std::string rts;
    for (auto& [k, _] : s["Runtimes"].items()) rts += (rts.empty() ? "" : " ") + k;
    line(" ", "Runtimes", rts);
    line(" ", "Default Runtime", s["DefaultRuntime"]);
    line(" ", "Init Binary", s["InitBinary"]);
    o += " Security Options:\n  seccomp\n   Profile: builtin\n  cgroupns\n";
    line(" ", "Kernel Version", s["KernelVersion"]);
    line(" ", "Operating System", s["OperatingSystem"]);
    line(" ", "OSType", s["OSType"]);
    line(" ", "Architecture", s["Architecture"]);
    line(" ", "CPUs", num(s["NCPU"]));
    line(" ", "Total Memory", bytesSize(double(s["MemTotal"].get<int64_t>())));
    line(" ", "Name", s["Name"]);
    line(" ", "Docker Root Dir", s["DockerRootDir"]);
    line(" ", "Debug Mode", "false");
    line(" ", "Experimental", "false");
    line(" ", "Live Restore Enabled", "true");
    return o + "\n";
}

int runInfo(Invocation& inv) {
    json s = infoJson(inv.ctx);
    std::string format = inv.flags.getString("format");
    if (format == "json") format = "{{json .}}";
    if (!format.empty()) {
        inv.ctx.out() << formatObject(format, s) << "\n";
        return 0;
    }
    inv.ctx.out() << infoText(s);
    return 0;
}

}  // namespace

CommandPtr makeInfoCommand() {
    auto c = std::make_shared<Command>();
    c->name = "info";
    c->use = "[OPTIONS]";
    c->shortHelp = "Display system-wide information";
    c->args(ArgsRule::None);
    c->flags.addString("format", 'f', "Format output using a custom template");
    c->run = runInfo;
    return c;
}

}  // namespace berth::cli
