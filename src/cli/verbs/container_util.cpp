#include "cli/verbs/container_util.hpp"

#include <unistd.h>

#include <cmath>
#include <map>
#include <memory>

#include "common/strings.hpp"
#include "engine/spec/health_log_options.hpp"
#include "engine/spec/option_parsers.hpp"
#include "store/image_store.hpp"

namespace berth::cli {

namespace {

std::string selfDir() {
    char buf[4096];
    ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return ".";
    std::string p(buf, size_t(n));
    return p.substr(0, p.rfind('/'));
}

// go-units RAMInBytes for flags that also take -1 (--memory-swap).
int64_t ramInBytesOrMinusOne(const std::string& flag, const std::string& v) {
    if (v == "-1") return -1;
    size_t i = 0;
    while (i < v.size() && (std::isdigit(static_cast<unsigned char>(v[i])) || v[i] == '.')) ++i;
    std::string num = v.substr(0, i), unit = v.substr(i);
    double n = 0;
    try {
        n = num.empty() ? -1 : std::stod(num);
    } catch (...) {
        n = -1;
    }
    for (auto& c : unit) c = char(std::tolower(static_cast<unsigned char>(c)));
    if (!unit.empty() && unit[0] == ' ') unit.erase(0, 1);
    static const std::map<std::string, double> mult = {
        {"", 1}, {"b", 1}, {"k", 1024.0}, {"kb", 1024.0}, {"kib", 1024.0}, {"m", 1048576.0},
        {"mb", 1048576.0}, {"mib", 1048576.0}, {"g", 1073741824.0}, {"gb", 1073741824.0},
        {"gib", 1073741824.0}, {"t", 1099511627776.0}, {"tb", 1099511627776.0}};
    auto it = mult.find(unit);
    if (n < 0 || it == mult.end())
        throw UsageError("invalid argument \"" + v + "\" for \"" + flag + "\" flag: invalid size: '" + v + "'");
    return int64_t(n * it->second);
}

// A value docker parses on the client: its error reads "invalid argument "V" for "--F" flag: why".
template <typename Parse>
auto parseFlagValue(const std::string& flag, const std::string& value, Parse parse) {
    try {
        return parse(value);
    } catch (const UsageError&) {
        throw;
    } catch (const Error& e) {
        throw UsageError("invalid argument \"" + value + "\" for \"" + flag + "\" flag: " +
                         plainMessage(e));
    }
}

}  // namespace

engine::Engine& engineFor(CliContext& ctx) {
    struct Holder {
        std::string root;
        std::unique_ptr<engine::StoreImageSource> source;
        std::unique_ptr<engine::Engine> engine;
    };
    static Holder h;
    if (!h.engine || h.root != ctx.root) {
        engine::EngineConfig cfg;
        cfg.root = ctx.root;
        cfg.binDir = selfDir();
        h.source = std::make_unique<engine::StoreImageSource>(ctx.images());
        h.engine = std::make_unique<engine::Engine>(cfg, *h.source);
        h.root = ctx.root;
    }
    return *h.engine;
}

std::string plainMessage(const std::exception& e) {
    std::string m = e.what();
    auto* err = dynamic_cast<const Error*>(&e);
    if (!err || err->errnum() == 0) return m;
    std::string suffix = ": " + errnoName(err->errnum()) + " (";
    auto pos = m.rfind(suffix);
    if (pos != std::string::npos && !m.empty() && m.back() == ')') m.erase(pos);
    return m;
}

bool allContainers(CliContext& ctx, const std::vector<std::string>& names) {
    auto& store = engineFor(ctx).containers();
    for (auto& n : names) {
        try {
            if (!store.find(n)) return false;
        } catch (const Error&) {
            // An ambiguous ID prefix: docker reports it (not "No such object"), as container
            // inspect does.
        }
    }
    return !names.empty();
}

void throwRunError(const std::string& commandPath, const std::string& msg) {
    std::string m = msg;
    if (!m.empty() && m.back() != '.') m += ".";
    std::string bin = commandPath.substr(0, commandPath.find(' '));
    throw StatusError(125, bin + ": " + m + "\nSee '" + commandPath + " --help'.");
}

void addRunFlags(FlagSet& f) {
    f.addBool("detach", 'd', "Run container in background and print container ID")
        .addBool("interactive", 'i', "Keep STDIN open even if not attached")
        .addBool("tty", 't', "Allocate a pseudo-TTY")
        .addBool("rm", 0, "Automatically remove the container and its associated anonymous volumes when it exits")
        .addString("name", 0, "Assign a name to the container")
        .addList("env", 'e', "Set environment variables")
        .addList("env-file", 0, "Read in a file of environment variables")
        .addString("workdir", 'w', "Working directory inside the container")
        .addString("user", 'u', "Username or UID (format: <name|uid>[:<group|gid>])")
        .addString("entrypoint", 0, "Overwrite the default ENTRYPOINT of the image")
        .addList("volume", 'v', "Bind mount a volume")
        .addList("mount", 0, "Attach a filesystem mount to the container", "mount")
        .addList("tmpfs", 0, "Mount a tmpfs directory")
        .addList("volumes-from", 0, "Mount volumes from the specified container(s)")
        .addList("label", 'l', "Set meta data on a container")
        .addString("hostname", 'h', "Container host name")
        .addBool("read-only", 0, "Mount the container's root filesystem as read only")
        .addBool("init", 0, "Run an init inside the container that forwards signals and reaps processes")
        .addString("restart", 0, "Restart policy to apply when a container exits", "no")
        .addBytes("memory", 'm', "Memory limit")
        .addString("memory-swap", 0, "Swap limit equal to memory plus swap: '-1' to enable unlimited swap", "", "bytes")
        .addBytes("memory-reservation", 0, "Memory soft limit")
        .addDecimal("cpus", 0, "Number of CPUs")
        .addInt("cpu-shares", 'c', "CPU shares (relative weight)")
        .addString("cpuset-cpus", 0, "CPUs in which to allow execution (0-3, 0,1)")
        .addString("cpuset-mems", 0, "MEMs in which to allow execution (0-3, 0,1)")
        .addInt("pids-limit", 0, "Tune container pids limit (set -1 for unlimited)")
        .addInt("blkio-weight", 0, "Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)")
        .addList("ulimit", 0, "Ulimit options", "ulimit")
        .addList("cap-add", 0, "Add Linux capabilities")
        .addList("cap-drop", 0, "Drop Linux capabilities")
        .addBool("privileged", 0, "Give extended privileges to this container")
        .addList("security-opt", 0, "Security Options")
        .addList("device", 0, "Add a host device to the container")
        .addBytes("shm-size", 0, "Size of /dev/shm")
        .addString("stop-signal", 0, "Signal to stop the container")
        .addInt("stop-timeout", 0, "Timeout (in seconds) to stop a container")
        .addString("network", 0, "Connect a container to a network", "default", "network")
        .addString("net", 0, "Connect a container to a network", "default", "network")
        .hide("net")
        .addString("runtime", 0, "Runtime to use for this container")
        .addString("health-cmd", 0, "Command to run to check health")
        .addDuration("health-interval", 0, "Time between running the check (ms|s|m|h) (default 0s)")
        .addDuration("health-timeout", 0, "Maximum time to allow one check to run (ms|s|m|h) (default 0s)")
        .addDuration("health-start-period", 0, "Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)")
        .addInt("health-retries", 0, "Consecutive failures needed to report unhealthy")
        .addBool("no-healthcheck", 0, "Disable any container-specified HEALTHCHECK")
        .addString("log-driver", 0, "Logging driver for the container")
        .addList("log-opt", 0, "Log driver options")
        .addBool("sig-proxy", 0, "Proxy received signals to the process", true)
        .addString("detach-keys", 0, "Override the key sequence for detaching a container");
}

engine::RunOptions runOptionsFrom(const Invocation& inv) {
    const FlagSet& f = inv.flags;
    engine::RunOptions o;
    o.image = inv.args.at(0);
    o.command.assign(inv.args.begin() + 1, inv.args.end());
    o.name = f.getString("name");
    o.env = f.getList("env");
    o.envFiles = f.getList("env-file");
    o.workdir = f.getString("workdir");
    o.user = f.getString("user");
    if (f.changed("entrypoint")) o.entrypoint = f.getString("entrypoint");
    o.hostname = f.getString("hostname");
    for (auto& l : f.getList("label")) {
        auto eq = l.find('=');
        o.labels[l.substr(0, eq)] = eq == std::string::npos ? "" : l.substr(eq + 1);
    }
    o.readOnly = f.getBool("read-only");
    o.privileged = f.getBool("privileged");
    o.init = f.getBool("init");
    o.tty = f.getBool("tty");
    o.openStdin = f.getBool("interactive");
    o.autoRemove = f.getBool("rm");
    o.memory = f.getBytes("memory");
    if (f.changed("memory-swap")) o.memorySwap = ramInBytesOrMinusOne("--memory-swap", f.getString("memory-swap"));
    o.memoryReservation = f.getBytes("memory-reservation");
    o.nanoCpus = int64_t(std::llround(f.getDecimal("cpus") * 1e9));
    o.cpuShares = f.getInt("cpu-shares");
    o.cpusetCpus = f.getString("cpuset-cpus");
    o.cpusetMems = f.getString("cpuset-mems");
    if (f.changed("pids-limit")) o.pidsLimit = f.getInt("pids-limit");
    o.blkioWeight = f.getInt("blkio-weight");
    o.shmSize = f.getBytes("shm-size");
    for (auto& u : f.getList("ulimit"))
        o.ulimits.push_back(parseFlagValue("--ulimit", u, engine::parseUlimit));
    o.capAdd = f.getList("cap-add");
    o.capDrop = f.getList("cap-drop");
    o.securityOpts = f.getList("security-opt");
    for (auto& d : f.getList("device"))
        o.devices.push_back(parseFlagValue("--device", d, engine::parseDevice));
    for (auto& v : f.getList("volume")) o.mounts.push_back(engine::parseVolumeFlag(v));
    for (auto& m : f.getList("mount")) o.mounts.push_back(engine::parseMountFlag(m));
    for (auto& t : f.getList("tmpfs")) o.mounts.push_back(engine::parseTmpfsFlag(t));
    o.volumesFrom = f.getList("volumes-from");
    o.network = f.changed("net") ? f.getString("net") : f.getString("network");
    o.runtime = f.getString("runtime");
    o.restart = f.getString("restart");
    o.stopSignal = f.getString("stop-signal");
    if (f.changed("stop-timeout")) o.stopTimeout = int(f.getInt("stop-timeout"));
    o.health.cmd = f.getString("health-cmd");
    o.health.disabled = f.getBool("no-healthcheck");
    o.health.intervalNs = f.getDuration("health-interval");
    o.health.timeoutNs = f.getDuration("health-timeout");
    o.health.startPeriodNs = f.getDuration("health-start-period");
    o.health.retries = int(f.getInt("health-retries"));
    engine::checkHealthcheckFlags(o.health);
    o.logDriver = f.getString("log-driver");
    for (auto& kv : f.getList("log-opt")) {
        auto eq = kv.find('=');
        if (eq == std::string::npos)
            throw UsageError("invalid argument \"" + kv + "\" for \"--log-opt\" flag: invalid key value pair format: " + kv);
        o.logOpts[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    return o;
}

}  // namespace berth::cli
