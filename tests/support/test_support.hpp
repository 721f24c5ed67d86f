// Helpers shared by unit and integration tests.
#pragma once

#include <string>
#include <vector>

namespace berth::test {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction
// (after unmounting anything a failed test left mounted beneath it).
class TempDir {
public:
    explicit TempDir(const std::string& prefix = "berth-test");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return path_; }
    std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

private:
    std::string path_;
};

struct CommandResult {
    int exitCode = -1;  // 128+N when killed by signal N
    std::string out;
    std::string err;
};

// Runs argv (no shell) with optional stdin, capturing stdout and stderr.
CommandResult runCommand(const std::vector<std::string>& argv, const std::string& input = "",
                         int timeoutSeconds = 60);

// Path of a built binary, e.g. binPath("berth-runtime").
std::string binPath(const std::string& name);
// ../shared/fixtures/<rel>
std::string fixturePath(const std::string& rel);

bool runningAsRoot();

// Lays out a minimal busybox rootfs at dir (from Debian's busybox-static): /bin/busybox, applet
// links, /etc/passwd, /etc/group, the usual empty dirs. Throws if busybox-static is missing.
void makeBusyboxRootfs(const std::string& dir);

}  // namespace berth::test

// Skips the current test unless running as root (integration tests).
#define BERTH_REQUIRE_ROOT()                                                   \
    do {                                                                       \
        if (!::berth::test::runningAsRoot()) GTEST_SKIP() << "needs root";     \
    } while (0)
