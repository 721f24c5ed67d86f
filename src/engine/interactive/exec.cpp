// `exec`: a process in a running container, started by its berth-monitor (`<runtime> exec`) from
// an OCI process object built like Docker's (moby daemon/exec.go): the container's process with
// the exec's args, env, user, cwd, terminal and (--privileged) every capability.
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/safe_path.hpp"
#include "engine/engine.hpp"
#include "engine/events/journal.hpp"
#include "engine/events/time_arg.hpp"
#include "common/mount_tree.hpp"
#include "engine/fs/rootfs_access.hpp"
#include "engine/interactive/detach_keys.hpp"
#include "engine/interactive/monitor_session.hpp"
#include "engine/monitor/client.hpp"
#include "engine/spec/capability_set.hpp"
#include "engine/spec/option_parsers.hpp"
#include "engine/spec/spec_builder.hpp"
#include "engine/spec/user_lookup.hpp"

namespace berth::engine {

namespace {

using nlohmann::json;

// The runtime's complaint inside the monitor's error ("...: exit status 1: TEXT"), in runc's
// words: `berth-runtime exec: exec /x: EACCES (Permission denied)` → `exec: "/x": permission
// denied`.
std::string runtimeText(const std::string& message) {
    std::string text = message;
    if (auto at = text.rfind("exit status "); at != std::string::npos)
        if (auto colon = text.find(": ", at); colon != std::string::npos) text = text.substr(colon + 2);
    if (auto at = text.find(" exec: "); at != std::string::npos && text.find(' ') == at)
        text = text.substr(at + 7);  // "<runtime> exec: "
    // errno suffix ": ENOENT (No such file or directory)" → ": no such file or directory"
    if (!text.empty() && text.back() == ')') {
        auto open = text.rfind(" (");
        auto colon = text.rfind(": E", open);
        if (open != std::string::npos && colon != std::string::npos && colon < open) {
            std::string desc = text.substr(open + 2, text.size() - open - 3);
            for (auto& c : desc) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
            text = text.substr(0, colon) + ": " + desc;
        }
    }
    if (auto at = text.find("executable file not found in $PATH"); at != std::string::npos)
        text.resize(at + 34);
    if (text.rfind("exec /", 0) == 0) {
        auto colon = text.find(": ");
        if (colon != std::string::npos)
            text = "exec: \"" + text.substr(5, colon - 5) + "\"" + text.substr(colon);
    }
    return text;
}

bool containsNoCase(std::string hay, const std::string& needle) {
    for (auto& c : hay) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
    return hay.find(needle) != std::string::npos;
}

}  // namespace

AttachOutcome Engine::exec(const std::string& idOrName, const ExecOptions& opts,
                           const AttachStdio& io) {
    ContainerRecord rec = store_.get(idOrName);
    auto st = state(rec);
    if (st.paused)
        throw Error("container " + rec.id + " is paused, unpause the container before exec");
    if (!st.running) throw Error("container " + rec.id + " is not running");
    if (opts.cmd.empty()) throw Error("No exec command specified");
    bool withStdin = opts.interactive && !opts.detach && io.inFd >= 0;
    std::string keys;
    if (withStdin) {
        try {
            keys = parseDetachKeys(io.detachKeys);
        } catch (const Error&) {
            throw Error("Invalid escape keys (" + io.detachKeys + ") provided");
        }
    }
    if (!opts.workdir.empty() && opts.workdir[0] != '/')
        throw Error("the working directory '" + opts.workdir +
                    "' is invalid, it needs to be an absolute path");

    std::string dir = store_.dir(rec.id);
    json config = json::parse(readFile(dir + "/config.json"));
    json proc = config.value("process", json::object());
    proc["args"] = opts.cmd;
    proc["terminal"] = opts.tty;
    proc.erase("consoleSize");
    if (!opts.workdir.empty()) proc["cwd"] = opts.workdir;

    // -u: looked up in the container's /etc/passwd and /etc/group (also for HOME).
    ExecUser user;
    bool userKnown = false;
    std::string userSpec = opts.user.empty() ? rec.config.value("User", "") : opts.user;
    // The image's files without the container's mounts, as Docker's BaseFS: the host no longer
    // mounts a running container's overlay (Engine::start detaches it), so from the container's
    // mount namespace unless it is still mounted here.
    UniqueFd rootfs;
    if (st.pid > 0 && !fs::isMountPoint(dir + "/rootfs")) rootfs = cloneNamespaceRoot(st.pid);
    if (!rootfs) rootfs.reset(::open((dir + "/rootfs").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!opts.user.empty()) {
        if (!rootfs) throw SysError("open " + dir + "/rootfs");
        try {
            user = resolveUser(rootfs.get(), userSpec);
        } catch (const Error& e) {
            throw ExecStartError(e.what(), 126);  // docker: the exec fails to start, 126
        }
        userKnown = true;
        proc["user"] = {{"uid", user.uid}, {"gid", user.gid}, {"additionalGids", user.additionalGids}};
    } else if (rootfs) {
        try {
            user = resolveUser(rootfs.get(), userSpec);
            userKnown = true;
        } catch (const Error&) {
        }
    }

    // runc refuses a missing cwd for exec (it creates one only for the container's start).
    if (!opts.workdir.empty() && rootfs &&
        !tryOpenInRoot(rootfs.get(), opts.workdir, O_PATH | O_DIRECTORY | O_CLOEXEC))
        throw ExecStartError(
            "OCI runtime exec failed: exec failed: unable to start container process: chdir to "
            "cwd (\"" + opts.workdir + "\") set in config.json failed: no such file or directory: unknown",
            126);

    // Env (moby): PATH, HOSTNAME, TERM with -t, then the container's Config.Env, then the exec's.
    std::vector<std::string> env = {kDefaultPathEnv,
                                    "HOSTNAME=" + rec.config.value("Hostname", rec.id.substr(0, 12))};
    if (opts.tty) env.push_back("TERM=xterm");
    if (rec.config.contains("Env") && rec.config["Env"].is_array())
        for (auto& e : rec.config["Env"])
            if (e.is_string()) setEnv(env, e.get<std::string>());
    for (auto& f : opts.envFiles)
        for (auto& e : readEnvFile(f))
            if (auto x = expandEnvEntry(e); !x.empty()) setEnv(env, x);
    for (auto& e : opts.env)
        if (auto x = expandEnvEntry(e); !x.empty()) setEnv(env, x);
    if (!hasEnv(env, "HOME")) env.push_back("HOME=" + (userKnown ? user.home : std::string("/")));
    proc["env"] = env;

    if (opts.privileged) {
        auto all = hostCapabilities();
        json caps = json::object();
        for (const char* set : {"bounding", "effective", "permitted"}) caps[set] = all;
        proc["capabilities"] = caps;
    }

    std::string mdir = monitorDir(rec.id);
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    std::string processFile = mdir + "/exec-" + std::to_string(now.tv_sec) +
                              std::to_string(now.tv_nsec) + "-" + std::to_string(getpid()) +
                              ".process.json";
    writeFile(processFile, proc.dump());
    monitor::ExecHandle h;
    // exec_create/exec_start carry the time before the exec began: a quick process's exec_die
    // (the monitor's clock) can be written before monitorExec returns, and must sort after them.
    int64_t execNs = events::nowNanos();
    try {
        h = monitor::monitorExec(mdir, processFile, opts.tty, withStdin, opts.detach);
    } catch (const Error& e) {
        ::unlink(processFile.c_str());
        if (!state(rec).running) throw Error("container " + rec.id + " is not running");
        // moby translateContainerdStartErr: 127 for a missing command, 126 otherwise.
        std::string text = runtimeText(e.what());
        int code = 126;
        if (containsNoCase(text, "executable file not found") ||
            (containsNoCase(text, "no such file or directory") &&
             !containsNoCase(text, "chdir") && !containsNoCase(text, "cwd")))
            code = 127;
        throw ExecStartError(
            "OCI runtime exec failed: exec failed: unable to start container process: " + text +
                ": unknown",
            code);
    }
    ::unlink(processFile.c_str());
    std::string cmdline;
    for (auto& a : opts.cmd) cmdline += (cmdline.empty() ? "" : " ") + a;
    std::string execId = std::to_string(h.pid);
    events::recordContainer(*this, rec, "exec_create: " + cmdline, {{"execID", execId}}, execNs);
    events::recordContainer(*this, rec, "exec_start: " + cmdline, {{"execID", execId}}, execNs);
    if (opts.detach) return {0, false};

    MonitorSession session{mdir, h.sock.get(), h.clientId, h.pid};
    if (streamMonitorSession(session, io, withStdin, opts.tty, keys) == StreamEnd::Detached)
        return {0, true};
    h.sock.reset();
    // The monitor writes the exit record before it closes the connection; a monitor that died
    // meanwhile leaves none.
    for (int i = 0; i < 100; ++i) {
        int code = monitor::execExitCode(mdir, h.pid);
        if (code >= 0) {
            events::recordContainer(*this, rec, "exec_die",
                                    {{"execID", execId}, {"exitCode", std::to_string(code)}});
            return {code, false};
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw Error("exec " + std::to_string(h.pid) + " in " + rec.id +
                ": its exit code was not recorded (the monitor went away?)");
}

}  // namespace berth::engine
