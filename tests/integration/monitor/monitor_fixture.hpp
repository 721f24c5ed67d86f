// Shared fixture: a busybox bundle, a private runtime root, a monitor state dir, cleanup.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/strings.hpp"
#include "engine/monitor/client.hpp"
#include "engine/monitor/options.hpp"
#include "support/test_support.hpp"

namespace berth::monitor::test {

using berth::test::binPath;
using berth::test::runCommand;
using berth::test::TempDir;
using nlohmann::json;

// runc by default; BERTH_TEST_RUNTIME=berth-runtime (build/bin) or a path.
inline std::string testRuntime() {
    const char* env = getenv("BERTH_TEST_RUNTIME");
    std::string choice = env && *env ? env : "runc";
    if (choice == "berth-runtime") return binPath("berth-runtime");
    if (choice.find('/') != std::string::npos) return choice;
    for (const char* dir : {"/usr/sbin/", "/usr/bin/", "/usr/local/sbin/", "/usr/local/bin/"})
        if (pathExists(dir + choice)) return dir + choice;
    return choice;
}

inline bool waitFor(const std::function<bool()>& done, int timeoutMs = 10000) {
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (std::chrono::steady_clock::now() < end) {
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return done();
}

inline json readJsonFile(const std::string& path) {
    try {
        return json::parse(readFile(path));
    } catch (...) {
        return json();
    }
}

inline std::vector<json> readLogEntries(const std::string& path) {
    std::vector<json> entries;
    std::string text;
    try {
        text = readFile(path);
    } catch (...) {
        return entries;
    }
    for (const auto& line : split(text, '\n'))
        if (!line.empty()) entries.push_back(json::parse(line));
    return entries;
}

class MonitorTest : public ::testing::Test {
  protected:
    void SetUp() override {
        BERTH_REQUIRE_ROOT();
        runtime_ = testRuntime();
        if (!pathExists(runtime_)) GTEST_SKIP() << "runtime not found: " << runtime_;
        static int counter = 0;
        id_ = "berth-mon-" + std::to_string(getpid()) + "-" + std::to_string(++counter);
        bundle_ = dir_ / "bundle";
        stateDir_ = dir_ / "state";
        mkdirAll(bundle_ + "/rootfs");
        berth::test::makeBusyboxRootfs(bundle_ + "/rootfs");
        auto spec = runCommand({runtime_, "spec", "--bundle", bundle_});
        ASSERT_EQ(spec.exitCode, 0) << spec.err;
        active_ = true;
    }

    void TearDown() override {
        if (!active_) return;
        // Stop through the monitor if it is still there; then make sure nothing is left.
        try {
            monitorRequest(stateDir_, "stop KILL 0", 10);
        } catch (...) {
        }
        waitFor([&] { return checkMonitor(stateDir_) != MonitorHealth::Running; }, 5000);
        auto pidText = pathExists(stateDir_ + "/monitor.pid") ? readFile(stateDir_ + "/monitor.pid")
                                                              : std::string();
        if (checkMonitor(stateDir_) == MonitorHealth::Running)
            kill(static_cast<pid_t>(atoi(pidText.c_str())), SIGKILL);
        runCommand({runtime_, "--root", dir_ / "runtime-root", "delete", "--force", id_});
    }

    // config.json: process.args, process.terminal.
    void configure(const std::vector<std::string>& args, bool terminal = false) {
        auto config = json::parse(readFile(bundle_ + "/config.json"));
        config["process"]["args"] = args;
        config["process"]["terminal"] = terminal;
        writeFile(bundle_ + "/config.json", config.dump());
    }

    MonitorOptions options() const {
        MonitorOptions o;
        o.id = id_;
        o.bundle = bundle_;
        o.runtime = runtime_;
        o.runtimeRoot = dir_ / "runtime-root";
        o.stateDir = stateDir_;
        o.logPath = logPath();
        return o;
    }

    SpawnedMonitor spawn(const MonitorOptions& o) {
        return spawnMonitor(binPath("berth-monitor"), o);
    }
    SpawnedMonitor spawn() { return spawn(options()); }

    std::string logPath() const { return stateDir_ + "/ctr.log"; }
    json state() const { return readJsonFile(stateDir_ + "/state.json"); }

    // Waits for the monitor's final exit record; returns it (null on timeout).
    json waitFinalExit(int timeoutMs = 15000) {
        json record;
        waitFor(
            [&] {
                record = readJsonFile(stateDir_ + "/exit.json");
                return record.is_object() && record.value("final", false) &&
                       checkMonitor(stateDir_) != MonitorHealth::Running;
            },
            timeoutMs);
        return record;
    }

    std::vector<std::string> logLines(const std::string& path) const {
        std::vector<std::string> lines;
        for (const auto& e : readLogEntries(path)) lines.push_back(e["log"].get<std::string>());
        return lines;
    }

    TempDir dir_{"berth-monitor"};
    std::string runtime_, id_, bundle_, stateDir_;
    bool active_ = false;
};

}  // namespace berth::monitor::test
