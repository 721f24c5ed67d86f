// Runs the built `berth` binary against a private state root under a TempDir.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/file_io.hpp"
#include "support/test_support.hpp"

namespace berth::test {

class BerthCli {
  public:
    BerthCli() : root_(dir_ / "root") {}

    CommandResult run(std::vector<std::string> args, const std::string& input = "") const {
        args.insert(args.begin(), {binPath("berth"), "--root", root_});
        return runCommand(args, input, 120);
    }
    // Runs and expects exit status 0; returns stdout.
    std::string ok(std::vector<std::string> args, const std::string& input = "") const {
        CommandResult r = run(args, input);
        EXPECT_EQ(r.exitCode, 0) << "berth " << args[0] << " failed: " << r.err;
        return r.out;
    }
    nlohmann::json inspect(const std::string& name) const {
        auto j = nlohmann::json::parse(ok({"image", "inspect", name}));
        EXPECT_EQ(j.size(), 1u);
        return j.at(0);
    }
    std::string busybox(const std::string& ref = "busybox:latest") const {
        std::string out = ok({"image", "busybox", ref});
        while (!out.empty() && out.back() == '\n') out.pop_back();
        return out;
    }
    const std::string& root() const { return root_; }
    std::string path(const std::string& rel) const { return dir_ / rel; }

  private:
    TempDir dir_{"berth-cli-it"};
    std::string root_;
};

// A fixture file; BERTH_FIXTURES overrides the build's fixture dir (worktrees).
inline std::string fixture(const std::string& rel) {
    if (const char* env = std::getenv("BERTH_FIXTURES"); env && *env)
        return std::string(env) + "/" + rel;
    return fixturePath(rel);
}

inline std::vector<std::string> lines(const std::string& s) {
    std::vector<std::string> out;
    size_t p = 0;
    while (p < s.size()) {
        size_t nl = s.find('\n', p);
        out.push_back(s.substr(p, nl == std::string::npos ? nl : nl - p));
        if (nl == std::string::npos) break;
        p = nl + 1;
    }
    return out;
}

}  // namespace berth::test
