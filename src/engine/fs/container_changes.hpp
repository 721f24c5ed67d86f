// `docker diff`, `docker export` and `docker commit`: a container's changes (its overlay upper
// dir) and its whole rootfs.
#pragma once

#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "store/snapshot/snapshot_diff.hpp"

namespace berth::store {
class ImageStore;
}

namespace berth::engine::fs {

// Paths the engine itself makes in every container's upper dir (mount points of /proc, /dev,
// /etc/hosts, ...): Docker keeps them in its "-init" layer, so neither diff nor commit shows them
// unless the container changed what is beneath them. rel: "proc", "etc/hosts" (no leading "/").
bool isEngineMountpoint(const std::string& rel);

// `docker diff`: A/C/D of the container's upper dir against its image, sorted by path.
std::vector<store::Change> containerChanges(Engine& engine, const std::string& container);

// `docker export`: the container's rootfs (not its volumes) as a tar to outFd.
void exportContainer(Engine& engine, const std::string& container, int outFd);

struct CommitRequest {
    std::string ref;                   // REPOSITORY[:TAG], "" → untagged
    std::string author;                // -a
    std::string message;               // -m
    std::vector<std::string> changes;  // -c (Dockerfile instructions)
    bool pause = true;                 // -p (default true, as Docker)
};

// `docker commit`: a new image = the container's image + its upper dir as one layer (OCI
// whiteouts), config = the container's Config with the changes applied. Returns "sha256:<hex>".
std::string commitContainer(Engine& engine, store::ImageStore& images, const std::string& container,
                            const CommitRequest& req);

}  // namespace berth::engine::fs
