// Parent <-> container-init messages over a SOCK_SEQPACKET socketpair (runc's sync pipe).
// One message per packet: a type byte and a payload (a pid, an error text). Both ends
// close-on-exec, so a successful execve in the init shows up as EOF at the parent.
#pragma once

#include <sys/types.h>

#include <string>

#include "common/fd.hpp"

namespace berth::runtime {

enum class SyncMsg : char {
    Go = 'g',          // parent → init: maps written, cgroup joined: carry on (payload: the
                       // state JSON for the container-side hooks)
    Maps = 'm',        // stage-1 → parent: write uid/gid maps for my pid
    MapsDone = 'M',    // parent → stage-1
    InitPid = 'p',     // stage-1 → parent: the init's pid (two-stage start)
    Hooks = 'h',       // init → parent: mounts ready, run prestart/createRuntime hooks
    HooksDone = 'H',   // parent → init
    Ready = 'r',       // init → parent: set up, waiting for start
    Start = 's',       // parent → init (run): execve now
    Seccomp = 'f',     // init → parent: a packet carrying the seccomp listener fd follows
    Error = 'e',       // either way: payload is the message; the sender gives up
};

struct SyncMessage {
    SyncMsg type = SyncMsg::Error;
    std::string payload;
    bool eof = false;  // the other end closed (the init exited or exec'd)
};

struct SyncPair {
    UniqueFd parent;
    UniqueFd child;
    static SyncPair make();
};

// Never throw and allocate only for the payload; usable in the init.
bool syncSend(int fd, SyncMsg type, const std::string& payload = {}) noexcept;
SyncMessage syncRecv(int fd);  // throws SysError on a socket error; EOF → eof=true

}  // namespace berth::runtime
