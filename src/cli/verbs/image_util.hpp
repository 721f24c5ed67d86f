// Helpers the image verbs share: the in-use hook, ID truncation, reference splitting.
#pragma once

#include <string>

#include "cli/context.hpp"
#include "store/image_store.hpp"

namespace berth::cli {

// The store's InUseFn from the container records as they are when it is made (call it before
// the store call that takes it).
store::InUseFn inUseFn(CliContext& ctx);

// docker's stringid.TruncateID: drops "sha256:", keeps 12 hex digits.
std::string truncateId(const std::string& id);

// docker's formatter.Ellipsis: at most n runes, the last one "…" when cut.
std::string ellipsis(const std::string& s, size_t n);

// "busybox:latest" → {"busybox", "latest"}; "x@sha256:.." → {"x", "sha256:.."} (the digest).
struct RepoAndTag {
    std::string repo;
    std::string tagOrDigest;
};
RepoAndTag splitFamiliar(const std::string& familiarRef);

}  // namespace berth::cli
