// The berth version, git commit and build date, set by the build.
#pragma once

namespace berth::cli {

const char* berthVersion();
const char* berthGitCommit();
const char* berthBuildDate();
// The Docker Engine API version berth's API server speaks (and `version` reports).
inline constexpr const char* kApiVersion = "1.41";

}  // namespace berth::cli
