// Engine::update: docker update. The new limits go to the running container through
// `<runtime> update -r -` (berth-runtime, runc and crun read the same LinuxResources JSON),
// then into the record's HostConfig and the bundle's config.json, so a later start keeps them.
#include "common/error.hpp"
#include "common/file_io.hpp"
#include "engine/engine.hpp"
#include "engine/events/journal.hpp"
#include "engine/monitor/client.hpp"
#include "engine/monitor/options.hpp"
#include "engine/resources/runtime_command.hpp"

namespace berth::engine {

void Engine::update(const std::string& idOrName, const ResourceUpdate& u) {
    if (u.restartPolicy && *u.restartPolicy != "no") {
        try {
            monitor::RestartPolicy::parse(*u.restartPolicy);
        } catch (const Error&) {
            if (u.restartPolicy->rfind("on-failure", 0) == 0) throw;
            throw Error("invalid restart policy '" + *u.restartPolicy + "'");
        }
    }
    // Checked before the lookup, as moby's verifyContainerSettings does.
    if (u.memory && *u.memory != 0 && *u.memory < 6 * 1024 * 1024)
        throw Error("Minimum memory limit allowed is 6MB");
    UniqueFd lock = store_.lock();
    ContainerRecord rec = store_.get(idOrName);
    nlohmann::json hc = rec.hostConfig;
    try {
        applyUpdateToHostConfig(hc, u);
    } catch (const Error& e) {
        throw Error("Cannot update container " + rec.id + ": " + e.what());
    }
    nlohmann::json resources = linuxResourcesFor(hc);
    auto st = state(rec);
    ResourceUpdate onlyLimits = u;
    onlyLimits.restartPolicy.reset();
    bool limits = !onlyLimits.empty();
    if (limits && st.running) {
        auto r = runRuntimeCommand({rec.runtime, "--root", runtimeRoot(rec), "update", "-r", "-", rec.id},
                                   resources.dump());
        if (r.status != 0)
            throw Error("Cannot update container " + rec.id + ": " + runtimeFailureText(r));
    }
    if (limits) {
        std::string cfgPath = store_.dir(rec.id) + "/config.json";
        auto cfg = nlohmann::json::parse(readFile(cfgPath));
        cfg["linux"]["resources"].update(resources);  // keeps the device rules
        writeFileAtomic(cfgPath, cfg.dump());
    }
    rec.hostConfig = hc;
    if (u.restartPolicy) {
        rec.restartPolicy = *u.restartPolicy;
        // The running monitor applies its policy at the next exit; tell it (older monitors
        // without the request keep theirs until the next start).
        // A restart re-creates the container from its overlay: the monitor takes a clone of it
        // from the running container on this request (rootfs_keeper.hpp).
        if (st.running || st.restarting) {
            try {
                monitor::monitorRequest(monitorDir(rec.id), "policy " + *u.restartPolicy);
            } catch (const Error&) {
            }
        }
    }
    store_.save(rec);
    events::recordContainer(*this, rec, "update");
}

}  // namespace berth::engine
