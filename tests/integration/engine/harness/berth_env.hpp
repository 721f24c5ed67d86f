// What every engine integration test starts from: the built `berth` on a private --root under a
// TempDir, with the busybox fixture image loaded and tagged busybox:latest (the image the Docker
// peer has too, same ID). Removes every container it made on destruction.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/test_support.hpp"

namespace berth::test {

class BerthEnv {
  public:
    explicit BerthEnv(const std::string& prefix = "berth-engine-it");
    ~BerthEnv();
    BerthEnv(const BerthEnv&) = delete;
    BerthEnv& operator=(const BerthEnv&) = delete;

    // berth --root <root> args...
    CommandResult run(std::vector<std::string> args, const std::string& input = "",
                      int timeoutSeconds = 60) const;
    // Runs, expects exit status 0 (a test failure otherwise); returns stdout without the final
    // newline.
    std::string ok(std::vector<std::string> args, const std::string& input = "") const;
    // `berth --root <root> args...` in the background, stdio on /dev/null; its pid (the caller
    // reaps it).
    pid_t spawn(std::vector<std::string> args) const;
    // `inspect ID` parsed; the one object.
    nlohmann::json inspect(const std::string& idOrName) const;

    const std::string& root() const { return root_; }
    // A path under the test's TempDir (outside the state root).
    std::string path(const std::string& rel) const { return dir_ / rel; }

    // Lines of /proc/self/mountinfo that mention the state root (leak checks).
    std::vector<std::string> mountsUnderRoot() const;

  private:
    TempDir dir_;
    std::string root_;
};

// Command output as lines (no trailing empty line).
std::vector<std::string> splitLines(const std::string& s);

}  // namespace berth::test
