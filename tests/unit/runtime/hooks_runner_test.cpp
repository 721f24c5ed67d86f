// Hook execution: state on stdin, args/env, output in errors, timeouts, failure semantics.
#include <errno.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <chrono>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "runtime/hooks/hook_runner.hpp"
#include "runtime/hooks/saved_hooks.hpp"
#include "support/failures.hpp"
#include "support/test_support.hpp"

using namespace berth;
using namespace berth::runtime;
using berth::test::errorOf;

namespace {

oci::Hook shHook(const std::string& script, std::vector<std::string> env = {},
                 std::optional<int> timeout = std::nullopt) {
    oci::Hook h;
    h.path = "/bin/sh";
    h.args = {"sh", "-c", script};
    h.env = std::move(env);
    h.timeout = timeout;
    return h;
}

}  // namespace

TEST(HookRunner, StateOnStdinArgsAndEnv) {
    test::TempDir dir;
    std::string out = dir / "out";
    oci::Hook h;
    h.path = "/bin/sh";
    h.args = {"my-hook", "-c", "cat > \"$1\"; echo \"$0 $FOO\" >> \"$1\"", "argv0-is-kept", out};
    h.env = {"FOO=bar", "PATH=/usr/bin:/bin"};
    std::string state = R"({"ociVersion":"1.2.0","id":"c1","status":"creating","pid":42})";
    PreparedHook(h, state, "createRuntime hook[0]").runOrThrow();
    EXPECT_EQ(readFile(out), state + "argv0-is-kept bar\n");
}

TEST(HookRunner, NoEnvInheritsTheRuntimesEnvironment) {
    test::TempDir dir;
    setenv("BERTH_HOOK_TEST_VAR", "inherited", 1);
    PreparedHook(shHook("echo \"$BERTH_HOOK_TEST_VAR\" > " + (dir / "o")), "{}", "h").runOrThrow();
    EXPECT_EQ(readFile(dir / "o"), "inherited\n");
    // An explicit env replaces it.
    PreparedHook(shHook("echo \"[$BERTH_HOOK_TEST_VAR]\" > " + (dir / "o"), {"A=b"}), "{}", "h")
        .runOrThrow();
    EXPECT_EQ(readFile(dir / "o"), "[]\n");
}

TEST(HookRunner, FailureNamesHookStatusAndOutput) {
    std::string err = errorOf([] {
        PreparedHook(shHook("echo boom >&2; exit 3"), "{}", "createRuntime hook[1]").runOrThrow();
    });
    EXPECT_NE(err.find("createRuntime hook[1] /bin/sh: exited with status 3: boom"),
              std::string::npos)
        << err;
    err = errorOf([] {
        oci::Hook h;
        h.path = "/nonexistent/hook";
        PreparedHook(h, "{}", "prestart hook[0]").runOrThrow();
    });
    EXPECT_NE(err.find("prestart hook[0] /nonexistent/hook: could not run: ENOENT"),
              std::string::npos)
        << err;
    err = errorOf([] { PreparedHook(shHook("kill -TERM $$"), "{}", "h").runOrThrow(); });
    EXPECT_NE(err.find("killed by signal TERM"), std::string::npos) << err;
}

TEST(HookRunner, TimeoutKillsTheHook) {
    test::TempDir dir;
    std::string pidFile = dir / "pid";
    auto start = std::chrono::steady_clock::now();
    std::string err = errorOf([&] {
        PreparedHook(shHook("echo $$ > " + pidFile + "; exec sleep 30", {}, 1), "{}",
                     "poststart hook[0]")
            .runOrThrow();
    });
    auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_NE(err.find("poststart hook[0] /bin/sh: timed out after 1s and was killed"),
              std::string::npos)
        << err;
    EXPECT_LT(elapsed, std::chrono::seconds(5));
    EXPECT_GE(elapsed, std::chrono::milliseconds(900));
    pid_t pid = std::stoi(readFile(pidFile));
    EXPECT_EQ(kill(pid, 0), -1) << "the hook must be dead and reaped";
    EXPECT_EQ(errno, ESRCH);
}

TEST(HookRunner, HookIgnoringALargeStateDoesNotHangOrKillUs) {
    std::string big(1 << 20, 'x');
    PreparedHook(shHook("exit 0"), big, "h").runOrThrow();
    // And one that reads it all gets all of it.
    test::TempDir dir;
    PreparedHook(shHook("wc -c > " + (dir / "n")), big, "h").runOrThrow();
    EXPECT_EQ(std::stoul(readFile(dir / "n")), big.size());
}

TEST(HookRunner, AbortingStageStopsAtFirstFailureInOrder) {
    test::TempDir dir;
    std::string log = dir / "log";
    oci::Hooks hooks;
    hooks.createRuntime = {shHook("echo one >> " + log), shHook("echo two >> " + log + "; exit 1"),
                           shHook("echo three >> " + log)};
    std::string err = errorOf([&] { runHooks(hooks, HookStage::CreateRuntime, "{}"); });
    EXPECT_NE(err.find("createRuntime hook[1]"), std::string::npos) << err;
    EXPECT_EQ(readFile(log), "one\ntwo\n");
}

TEST(HookRunner, PoststopFailuresOnlyWarn) {
    test::TempDir dir;
    std::string log = dir / "log";
    oci::Hooks hooks;
    hooks.poststop = {shHook("echo one >> " + log + "; exit 1"), shHook("echo two >> " + log)};
    EXPECT_NO_THROW(runHooks(hooks, HookStage::Poststop, "{}"));
    EXPECT_EQ(readFile(log), "one\ntwo\n");
    hooks.poststart = hooks.poststop;
    EXPECT_NO_THROW(runHooks(hooks, HookStage::Poststart, "{}"));
}

TEST(HookRunner, StageNames) {
    EXPECT_STREQ(hookStageName(HookStage::CreateContainer), "createContainer");
    oci::Hooks hooks;
    hooks.startContainer.push_back(shHook("true"));
    EXPECT_EQ(&hooksOf(hooks, HookStage::StartContainer), &hooks.startContainer);
    EXPECT_EQ(prepareHooks(hooks, HookStage::StartContainer, "{}")[0].label(),
              "startContainer hook[0]");
}

TEST(SavedHooks, RoundTripAndAbsentWhenNone) {
    test::TempDir dir;
    oci::Hooks none;
    none.prestart.push_back(shHook("true"));  // create-time stages are not saved
    saveLaterHooks(dir.path(), none);
    EXPECT_FALSE(loadLaterHooks(dir.path()));
    oci::Hooks hooks;
    hooks.poststart.push_back(shHook("echo a", {"X=1"}, 5));
    hooks.poststop.push_back(shHook("echo b"));
    saveLaterHooks(dir.path(), hooks);
    auto back = loadLaterHooks(dir.path());
    ASSERT_TRUE(back);
    ASSERT_EQ(back->poststart.size(), 1u);
    EXPECT_EQ(back->poststart[0].path, "/bin/sh");
    EXPECT_EQ(back->poststart[0].args, hooks.poststart[0].args);
    EXPECT_EQ(back->poststart[0].env, std::vector<std::string>{"X=1"});
    EXPECT_EQ(back->poststart[0].timeout, 5);
    EXPECT_EQ(back->poststop[0].args[2], "echo b");
    EXPECT_FALSE(back->poststop[0].timeout);
}
