// OCI lifecycle hooks (config.md#posix-platform-hooks, runtime.md#lifecycle).
//
// Each hook is fork+execve(path, args, env) with the container state JSON on stdin, its stdout
// and stderr captured (the first 4 KiB, quoted in errors), and `timeout` seconds before it is
// SIGKILLed and reported as failed. Where each stage runs and what a failure does:
//
//   stage            namespace / path resolution           on failure
//   prestart         runtime / runtime  (parent, create)   create fails, container cleaned up
//   createRuntime    runtime / runtime  (parent, create)   create fails, container cleaned up
//   createContainer  container / runtime (init, before     create fails, container cleaned up
//                    pivot_root: the host tree is still visible in the init's mount ns)
//   startContainer   container / container (init, after    start fails, container stopped
//                    pivot_root, before execve)
//   poststart        runtime / runtime  (parent, start)    warning only
//   poststop         runtime / runtime  (delete)           warning only
//
// The container-side stages run in the container init after clone, so PreparedHook builds
// argv/envp before clone and run() only makes syscalls (no allocation, no throw).
#pragma once

#include <sys/types.h>
#include <sys/wait.h>

#include <string>
#include <vector>

#include "oci/runtime_spec.hpp"

namespace berth::runtime {

enum class HookStage {
    Prestart,
    CreateRuntime,
    CreateContainer,
    StartContainer,
    Poststart,
    Poststop
};

const char* hookStageName(HookStage stage);  // "createRuntime", as in config.json
const std::vector<oci::Hook>& hooksOf(const oci::Hooks& hooks, HookStage stage);

struct HookOutcome {
    int waitStatus = 0;    // as from waitpid; meaningful when started
    bool started = false;  // false: fork/exec failed, see error
    bool timedOut = false;
    int error = 0;      // errno of the failed fork/execve
    char output[4096];  // stdout+stderr of the hook, truncated
    size_t outputLen = 0;

    bool ok() const {
        return started && !timedOut && WIFEXITED(waitStatus) && WEXITSTATUS(waitStatus) == 0;
    }
};

class PreparedHook {
  public:
    // label names the hook in errors: "createRuntime hook[1]".
    PreparedHook(const oci::Hook& hook, std::string stateJson, std::string label);
    PreparedHook(const PreparedHook&) = delete;
    PreparedHook& operator=(const PreparedHook&) = delete;
    PreparedHook(PreparedHook&&) = default;

    // Runs the hook to completion or timeout. Async-signal-safe: usable in the container
    // init between clone and execve. Never throws.
    void run(HookOutcome& outcome) const noexcept;

    // "createRuntime hook[1] /usr/bin/x: exited with status 3: <output>"
    std::string describeFailure(const HookOutcome& outcome) const;

    // run(), then throw berth::Error(describeFailure) unless it succeeded.
    void runOrThrow() const;

    const std::string& label() const { return label_; }

  private:
    std::string path_;
    std::vector<std::string> args_, env_;
    std::vector<char*> argv_, envp_;  // point into args_/env_ (or environ)
    bool inheritEnv_ = false;
    int timeoutSeconds_ = 0;  // 0: none
    std::string state_;
    std::string label_;
};

// Every hook of a stage, prepared in config order, with the same state.
std::vector<PreparedHook> prepareHooks(const oci::Hooks& hooks, HookStage stage,
                                       const std::string& stateJson);

// Runs the stage's hooks in order. Stages whose failure aborts the operation (all but
// poststart and poststop) throw at the first failing hook; poststart/poststop run every hook
// and log each failure as a warning (runtime.md#lifecycle steps 9 and 12).
void runHooks(const oci::Hooks& hooks, HookStage stage, const std::string& stateJson);

}  // namespace berth::runtime
