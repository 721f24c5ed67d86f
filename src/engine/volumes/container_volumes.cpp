#include "engine/volumes/container_volumes.hpp"

#include <algorithm>
#include <set>

#include "common/error.hpp"
#include "common/log.hpp"
#include "common/safe_path.hpp"
#include "common/strings.hpp"
#include "engine/engine.hpp"
#include "engine/events/journal.hpp"
#include "engine/volumes/copy_up.hpp"

namespace berth::engine {

using nlohmann::json;

namespace {

json nullIfEmpty(json j) { return j.empty() ? json(nullptr) : j; }

}  // namespace

std::vector<std::string> prepareContainerVolumes(VolumeStore& store, std::vector<MountSpec>& mounts,
                                                 const json& imageConfig, int rootfsFd) {
    // The image's VOLUMEs that no -v/--mount/--tmpfs covers become anonymous volumes.
    std::set<std::string> targets;
    for (auto& m : mounts) targets.insert(cleanPath(m.target));
    if (imageConfig.is_object() && imageConfig.contains("Volumes") && imageConfig["Volumes"].is_object())
        for (auto& [path, unused] : imageConfig["Volumes"].items()) {
            (void)unused;
            if (path.empty() || path[0] != '/' || targets.count(cleanPath(path))) continue;
            MountSpec m;
            m.type = MountSpec::Type::Volume;
            m.origin = MountSpec::Origin::Image;
            m.target = cleanPath(path);
            mounts.push_back(m);
            targets.insert(m.target);
        }
    std::vector<std::string> created;
    try {
        for (auto& m : mounts) {
            if (m.type != MountSpec::Type::Volume) continue;
            std::optional<Volume> v;
            if (!m.source.empty()) v = store.find(m.source);
            if (!v) {
                VolumeCreateOptions c;
                c.name = m.source;
                if (!m.volumeDriver.empty()) c.driver = m.volumeDriver;
                c.labels = m.volumeLabels;
                c.options = m.volumeOptions;
                v = store.create(c);
                created.push_back(v->name);
                if (m.source.empty()) {
                    m.source = v->name;
                    m.anonymous = true;
                }
            }
            m.volumePath = store.prepareForUse(*v);
            // Docker copies up into an empty volume at each start; doing it at create (the rootfs
            // is mounted now) gives the same result for the first container that uses it.
            if (!m.noCopy)
                copyUpImagePath(rootfsFd, m.target, m.volumePath,
                                m.volumePath.substr(0, m.volumePath.rfind('/') + 1) + kCopyUpPendingFile);
            store.unmountIfUnused(*v);  // mounted again when a user starts (volume_holds.hpp)
        }
    } catch (...) {
        for (auto& name : created) try {
                store.remove(name);
            } catch (...) {
            }
        throw;
    }
    return created;
}

void addVolumesFrom(const std::vector<std::string>& from, std::vector<MountSpec>& mounts,
                    const std::function<ContainerRecord(const std::string&)>& find) {
    std::set<std::string> targets;
    for (auto& m : mounts) targets.insert(cleanPath(m.target));
    for (auto& entry : from) {
        auto colon = entry.find(':');
        std::string ref = entry.substr(0, colon), mode = colon == std::string::npos ? "" : entry.substr(colon + 1);
        if (!mode.empty() && mode != "ro" && mode != "rw") throw Error("invalid mode: " + mode);
        ContainerRecord rec = find(ref);
        if (!rec.mounts.is_array()) continue;
        for (auto& j : rec.mounts) {
            std::string type = j.value("Type", ""), dest = j.value("Destination", "");
            if ((type != "volume" && type != "bind") || dest.empty() || targets.count(cleanPath(dest))) continue;
            MountSpec m;
            m.origin = MountSpec::Origin::VolumesFrom;
            m.target = dest;
            m.readOnly = mode.empty() ? !j.value("RW", true) : mode == "ro";
            m.mode = j.value("Mode", "");
            if (type == "volume") {
                m.type = MountSpec::Type::Volume;
                m.source = j.value("Name", "");
                m.noCopy = true;  // the volume has its content already
                if (j.value("Driver", "local") != "local") m.volumeDriver = j.value("Driver", "");
            } else {
                m.type = MountSpec::Type::Bind;
                m.source = j.value("Source", "");
                std::string p = j.value("Propagation", "");
                if (p != "rprivate") m.propagation = p;
            }
            if (m.source.empty()) continue;
            targets.insert(cleanPath(dest));
            mounts.push_back(m);
        }
    }
}

json mountsInspectJson(const std::vector<MountSpec>& mounts) {
    json out = json::array();
    for (auto& m : mounts) {
        bool fromV = m.origin == MountSpec::Origin::VolumeFlag || m.origin == MountSpec::Origin::VolumesFrom;
        if (m.type == MountSpec::Type::Bind) {
            out.push_back({{"Type", "bind"}, {"Source", m.source}, {"Destination", m.target},
                           {"Mode", fromV ? m.mode : ""}, {"RW", !m.readOnly},
                           {"Propagation", m.propagation.empty() ? "rprivate" : m.propagation}});
        } else if (m.type == MountSpec::Type::Volume) {
            std::string mode;
            if (m.origin == MountSpec::Origin::MountFlag) mode = "z";
            else if (fromV && !m.anonymous && m.origin != MountSpec::Origin::Image)
                mode = m.mode.empty() ? "z" : m.mode;
            out.push_back({{"Type", "volume"}, {"Name", m.source}, {"Source", m.volumePath},
                           {"Destination", m.target},
                           {"Driver", m.volumeDriver.empty() ? "local" : m.volumeDriver},
                           {"Mode", mode}, {"RW", !m.readOnly}, {"Propagation", ""}});
        } else if (m.origin == MountSpec::Origin::MountFlag) {
            out.push_back({{"Type", "tmpfs"}, {"Source", ""}, {"Destination", m.target}, {"Mode", ""},
                           {"RW", !m.readOnly}, {"Propagation", ""}});
        }
    }
    return out;
}

json hostConfigBinds(const std::vector<MountSpec>& mounts) {
    json out = json::array();
    for (auto& m : mounts) {
        if (m.origin != MountSpec::Origin::VolumeFlag || m.type == MountSpec::Type::Tmpfs) continue;
        if (m.type == MountSpec::Type::Volume && m.anonymous) continue;
        out.push_back(m.source + ":" + m.target + (m.mode.empty() ? "" : ":" + m.mode));
    }
    return nullIfEmpty(out);
}

json hostConfigMounts(const std::vector<MountSpec>& mounts) {
    json out = json::array();
    for (auto& m : mounts) {
        if (m.origin != MountSpec::Origin::MountFlag) continue;
        json j = {{"Type", m.type == MountSpec::Type::Bind    ? "bind"
                           : m.type == MountSpec::Type::Tmpfs ? "tmpfs"
                                                              : "volume"}};
        if (!m.source.empty() && !m.anonymous) j["Source"] = m.source;
        j["Target"] = m.target;
        if (m.readOnly) j["ReadOnly"] = true;
        if (!m.propagation.empty()) j["BindOptions"] = {{"Propagation", m.propagation}};
        if (m.type == MountSpec::Type::Volume &&
            (m.noCopy || !m.volumeLabels.empty() || !m.volumeOptions.empty() || !m.volumeDriver.empty())) {
            json vo = json::object();
            if (m.noCopy) vo["NoCopy"] = true;
            if (!m.volumeLabels.empty()) vo["Labels"] = m.volumeLabels;
            if (!m.volumeDriver.empty() || !m.volumeOptions.empty()) {
                json dc = json::object();
                if (!m.volumeDriver.empty()) dc["Name"] = m.volumeDriver;
                if (!m.volumeOptions.empty()) dc["Options"] = m.volumeOptions;
                vo["DriverConfig"] = dc;
            }
            j["VolumeOptions"] = vo;
        }
        if (m.type == MountSpec::Type::Tmpfs && (m.tmpfsSize || m.tmpfsMode)) {
            json to = json::object();
            if (m.tmpfsSize) to["SizeBytes"] = m.tmpfsSize;
            if (m.tmpfsMode) to["Mode"] = m.tmpfsMode;
            j["TmpfsOptions"] = to;
        }
        out.push_back(j);
    }
    return nullIfEmpty(out);
}

json hostConfigTmpfs(const std::vector<MountSpec>& mounts) {
    json out = json::object();
    for (auto& m : mounts)
        if (m.origin == MountSpec::Origin::TmpfsFlag) out[m.target] = join(m.tmpfsOptions, ",");
    return nullIfEmpty(out);
}

json configVolumes(const std::vector<MountSpec>& mounts, const json& imageConfig) {
    json out = json::object();
    if (imageConfig.is_object() && imageConfig.contains("Volumes") && imageConfig["Volumes"].is_object())
        out = imageConfig["Volumes"];
    for (auto& m : mounts)
        if (m.origin == MountSpec::Origin::VolumeFlag && m.type == MountSpec::Type::Volume && m.anonymous)
            out[m.target] = json::object();
    return nullIfEmpty(out);
}

std::vector<std::string> volumeNamesOf(const ContainerRecord& rec) {
    std::vector<std::string> out;
    if (!rec.mounts.is_array()) return out;
    for (auto& m : rec.mounts)
        if (m.value("Type", "") == "volume" && !m.value("Name", "").empty())
            out.push_back(m.value("Name", ""));
    return out;
}

StartVolumes mountVolumesForStart(VolumeStore& store, const ContainerRecord& rec) {
    StartVolumes out;
    for (const auto& name : volumeNamesOf(rec)) {
        auto v = store.find(name);  // driver options are fixed at create: no lock needed
        if (!v || v->options.empty()) continue;
        std::string dir = store.volumeDir(name);
        if (std::find(out.dirs.begin(), out.dirs.end(), dir) != out.dirs.end()) continue;
        if (!out.lock) out.lock.emplace(store.lock());
        store.prepareForUse(*v);
        out.dirs.push_back(dir);
    }
    return out;
}

std::vector<std::string> containersUsingVolume(const std::vector<ContainerRecord>& all,
                                               const std::string& name) {
    std::vector<std::string> out;
    for (auto& rec : all) {
        auto names = volumeNamesOf(rec);
        if (std::find(names.begin(), names.end(), name) != names.end()) out.push_back(rec.id);
    }
    return out;
}

void removeVolume(Engine& eng, const std::string& name, bool force) {
    auto lock = eng.volumes().lock();  // a create holds it until its record is ready
    auto v = eng.volumes().find(name);
    if (!v) {
        if (force) return;
        throw Error("get " + name + ": no such volume", ENOENT);
    }
    auto users = containersUsingVolume(eng.list(), name);
    if (!users.empty())
        throw Error("remove " + name + ": volume is in use - [" + join(users, " ") + "]", EBUSY);
    eng.volumes().remove(name);
    events::record(eng.config().root, "volume", "destroy", name, {{"driver", v->driver}});
}

void removeAnonymousVolumes(Engine& eng, const ContainerRecord& removed) {
    auto names = volumeNamesOf(removed);
    if (names.empty()) return;
    auto lock = eng.volumes().lock();
    auto all = eng.list();
    for (auto& name : names) {
        try {
            auto v = eng.volumes().find(name);
            if (!v || !v->anonymous()) continue;
            if (!containersUsingVolume(all, name).empty()) continue;
            eng.volumes().remove(name);
            events::record(eng.config().root, "volume", "destroy", name, {{"driver", v->driver}});
        } catch (const Error& e) {
            logWarn("removing anonymous volume " + name + " of container " + removed.id + ": " + e.what());
        }
    }
}

}  // namespace berth::engine
