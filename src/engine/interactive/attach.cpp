// The attached run (run without -d, start -a) and `attach`: the caller's stdio through the
// container's berth-monitor, with detach keys and terminal resizes (stdio_stream.cpp).
#include <pthread.h>
#include <signal.h>

#include <thread>

#include "common/error.hpp"
#include "engine/engine.hpp"
#include "engine/events/journal.hpp"
#include "engine/interactive/detach_keys.hpp"
#include "engine/interactive/monitor_session.hpp"
#include "engine/interactive/stdio_stream.hpp"
#include "engine/monitor/client.hpp"

namespace berth::engine {

namespace {

// docker's --sig-proxy: forwarded from a thread that waits for them (a handler can't do I/O).
void proxySignals(const std::string& monitorDir) {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2}) sigaddset(&set, sig);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::thread([set, monitorDir] {
        for (;;) {
            int sig = 0;
            if (sigwait(&set, &sig) != 0) return;
            try {
                monitor::monitorRequest(monitorDir, "kill " + std::to_string(sig));
            } catch (const Error&) {
            }
        }
    }).detach();
}

}  // namespace

int Engine::runAttached(const ContainerRecord& rec, int outFd, int errFd, int inFd, bool sigProxy) {
    AttachStdio io;
    io.inFd = inFd;
    io.outFd = outFd;
    io.errFd = errFd;
    io.sigProxy = sigProxy;
    return runAttached(rec, io).exitCode;
}

AttachOutcome Engine::runAttached(const ContainerRecord& rec, const AttachStdio& io) {
    bool tty = rec.config.value("Tty", false);
    bool withStdin = io.inFd >= 0 && rec.config.value("OpenStdin", false);
    std::string keys = withStdin ? parseDetachKeys(io.detachKeys) : "";
    std::string mdir = monitorDir(rec.id);
    AttachAtStart handoff;
    handoff.stdin = withStdin;
    handoff.stdinOnce = withStdin;
    handoff.takesExit = io.removesAfterExit && rec.autoRemove;  // run --rm removes it itself
    // The process sees its size from the beginning.
    if (tty) (void)(terminalSize(withStdin ? io.inFd : -1, &handoff.rows, &handoff.cols) ||
                    terminalSize(io.outFd, &handoff.rows, &handoff.cols));
    if (io.sigProxy && !tty) proxySignals(mdir);
    start(rec, /*noStart=*/false, &handoff);
    UniqueFd conn = std::move(handoff.conn);
    MonitorSession session{mdir, conn.get(), handoff.clientId};
    if (streamMonitorSession(session, io, withStdin, tty, keys) == StreamEnd::Detached)
        return {0, true};
    conn.reset();
    return {wait(rec.id), false};
}

AttachOutcome Engine::attach(const std::string& idOrName, const AttachStdio& io) {
    ContainerRecord rec = store_.get(idOrName);
    auto st = state(rec);
    if (st.paused) throw Error("You cannot attach to a paused container, unpause it first");
    if (!st.running && !st.restarting)
        throw Error("You cannot attach to a stopped container, start it first");
    bool tty = rec.config.value("Tty", false);
    bool withStdin = io.inFd >= 0 && rec.config.value("OpenStdin", false);
    std::string keys = withStdin ? parseDetachKeys(io.detachKeys) : "";
    std::string mdir = monitorDir(rec.id);
    uint64_t clientId = 0;
    UniqueFd conn = monitor::monitorAttach(mdir, withStdin, true, true,
                                           withStdin && rec.config.value("StdinOnce", false),
                                           &clientId);
    events::recordContainer(*this, rec, "attach");
    if (io.sigProxy && !tty) proxySignals(mdir);

    MonitorSession session{mdir, conn.get(), clientId};
    if (streamMonitorSession(session, io, withStdin, tty, keys) == StreamEnd::Detached)
        return {0, true};
    conn.reset();
    return {wait(rec.id), false};
}

}  // namespace berth::engine
