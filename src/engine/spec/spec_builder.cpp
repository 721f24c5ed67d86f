#include "engine/spec/spec_builder.hpp"

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <set>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/safe_path.hpp"
#include "engine/spec/capability_set.hpp"
#include "engine/spec/host_devices.hpp"
#include "engine/spec/option_parsers.hpp"
#include "engine/spec/user_lookup.hpp"
#include "engine/volumes/volume_store.hpp"
#include "runtime/seccomp/seccomp_profile.hpp"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

namespace berth::engine {

using nlohmann::json;

namespace {

constexpr int64_t kMinMemory = 6 * 1024 * 1024;  // moby linuxMinMemory
constexpr int64_t kDefaultShmSize = 64 * 1024 * 1024;

std::vector<std::string> stringList(const json& j) {
    std::vector<std::string> out;
    if (j.is_array())
        for (auto& e : j)
            if (e.is_string()) out.push_back(e.get<std::string>());
    return out;
}

std::string stringField(const json& cfg, const char* key) {
    if (cfg.is_object()) {
        auto it = cfg.find(key);
        if (it != cfg.end() && it->is_string()) return it->get<std::string>();
    }
    return "";
}

bool cgroup2Host() {
    struct statfs fs {};
    return ::statfs("/sys/fs/cgroup", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
}

struct SecurityOpts {
    bool noNewPrivileges = false;
    bool seccompUnconfined = false;
    std::string seccompFile;
};

SecurityOpts parseSecurityOpts(const std::vector<std::string>& in) {
    SecurityOpts s;
    for (auto& opt : in) {
        auto sep = opt.find_first_of("=:");
        std::string key = opt.substr(0, sep);
        std::string val = sep == std::string::npos ? "" : opt.substr(sep + 1);
        if (key == "no-new-privileges") {
            if (val.empty() || val == "true") s.noNewPrivileges = true;
            else if (val == "false") s.noNewPrivileges = false;
            else throw Error("invalid --security-opt 2: \"" + opt + "\"");
        } else if (key == "seccomp" && !val.empty()) {
            if (val == "unconfined") s.seccompUnconfined = true;
            else s.seccompFile = val;
        } else if ((key == "apparmor" || key == "label") && !val.empty()) {
            // No LSM here: accepted and ignored as Docker does on a host without it.
        } else {
            throw Error("invalid --security-opt 2: \"" + opt + "\"");
        }
    }
    return s;
}

int hostCpuCount() {
    long n = ::sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? int(n) : 1;
}

json bindMount(const std::string& src, const std::string& dst, bool ro,
               const std::string& propagation = "") {
    json opts = json::array({"rbind", propagation.empty() ? "rprivate" : propagation});
    if (ro) opts.push_back("ro");
    return {{"destination", dst}, {"type", "bind"}, {"source", src}, {"options", opts}};
}

void writeEtcFiles(const SpecInputs& in, const std::string& hostname, bool hostNetwork) {
    if (in.containerDir.empty()) return;
    writeFile(in.containerDir + "/hostname", hostname + "\n");
    std::string hosts =
        "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
        "fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\n"
        "ff02::2\tip6-allrouters\n";
    if (hostNetwork) {
        try {
            hosts = readFile("/etc/hosts");
        } catch (Error&) {
        }
    }
    writeFile(in.containerDir + "/hosts", hosts);
    std::string resolv;
    try {
        resolv = readFile("/etc/resolv.conf");
    } catch (Error&) {
    }
    writeFile(in.containerDir + "/resolv.conf", resolv);
}

}  // namespace

void validateRunOptions(const RunOptions& o) {
    if (o.image.empty()) throw Error("requires at least 1 argument");
    if (o.memory != 0 && o.memory < kMinMemory)
        throw Error("Minimum memory limit allowed is 6MB");
    if (o.memorySwap > 0 && o.memory == 0)
        throw Error("You should always set the Memory limit when using Memoryswap limit, see usage");
    if (o.memorySwap > 0 && o.memorySwap < o.memory)
        throw Error("Minimum memoryswap limit should be larger than memory limit, see usage");
    if (o.memoryReservation > 0 && o.memory > 0 && o.memory < o.memoryReservation)
        throw Error("Minimum memory limit can not be less than memory reservation limit, see usage");
    if (o.nanoCpus < 0) throw Error("Range of CPUs is from 0.01 to " +
                                    std::to_string(hostCpuCount()) + ".00, as there are only " +
                                    std::to_string(hostCpuCount()) + " CPUs available");
    if (o.nanoCpus > 0 && (o.nanoCpus < 10'000'000 || o.nanoCpus > int64_t(hostCpuCount()) * 1'000'000'000))
        throw Error("Range of CPUs is from 0.01 to " + std::to_string(hostCpuCount()) +
                    ".00, as there are only " + std::to_string(hostCpuCount()) + " CPUs available");
    if (o.cpuShares < 0) throw Error("invalid CPU shares: " + std::to_string(o.cpuShares));
    if (o.blkioWeight != 0 && (o.blkioWeight < 10 || o.blkioWeight > 1000))
        throw Error("Range of blkio weight is from 10 to 1000");
    if (o.shmSize < 0) throw Error("SHM size can not be less than 0");
    tweakCapabilities(o.capAdd, o.capDrop, o.privileged);
    auto sec = parseSecurityOpts(o.securityOpts);
    if (!sec.seccompFile.empty()) {
        std::string text;
        try {
            text = readFile(sec.seccompFile);
        } catch (Error&) {
            throw Error("opening seccomp profile (" + sec.seccompFile + ") failed: open " +
                        sec.seccompFile + ": no such file or directory");
        }
        try {
            auto parsed = json::parse(text);
            if (!parsed.is_object()) throw std::runtime_error("not a JSON object");
        } catch (std::exception& e) {
            throw Error("parsing seccomp profile failed: " + std::string(e.what()));
        }
    }
    for (auto& u : o.ulimits)
        if (rlimitResource(u.name) < 0) throw Error("invalid ulimit type: " + u.name);
    for (auto& d : o.devices) {
        struct stat st {};
        if (::stat(d.hostPath.c_str(), &st) != 0)
            throw Error("error gathering device information while adding custom device \"" +
                        d.hostPath + "\": " + errnoName(errno), errno);
        if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode) && !S_ISDIR(st.st_mode))
            throw Error("error gathering device information while adding custom device \"" +
                        d.hostPath + "\": not a device node");
    }
    std::set<std::string> targets;
    for (auto& m : o.mounts) {
        if (m.target.empty() || m.target[0] != '/')
            throw Error("invalid mount config: invalid mount path: '" + m.target +
                        "' mount path must be absolute");
        if (!targets.insert(cleanPath(m.target)).second)
            throw Error("Duplicate mount point: " + cleanPath(m.target));
        if (m.type == MountSpec::Type::Bind && !m.createSource && !pathExists(m.source))
            throw Error("invalid mount config for type \"bind\": bind source path does not exist: " +
                        m.source);
        if (m.type == MountSpec::Type::Volume && !m.anonymous && !m.source.empty()) {
            validateVolumeName(m.source);
            if (!m.volumeDriver.empty() && m.volumeDriver != "local")
                throw Error("create " + m.source + ": error looking up volume plugin " + m.volumeDriver +
                            ": plugin \"" + m.volumeDriver + "\" not found");
            try {
                validateLocalOptions(m.volumeOptions);
            } catch (const Error& e) {
                throw Error("create " + m.source + ": " + e.what());
            }
        }
    }
    if (o.network != "none" && o.network != "host" && o.network != "default" && o.network != "bridge")
        throw Error("network " + o.network + " not found");
}

BuiltSpec buildSpec(const RunOptions& o, const SpecInputs& in) {
    validateRunOptions(o);
    const json& img = in.imageConfig;
    BuiltSpec out;
    ResolvedProcess& p = out.process;
    bool hostNet = o.network == "host";

    // ---- command: --entrypoint replaces the image's and resets its Cmd (moby merge rules)
    if (o.entrypoint) {
        if (!o.entrypoint->empty()) p.entrypoint = {*o.entrypoint};
    } else {
        p.entrypoint = stringList(img.is_object() ? img.value("Entrypoint", json()) : json());
    }
    if (!o.command.empty()) p.cmd = o.command;
    else if (!o.entrypoint) p.cmd = stringList(img.is_object() ? img.value("Cmd", json()) : json());
    std::vector<std::string> argv = p.entrypoint;
    argv.insert(argv.end(), p.cmd.begin(), p.cmd.end());
    if (argv.empty()) throw Error("No command specified");
    p.path = argv[0];
    p.args.assign(argv.begin() + 1, argv.end());
    if (o.init) argv.insert(argv.begin(), {kInitPathInContainer, "--"});

    // ---- hostname, user, cwd
    if (hostNet && o.hostname.empty()) {
        char buf[256] = {};
        ::gethostname(buf, sizeof buf - 1);
        p.hostname = buf;
    } else {
        p.hostname = o.hostname.empty() ? in.id.substr(0, 12) : o.hostname;
    }
    p.user = o.user.empty() ? stringField(img, "User") : o.user;
    ExecUser eu;
    if (in.rootfsFd >= 0) eu = resolveUser(in.rootfsFd, p.user);
    else eu = resolveUserFrom("", "", p.user.empty() ? "0" : p.user);
    p.workingDir = o.workdir.empty() ? stringField(img, "WorkingDir") : o.workdir;
    if (!p.workingDir.empty() && p.workingDir[0] != '/')
        throw Error("the working directory '" + p.workingDir + "' is invalid, it needs to be an absolute path");
    p.stopSignal = !o.stopSignal.empty() ? o.stopSignal : stringField(img, "StopSignal");

    // ---- env: PATH, HOSTNAME, (TERM), then image Env, then -e/--env-file (moby order)
    std::vector<std::string> env;
    env.push_back(kDefaultPathEnv);
    env.push_back("HOSTNAME=" + p.hostname);
    if (o.tty) env.push_back("TERM=xterm");
    std::vector<std::string> configEnv = stringList(img.is_object() ? img.value("Env", json()) : json());
    for (auto& f : o.envFiles)
        for (auto& e : readEnvFile(f)) setEnv(configEnv, e);
    for (auto& e : o.env) {
        auto x = expandEnvEntry(e);
        if (!x.empty()) setEnv(configEnv, x);
    }
    p.env = configEnv;  // inspect's Config.Env (Docker shows the merged image + user env)
    for (auto& e : configEnv) setEnv(env, e);
    // runc sets HOME from passwd when absent; say it in the config so every runtime agrees.
    if (!hasEnv(env, "HOME")) env.push_back("HOME=" + eu.home);

    // ---- process
    auto caps = tweakCapabilities(o.capAdd, o.capDrop, o.privileged);
    auto sec = parseSecurityOpts(o.securityOpts);
    json process = {
        {"terminal", o.tty},
        {"user", {{"uid", eu.uid}, {"gid", eu.gid}, {"additionalGids", eu.additionalGids}}},
        {"args", argv},
        {"env", env},
        {"cwd", p.workingDir.empty() ? "/" : p.workingDir},
        {"capabilities",
         {{"bounding", caps}, {"effective", caps}, {"permitted", caps}}},
        {"noNewPrivileges", sec.noNewPrivileges},
        {"oomScoreAdj", 0},
    };
    // rlimits: RLIMIT_NOFILE as Docker's containers get it (1048576), but never above this
    // host's hard limit (Podman fails out of the box where it ignores that); --ulimit wins.
    json rlimits = json::array();
    bool userNofile = std::any_of(o.ulimits.begin(), o.ulimits.end(),
                                  [](const Ulimit& u) { return u.name == "nofile"; });
    if (!userNofile) {
        struct rlimit host {};
        ::getrlimit(RLIMIT_NOFILE, &host);
        uint64_t v = 1048576;
        if (host.rlim_max != RLIM_INFINITY && host.rlim_max < v) v = host.rlim_max;
        rlimits.push_back({{"type", "RLIMIT_NOFILE"}, {"hard", v}, {"soft", v}});
    }
    for (auto& u : o.ulimits) {
        std::string type = "RLIMIT_";
        for (char c : u.name) type += char(std::toupper(static_cast<unsigned char>(c)));
        rlimits.push_back({{"type", type}, {"hard", uint64_t(u.hard)}, {"soft", uint64_t(u.soft)}});
    }
    process["rlimits"] = rlimits;

    // ---- mounts (moby oci/defaults.go), then /etc files, user mounts, --init
    bool ro = !o.privileged;
    int64_t shm = o.shmSize > 0 ? o.shmSize : kDefaultShmSize;
    json mounts = json::array({
        {{"destination", "/proc"}, {"type", "proc"}, {"source", "proc"},
         {"options", {"nosuid", "noexec", "nodev"}}},
        {{"destination", "/dev"}, {"type", "tmpfs"}, {"source", "tmpfs"},
         {"options", {"nosuid", "strictatime", "mode=755", "size=65536k"}}},
        {{"destination", "/dev/pts"}, {"type", "devpts"}, {"source", "devpts"},
         {"options", {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}}},
        {{"destination", "/sys"}, {"type", "sysfs"}, {"source", "sysfs"},
         {"options", ro ? json{"nosuid", "noexec", "nodev", "ro"} : json{"nosuid", "noexec", "nodev"}}},
        {{"destination", "/sys/fs/cgroup"}, {"type", "cgroup"}, {"source", "cgroup"},
         {"options", ro ? json{"ro", "nosuid", "noexec", "nodev"} : json{"rw", "nosuid", "noexec", "nodev"}}},
        {{"destination", "/dev/mqueue"}, {"type", "mqueue"}, {"source", "mqueue"},
         {"options", {"nosuid", "noexec", "nodev"}}},
        {{"destination", "/dev/shm"}, {"type", "tmpfs"}, {"source", "shm"},
         {"options", {"nosuid", "noexec", "nodev", "mode=1777", "size=" + std::to_string(shm)}}},
    });
    if (!in.containerDir.empty()) {
        writeEtcFiles(in, p.hostname, hostNet);
        for (const char* f : {"resolv.conf", "hostname", "hosts"})
            mounts.push_back(bindMount(in.containerDir + "/" + f, std::string("/etc/") + f, false));
    }
    for (auto& m : o.mounts) {
        if (m.type == MountSpec::Type::Bind) {
            if (m.createSource && !pathExists(m.source)) mkdirAll(m.source);
            mounts.push_back(bindMount(m.source, m.target, m.readOnly, m.propagation));
        } else if (m.type == MountSpec::Type::Volume) {
            // engine/volumes resolved it (prepareContainerVolumes) to the volume's _data.
            if (m.volumePath.empty()) throw Error("volume mount " + m.target + ": volume not prepared");
            mounts.push_back(bindMount(m.volumePath, m.target, m.readOnly));
        } else if (m.type == MountSpec::Type::Tmpfs) {
            json opts = json::array({"nosuid", "nodev", "noexec"});
            for (auto& t : m.tmpfsOptions) opts.push_back(t);
            if (m.readOnly) opts.push_back("ro");
            mounts.push_back({{"destination", m.target}, {"type", "tmpfs"}, {"source", "tmpfs"},
                              {"options", opts}});
        }
    }
    if (o.init) mounts.push_back(bindMount(in.initPath, kInitPathInContainer, true));

    // ---- linux
    json namespaces = json::array({{{"type", "mount"}}, {{"type", "pid"}}, {{"type", "ipc"}},
                                   {{"type", "uts"}}});
    if (!hostNet) namespaces.push_back({{"type", "network"}});
    if (cgroup2Host()) namespaces.push_back({{"type", "cgroup"}});

    json devRules = json::array();
    if (o.privileged) {
        devRules.push_back({{"allow", true}, {"access", "rwm"}});
    } else {
        devRules.push_back({{"allow", false}, {"access", "rwm"}});
        // runc's AllowedDevices, which moby applies (mknod of anything; the standard nodes).
        devRules.push_back({{"allow", true}, {"type", "c"}, {"access", "m"}});
        devRules.push_back({{"allow", true}, {"type", "b"}, {"access", "m"}});
        for (auto [maj, min] : std::vector<std::pair<int, int>>{
                 {1, 3}, {1, 8}, {1, 7}, {5, 0}, {1, 5}, {1, 9}, {136, -1}, {5, 2}, {10, 200}}) {
            json r = {{"allow", true}, {"type", "c"}, {"major", maj}, {"access", "rwm"}};
            if (min >= 0) r["minor"] = min;
            devRules.push_back(r);
        }
    }
    // --privileged: the host's device nodes (moby: devices.HostDevices()); --device entries
    // below may override one.
    json devices = o.privileged ? hostDeviceNodes() : json::array();
    for (auto& d : o.devices) {
        struct stat st {};
        if (::stat(d.hostPath.c_str(), &st) != 0 || !(S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)))
            continue;  // directories of devices: not yet (validate refused missing ones)
        const char* type = S_ISCHR(st.st_mode) ? "c" : "b";
        devices.push_back({{"path", d.containerPath}, {"type", type},
                           {"major", major(st.st_rdev)}, {"minor", minor(st.st_rdev)},
                           {"fileMode", st.st_mode & 07777}, {"uid", st.st_uid}, {"gid", st.st_gid}});
        devRules.push_back({{"allow", true}, {"type", type}, {"major", major(st.st_rdev)},
                            {"minor", minor(st.st_rdev)}, {"access", d.permissions}});
    }

    json resources = {{"devices", devRules}};
    json memory = json::object();
    if (o.memory > 0) {
        memory["limit"] = o.memory;
        // moby: swap defaults to twice the memory limit.
        memory["swap"] = o.memorySwap != 0 ? o.memorySwap : 2 * o.memory;
    }
    if (o.memoryReservation > 0) memory["reservation"] = o.memoryReservation;
    if (!memory.empty()) resources["memory"] = memory;
    json cpu = json::object();
    if (o.cpuShares > 0) cpu["shares"] = o.cpuShares;
    if (o.nanoCpus > 0) {
        cpu["period"] = 100000;
        cpu["quota"] = o.nanoCpus * 100000 / 1'000'000'000;
    }
    if (!o.cpusetCpus.empty()) cpu["cpus"] = o.cpusetCpus;
    if (!o.cpusetMems.empty()) cpu["mems"] = o.cpusetMems;
    if (!cpu.empty()) resources["cpu"] = cpu;
    if (o.pidsLimit && *o.pidsLimit > 0) resources["pids"] = {{"limit", *o.pidsLimit}};
    if (o.blkioWeight > 0) resources["blockIO"] = {{"weight", o.blkioWeight}};

    json linux = {
        {"namespaces", namespaces},
        {"resources", resources},
        {"cgroupsPath", in.cgroupParent + "/" + in.id},
    };
    if (!devices.empty()) linux["devices"] = devices;
    if (!hostNet)
        linux["sysctl"] = {{"net.ipv4.ip_unprivileged_port_start", "0"},
                           {"net.ipv4.ping_group_range", "0 2147483647"}};
    if (!o.privileged) {
        linux["maskedPaths"] = {"/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore",
                                "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
                                "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
                                "/sys/firmware", "/sys/devices/virtual/powercap"};
        linux["readonlyPaths"] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                                  "/proc/sysrq-trigger"};
    }
    json config = {
        {"ociVersion", "1.0.2-dev"},  // what Docker writes; crun 1.8 refuses 1.2.0
        {"process", process},
        {"root", {{"path", in.rootfsPath}, {"readonly", o.readOnly}}},
        {"hostname", p.hostname},
        {"mounts", mounts},
        {"linux", linux},
    };
    // seccomp: Docker's default profile for this bounding set, unless unconfined/privileged.
    if (!o.privileged && !sec.seccompUnconfined) {
        runtime::ProfileTarget target;
        target.capabilities = caps;
        if (sec.seccompFile.empty()) {
            config["linux"]["seccomp"] = runtime::defaultOciSeccomp(target);
        } else {
            config["linux"]["seccomp"] =
                runtime::profileToOciSeccomp(json::parse(readFile(sec.seccompFile)), target);
        }
    }
    out.config = std::move(config);
    return out;
}

}  // namespace berth::engine
