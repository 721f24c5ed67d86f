// Named volumes of the local driver, as Docker keeps them: <root>/volumes/<name>/_data holds the
// data, <root>/volumes/<name>/opts.json the metadata (driver, labels, options, CreatedAt).
//
// Crash safety: create claims the name with mkdir, makes _data, then writes opts.json atomically
// (temp + fsync + rename) LAST; a directory without opts.json is an unfinished create that the
// next create of that name completes and list() does not show. remove renames the directory to
// volumes/.trash-<name>-<pid> (atomic: the volume disappears at once) and then deletes it; trash
// a crash left behind is deleted by the next remove or prune.
//
// Options of the local driver (docker volume create -o): type=, device=, o= as mount(8) takes
// them (type=tmpfs device=tmpfs o=size=64m; type=none device=/path o=bind). Such a volume is
// mounted on its _data while a container that uses it runs (engine/monitor/volume_holds.hpp), and
// for the moment of a create's copy-up.
#pragma once

#include <map>
#include <mutex>
#include <utility>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/fd.hpp"

namespace berth::engine {

// Docker's label on volumes it creates for -v /path, --mount without source and image VOLUMEs.
inline constexpr const char* kAnonymousVolumeLabel = "com.docker.volume.anonymous";

struct Volume {
    std::string name;
    std::string driver = "local";
    std::string createdAt;  // RFC 3339, seconds (Docker's CreatedAt)
    std::string mountpoint;  // <root>/volumes/<name>/_data
    std::map<std::string, std::string> labels;
    std::map<std::string, std::string> options;

    bool anonymous() const { return labels.count(kAnonymousVolumeLabel) != 0; }
    // `volume inspect`'s object (Labels/Options null when empty, as Docker prints them).
    nlohmann::json inspectJson() const;
};

struct VolumeCreateOptions {
    std::string name;  // "" → 64 hex random (an anonymous volume gets kAnonymousVolumeLabel)
    std::string driver = "local";
    std::map<std::string, std::string> labels;
    std::map<std::string, std::string> options;
};

// Throws Error with Docker's texts ("create a: volume name is too short, ...").
void validateVolumeName(const std::string& name);
// Throws Error for driver options the local driver refuses (Docker's texts).
void validateLocalOptions(const std::map<std::string, std::string>& options);

class VolumeStore {
  public:
    explicit VolumeStore(const std::string& root);  // the state root

    // Exclusive flock on volumes/.lock, re-entrant within the process (a create holds it from
    // resolving its volumes until its record is ready; `volume rm` checks users under it).
    class Lock {
      public:
        explicit Lock(const VolumeStore* s) : s_(s) {}
        Lock(Lock&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
        Lock(const Lock&) = delete;
        Lock& operator=(const Lock&) = delete;
        ~Lock() {
            if (s_) s_->unlock();
        }

      private:
        const VolumeStore* s_;
    };
    [[nodiscard]] Lock lock() const;
    // Creates, or returns the existing volume of that name (docker volume create is idempotent).
    // Throws Error for a bad name, driver or option.
    Volume create(const VolumeCreateOptions& opts);
    std::optional<Volume> find(const std::string& name) const;
    // Throws Error("get NAME: no such volume", ENOENT).
    Volume get(const std::string& name) const;
    // Sorted by name.
    std::vector<Volume> list() const;
    // Unmounts (driver options) and deletes. Throws Error("get NAME: no such volume").
    void remove(const std::string& name);
    // Where a container's mount takes the volume from: its _data, mounted first when the volume
    // has driver options. Throws Error naming the volume when that mount fails.
    std::string prepareForUse(const Volume& v);
    // Unmounts a volume with driver options that no running container holds (after a create's
    // copy-up, or a start that failed).
    void unmountIfUnused(const Volume& v);
    // The directory of a volume (its _data and opts.json): what a monitor holds.
    std::string volumeDir(const std::string& name) const { return dir_ + "/" + name; }
    // Bytes of the files under _data (hard links counted once, as moby's directory.Size).
    uint64_t size(const Volume& v) const;
    bool isEmpty(const Volume& v) const;

    std::string dir() const { return dir_; }

  private:
    std::optional<Volume> load(const std::string& name) const;
    void removeTrash() const;
    void unlock() const;

    std::string dir_;
    mutable std::recursive_mutex mu_;
    mutable int depth_ = 0;
    mutable UniqueFd lockFd_;
};

}  // namespace berth::engine
