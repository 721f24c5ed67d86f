// `docker cp` in both directions, with Docker's path rules (moby pkg/archive copy.go):
//   SRC "/dir/."  the directory's contents;  "/dir/" or "/link/"  the directory (a link followed)
//   DEST missing  created with SRC's content and DEST's name (its parent must exist;
//                 "DEST/" with a file SRC: "no such directory")
//   DEST a dir    SRC copied into it (as base name of SRC), or its contents with "/."
//   DEST a file   overwritten by a file SRC; a directory SRC: "cannot copy directory"
//   "-"           a tar stream: to stdout (container → host), or from stdin, extracted into a
//                 container directory (container side).
// Container paths resolve only inside the container (openat2 RESOLVE_IN_ROOT beneath its root):
// a symlink in the container to "/" or "../.." ends at the container's own root, never the host's.
// Writes into the container never follow a symlink below the destination directory.
#pragma once

#include <cstdint>
#include <string>

#include "engine/engine.hpp"

namespace berth::engine::fs {

// An error Docker's daemon reports ("Error response from daemon: ..." on the CLI); other
// Errors of these calls are what Docker's client says itself ("cannot copy directory").
class DaemonError : public Error {
  public:
    explicit DaemonError(const std::string& msg) : Error(msg) {}
};

struct CopyOptions {
    bool archive = false;     // -a: keep uid/gid (else files copied in belong to root)
    bool followLink = false;  // -L: follow a symlink SRC
};

// `cp CONTAINER:SRC DEST`; DEST "-": a tar to outFd. Returns the bytes of file data copied.
uint64_t copyFromContainer(Engine& engine, const std::string& container, const std::string& src,
                           const std::string& dest, int outFd, const CopyOptions& opts);

// `cp SRC CONTAINER:DEST`; SRC "-": a tar read from inFd.
uint64_t copyToContainer(Engine& engine, const std::string& src, int inFd,
                         const std::string& container, const std::string& dest,
                         const CopyOptions& opts);

}  // namespace berth::engine::fs
