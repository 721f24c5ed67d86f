#include "engine/interactive/monitor_session.hpp"

#include "common/error.hpp"
#include "engine/monitor/client.hpp"

namespace berth::engine {

StreamEnd streamMonitorSession(const MonitorSession& session, const AttachStdio& io,
                               bool withStdin, bool tty, const std::string& detachKeys) {
    StreamEnds ends;
    ends.conn = session.conn;
    ends.inFd = withStdin ? io.inFd : -1;
    ends.outFd = io.outFd;
    ends.errFd = io.errFd;
    ends.tty = tty;
    ends.detachKeys = detachKeys;
    std::string target = session.execPid > 0 ? " " + std::to_string(session.execPid) : "";
    ends.resize = [&](int rows, int cols) {
        try {
            monitor::monitorRequest(session.monitorDir, "resize " + std::to_string(rows) + " " +
                                                            std::to_string(cols) + target);
        } catch (const Error&) {
            // the container may be gone already; nothing to resize
        }
    };
    ends.onDetach = [&] { monitor::monitorDetach(session.monitorDir, session.clientId); };
    return streamStdio(ends);
}

}  // namespace berth::engine
