#include "berth_env.hpp"

#include <gtest/gtest.h>

#include "common/dir_entries.hpp"
#include "common/file_io.hpp"
#include "common/spawn.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>

namespace berth::test {

BerthEnv::BerthEnv(const std::string& prefix) : dir_(prefix), root_(dir_ / "root") {
    auto load = run({"load", "-q", "-i", fixturePath("images/busybox.docker.tar")});
    EXPECT_EQ(load.exitCode, 0) << "loading the busybox fixture: " << load.err;
    auto tag = run({"tag", "fixture/busybox:1", "busybox:latest"});
    EXPECT_EQ(tag.exitCode, 0) << tag.err;
}

namespace {

// Monitors whose command line names this state root. `rm` returns once a monitor has released
// its container; its runtime cleanup (cgroup rmdirs, runtime state) finishes after that and
// needs the root to still be there.
int monitorsUsing(const std::string& root) {
    int n = 0;
    for (auto& pid : dirEntries("/proc")) {
        if (pid.empty() || pid[0] < '0' || pid[0] > '9') continue;
        std::string cmd;
        try {
            cmd = readFile("/proc/" + pid + "/cmdline");
        } catch (...) {
            continue;
        }
        if (cmd.find("berth-monitor") != std::string::npos && cmd.find(root) != std::string::npos) ++n;
    }
    return n;
}

}  // namespace

BerthEnv::~BerthEnv() {
    auto ids = run({"ps", "-aq", "--no-trunc"});
    for (auto& id : splitLines(ids.out))
        if (!id.empty()) run({"rm", "-f", "-v", id});
    for (int i = 0; i < 100 && monitorsUsing(root_) > 0; ++i) ::usleep(50000);
}

CommandResult BerthEnv::run(std::vector<std::string> args, const std::string& input,
                            int timeoutSeconds) const {
    args.insert(args.begin(), {binPath("berth"), "--root", root_});
    return runCommand(args, input, timeoutSeconds);
}

pid_t BerthEnv::spawn(std::vector<std::string> args) const {
    args.insert(args.begin(), {binPath("berth"), "--root", root_});
    pid_t pid = spawnDetachedStdio(args);
    EXPECT_GT(pid, 0) << "spawn berth " << args.at(3);
    return pid;
}

std::string BerthEnv::ok(std::vector<std::string> args, const std::string& input) const {
    auto r = run(args, input);
    std::string shown;
    for (auto& a : args) shown += " " + a;
    EXPECT_EQ(r.exitCode, 0) << "berth" << shown << ": " << r.err;
    if (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
    return r.out;
}

nlohmann::json BerthEnv::inspect(const std::string& idOrName) const {
    auto j = nlohmann::json::parse(ok({"inspect", idOrName}), nullptr, false);
    if (!j.is_array() || j.size() != 1) {
        ADD_FAILURE() << "inspect " << idOrName << " did not return one object";
        return nlohmann::json::object();
    }
    return j[0];
}

std::vector<std::string> BerthEnv::mountsUnderRoot() const {
    std::ifstream in("/proc/self/mountinfo");
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);)
        if (line.find(root_) != std::string::npos) out.push_back(line);
    return out;
}

std::vector<std::string> splitLines(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

}  // namespace berth::test
