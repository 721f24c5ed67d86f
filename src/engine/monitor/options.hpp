// berth-monitor's command line: what the engine passes when it spawns one monitor per container.
//
//   berth-monitor --id ID --bundle DIR --runtime PATH --state-dir DIR --log-path FILE [options]
//
//   --id ID                 container id, as given to the runtime
//   --bundle DIR            OCI bundle (config.json, rootfs)
//   --runtime PATH          OCI runtime binary (berth-runtime, runc, crun)
//   --runtime-root DIR      the runtime's --root (state dir); runtime default if absent
//   --runtime-arg ARG       extra global runtime argument, before the verb (repeatable)
//   --runtime-timeout D     a runtime call (create, start, exec, delete) taking longer is killed
//                           and reported as an error (Go duration; default 2m)
//   --state-dir DIR         the monitor's own files (see below); created if missing
//   --log-path FILE         json-file log ({"log":..,"stream":..,"time":..} per line)
//   --log-max-size BYTES    rotate when the file reaches this size (suffixes k/m/g allowed);
//                           default: never
//   --log-max-file N        files kept, current included: FILE, FILE.1 .. FILE.(N-1); default 1
//   --terminal              the container has a pty (process.terminal in config.json): the
//                           monitor receives its master over a console socket
//   --stdin                 keep the container's stdin open (docker -i); else it is /dev/null
//   --no-start              create only; start on a "start" request on the control socket (lets
//                           `run -a` attach before the first byte of output)
//   --restart POLICY        no | on-failure[:N] | always | unless-stopped (default no)
//   --stop-signal SIG       signal of a "stop" request with no signal (default SIGTERM)
//   --health-cmd ARG        healthcheck command, exec form (repeatable: one ARG per flag)
//   --health-shell CMD      healthcheck command, shell form (/bin/sh -c CMD)
//   --health-interval D     Go duration (30s, 1m30s, 500ms); default 30s
//   --health-timeout D      default 30s
//   --health-start-period D default 0s
//   --health-retries N      default 3
//   --exit-command PATH     run once the container exited for good, after the monitor's last
//                           record (e.g. `berth rm` for a detached --rm container): PATH plus
//                           the --exit-command-arg values, environment BERTH_CONTAINER_ID and
//                           BERTH_EXIT_CODE, stdio /dev/null; not waited for; not when an
//                           attached "takes-exit" client is still there (monitor.hpp)
//   --exit-command-arg ARG  (repeatable)
//   --sync-fd N             inherited fd: one line of JSON is written to it once the container
//                           runs (or failed), then it is closed:
//                             {"ok":true,"pid":1234,"monitorPid":1230[,"attachClient":1]}
//                             {"ok":false,"error":"runtime create: ..."}
//   --attach-fd N           inherited stream socket (one end of a socketpair): a client attached
//                           from the start, as after "attach stdout stderr" but without the
//                           reply line (its client id is in the sync report as "attachClient"):
//                           `run` without -d needs no attach round trip before the start, and
//                           the container is created and started at once
//   --attach-stdin          that client feeds the container's stdin (needs --stdin or --terminal)
//   --attach-stdin-once     its EOF closes the container's stdin
//   --attach-takes-exit     it is a "takes-exit" client (monitor.hpp's attach)
//   --tty-size ROWSxCOLS    the pty's size before the process starts (with --terminal)
//   --foreground            do not detach (debugging, tests)
//   --unmount-rootfs        unmount BUNDLE/rootfs once the container exited for good (before the
//                           final state is published, so a `start` never races it), as Docker
//                           unmounts a stopped container's rootfs
//   --hold-volume DIR       a volume with driver options the container uses (<root>/volumes/NAME,
//                           mounted by the engine): held while the monitor lives, unmounted at
//                           the final exit unless another container holds it (volume_holds.hpp)
//                           (repeatable)
//
// State dir: monitor.pid ("PID STARTTIME"), monitor.sock (control socket), container.pid,
// console.sock (while creating a pty container), state.json (live status), exit.json (last exit,
// written atomically), health.json (Docker's Health object), monitor.log (monitor diagnostics).
#pragma once

#include "common/signals.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace berth::monitor {

struct RestartPolicy {
    enum class Kind { No, OnFailure, Always, UnlessStopped };
    Kind kind = Kind::No;
    int maxRetries = 0;  // on-failure:N; 0 = unlimited

    static RestartPolicy parse(const std::string& text);  // throws Error naming the bad value
    std::string toString() const;
};

struct HealthConfig {
    std::vector<std::string> command;  // empty: no healthcheck
    int64_t intervalNs = 30'000'000'000;
    int64_t timeoutNs = 30'000'000'000;
    int64_t startPeriodNs = 0;
    int retries = 3;
};

struct MonitorOptions {
    std::string id;
    std::string bundle;
    std::string runtime;
    std::string runtimeRoot;
    std::vector<std::string> runtimeArgs;
    int64_t runtimeTimeoutNs = 120'000'000'000;
    std::string stateDir;
    std::string logPath;
    // The cgroup file with the container's oom_kill counter (v1 memory.oom_control, v2
    // memory.events), read when the container exits: State.OOMKilled. "" = not tracked.
    std::string oomFile;
    int64_t logMaxSize = -1;  // -1: unlimited
    int logMaxFiles = 1;
    bool terminal = false;
    bool openStdin = false;
    bool noStart = false;
    RestartPolicy restart;
    int stopSignal = 15;
    HealthConfig health;
    std::vector<std::string> exitCommand;  // [0] the path
    int syncFd = -1;
    int attachFd = -1;
    bool attachStdin = false;
    bool attachStdinOnce = false;
    bool attachTakesExit = false;
    int ttyRows = 0, ttyCols = 0;
    bool foreground = false;
    bool unmountRootfs = false;
    std::vector<std::string> heldVolumes;  // --hold-volume

    // Throws Error naming the bad flag or value; checks required flags.
    static MonitorOptions parse(const std::vector<std::string>& args);
    // The argument list (without argv[0]) that parse() turns back into *this.
    std::vector<std::string> toArgs() const;
};

// Go duration ("1m30s", "500ms", "2h", "1.5s") → nanoseconds. Throws Error.
int64_t parseDuration(const std::string& text);
// "10m" / "1g" / "4096" (k, m, g: powers of 1024, as Docker's --log-opt max-size) → bytes.
int64_t parseByteSize(const std::string& text);
// "SIGTERM", "TERM", "15" → 15. Throws Error.
using berth::parseSignal;  // common/signals.hpp

}  // namespace berth::monitor
