#include "engine/check/volume_leftovers.hpp"

#include <sys/mount.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "common/dir_entries.hpp"
#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/mount_tree.hpp"
#include "common/strings.hpp"
#include "engine/monitor/volume_holds.hpp"
#include "engine/volumes/copy_up.hpp"
#include "engine/volumes/volume_store.hpp"

namespace berth::engine::check {

namespace {

bool isDir(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Removes what is inside dir, not dir itself (it may be a mount point: a driver-option volume).
void emptyDir(const std::string& dir) {
    for (auto& n : dirEntries(dir)) removeAll(dir + "/" + n);
}

// The opts.json VolumeStore::create writes, for a volume whose own is lost: the local driver,
// no labels, no options; CreatedAt from the directory.
void writeDefaultOpts(const std::string& volDir) {
    struct stat st {};
    std::string created = "0001-01-01T00:00:00Z";
    if (::stat(volDir.c_str(), &st) == 0) {
        char buf[32];
        struct tm tm {};
        gmtime_r(&st.st_mtime, &tm);
        strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
        created = buf;
    }
    nlohmann::json meta = {{"Driver", "local"}, {"CreatedAt", created},
                           {"Labels", nlohmann::json::object()}, {"Options", nlohmann::json::object()}};
    writeFileAtomic(volDir + "/opts.json", meta.dump(), 0600);
}

}  // namespace

std::vector<VolumeLeftover> findVolumeLeftovers(const VolumeStore& volumes) {
    std::vector<VolumeLeftover> out;
    auto add = [&](const std::string& done, const std::string& planned, std::function<void()> fn) {
        out.push_back({done, planned, std::move(fn)});
    };
    const std::string base = volumes.dir();
    for (auto& name : dirEntries(base)) {
        std::string dir = base + "/" + name;
        if (startsWith(name, ".trash-")) {
            add("Removed " + dir + " (a volume removal was interrupted)",
                "Would remove " + dir + " (a volume removal was interrupted)", [dir] {
                    ::umount2((dir + "/_data").c_str(), MNT_DETACH | UMOUNT_NOFOLLOW);
                    removeAll(dir);
                });
            continue;
        }
        if (name[0] == '.' || !isDir(dir)) continue;  // .lock
        for (auto& f : dirEntries(dir)) {
            if (!startsWith(f, "opts.json.tmp-")) continue;
            std::string tmp = dir + "/" + f;
            add("Removed " + tmp + " (a killed write of volume " + name + "'s metadata)",
                "Would remove " + tmp + " (a killed write of volume " + name + "'s metadata)",
                [tmp] { removeAll(tmp); });
        }
        std::string data = dir + "/_data";
        std::string opts = dir + "/opts.json";
        bool hasOpts = pathExists(opts);
        bool hasData = isDir(data);
        if (!hasOpts) {
            if (!hasData || dirEntries(data).empty()) {
                add("Removed half-created volume " + name + " (its create was interrupted)",
                    "Would remove half-created volume " + name + " (its create was interrupted)",
                    [dir] { removeAll(dir); });
            } else {
                add("Recreated the metadata of volume " + name +
                        " (opts.json was missing; its data is kept, as a local volume without options)",
                    "Would recreate the metadata of volume " + name +
                        " (opts.json is missing; its data would be kept)",
                    [dir] { writeDefaultOpts(dir); });
            }
            continue;
        }
        bool readable = true, driverOptions = false;
        try {
            auto j = nlohmann::json::parse(readFile(opts));
            readable = j.is_object();
            driverOptions = readable && j.value("Options", nlohmann::json()).is_object() &&
                            !j["Options"].empty();
        } catch (const std::exception&) {
            readable = false;
        }
        // Mounted while a user runs (volume_holds.hpp): one whose users' monitors were killed
        // stays mounted with nobody holding it.
        if (driverOptions && isMountRoot(data) && !monitor::volumeHeld(dir))
            add("Unmounted volume " + name + " (no running container uses it: a berth-monitor was killed)",
                "Would unmount volume " + name + " (no running container uses it: a berth-monitor was killed)",
                [&volumes, dir] {
                    auto l = volumes.lock();
                    monitor::unmountVolumeIfUnheld(dir);
                });
        if (!readable)
            add("Replaced the unreadable opts.json of volume " + name +
                    " (as a local volume without labels or options; its data is kept)",
                "Would replace the unreadable opts.json of volume " + name + " (its data would be kept)",
                [dir] { writeDefaultOpts(dir); });
        if (!hasData) {
            add("Recreated the missing data directory " + data + " of volume " + name,
                "Would recreate the missing data directory " + data + " of volume " + name,
                [data] { mkdirAll(data, 0755); });
            continue;
        }
        std::string pending = dir + "/" + kCopyUpPendingFile;
        if (pathExists(pending)) {
            add("Emptied volume " + name +
                    " (copying the image's content into it was interrupted; the next container "
                    "that mounts it copies it again)",
                "Would empty volume " + name + " (copying the image's content into it was interrupted)",
                [data, pending] {
                    emptyDir(data);
                    removeAll(pending);
                });
        }
    }
    return out;
}

}  // namespace berth::engine::check
