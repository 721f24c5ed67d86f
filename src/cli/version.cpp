#include "cli/version.hpp"

#ifndef BERTH_VERSION
#define BERTH_VERSION "0.0.0-dev"
#endif
#ifndef BERTH_GIT_COMMIT
#define BERTH_GIT_COMMIT "unknown"
#endif
#ifndef BERTH_BUILD_DATE
#define BERTH_BUILD_DATE "unknown"
#endif

namespace berth::cli {

const char* berthVersion() {
    return BERTH_VERSION;
}
const char* berthGitCommit() {
    return BERTH_GIT_COMMIT;
}
const char* berthBuildDate() {
    return BERTH_BUILD_DATE;
}

}  // namespace berth::cli
