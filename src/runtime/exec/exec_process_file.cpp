// --process FILE: a runtime-spec process object, checked exactly as config.json's process.
#include "common/error.hpp"
#include "common/file_io.hpp"
#include "runtime/exec/exec_process.hpp"

namespace berth::runtime {

oci::Process parseProcessFile(const std::string& path, const std::string& ociVersion) {
    // The config parser validates a process in the context of a whole config: wrap it in the
    // smallest config that has one, so --process gets exactly config.json's checks.
    nlohmann::json proc;
    try {
        proc = nlohmann::json::parse(readFile(path));
    } catch (const nlohmann::json::exception& e) {
        throw Error("--process " + path + ": " + e.what());
    }
    nlohmann::json wrapper{{"ociVersion", ociVersion.empty() ? "1.2.0" : ociVersion},
                           {"root", {{"path", "rootfs"}}},
                           {"process", proc}};
    oci::Spec spec =
        withContext("--process " + path, [&] { return oci::parseSpec(wrapper.dump()); });
    if (!spec.process) throw Error("--process " + path + ": no process object");
    return *spec.process;
}

}  // namespace berth::runtime
