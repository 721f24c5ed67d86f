// A busybox bundle with a private state root, driven through the berth-runtime binary.
// Everything a test makes is deleted (and killed) on destruction.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/test_support.hpp"

namespace berth::test {

std::string runtimeBin();

// `runc spec`-like config without a terminal running /bin/sh -c script.
nlohmann::json shellConfig(const std::string& script);

struct RuntimeBundle {
    TempDir dir{"berth-rt"};
    std::string id;
    std::vector<std::string> ids;  // every id used, deleted --force at the end
    RuntimeBundle();
    ~RuntimeBundle();
    std::string bundle() const { return dir / "bundle"; }
    std::string rootfs() const { return dir / "bundle/rootfs"; }
    std::string root() const { return dir / "state"; }
    void write(const nlohmann::json& config) const;
    void writeRaw(const std::string& text) const;
    // berth-runtime --root <root> <args...>
    CommandResult rt(std::vector<std::string> args, int timeout = 30);
    // Like rt(), but stdio goes to files (out/err of the runtime only, read after it exits):
    // for create and run -d, whose container keeps the stdio it inherited.
    CommandResult rtDetached(std::vector<std::string> args, const std::string& containerOut = "");
    // run --bundle <bundle> <id> with config
    CommandResult run(const nlohmann::json& config);
    nlohmann::json state(const std::string& cid);
    std::string newId();
};

std::map<std::string, std::string> keyValues(const std::string& out);

// rmdir /sys/fs/cgroup/<every hierarchy>/<name>: the parent a test's cgroupsPath made.
void removeTestCgroupParent(const std::string& name);

// The berth-runtime binary is built; tests skip otherwise.
#define REQUIRE_BERTH_RUNTIME()                                                            \
    do {                                                                                   \
        BERTH_REQUIRE_ROOT();                                                              \
        if (::access(::berth::test::runtimeBin().c_str(), X_OK) != 0)                      \
            GTEST_SKIP() << ::berth::test::runtimeBin() << " is not built";                \
    } while (0)

}  // namespace berth::test
