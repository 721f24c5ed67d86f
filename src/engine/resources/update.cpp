// Engine::update: docker update. The new limits go to the running container through
// `<runtime> update -r -` (berth-runtime, runc and crun read the same LinuxResources JSON),
// then into the record's HostConfig and the bundle's config.json, so a later start keeps them.
#include "common/error.hpp"
#include "common/file_io.hpp"
#include "engine/engine.hpp"
#include "engine/events/journal.hpp"
#include "engine/fs/container_root.hpp"
#include "engine/fs/rootfs_access.hpp"
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
        if (st.running || st.restarting) {
            // A restart re-creates the container from the bundle's rootfs, which start
            // detached from the host for a container without a policy: mount it back (the
            // running container's own overlay; a second one over its upper dir is unsafe).
            std::string rootfs = store_.dir(rec.id) + "/rootfs";
            if (*u.restartPolicy != "no" && st.running && st.pid > 0 && !fs::isMountPoint(rootfs))
                fs::attachContainerRoot(st.pid, rootfs);
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
