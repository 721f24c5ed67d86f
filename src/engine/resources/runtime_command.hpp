// Runs the container's OCI runtime for the verbs that go through it (pause, resume, update):
// `<runtime> --root <root> VERB ...`, with optional stdin text, capturing its output. Works the
// same for berth-runtime, runc and crun (their common CLI).
#pragma once

#include <string>
#include <vector>

namespace berth::engine {

struct RuntimeResult {
    int status = -1;  // exit status; -1 when it could not run or died of a signal
    std::string out, err;
};

RuntimeResult runRuntimeCommand(const std::vector<std::string>& argv, const std::string& input = "");

// The runtime's own message for a failure: its stderr's last non-empty line, without runc's
// `time="..." level=error msg="..."` wrapping; or how it ended.
std::string runtimeFailureText(const RuntimeResult& r);

}  // namespace berth::engine
