#include "engine/volumes/volume_store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <set>

#include "common/dir_entries.hpp"
#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/mount_tree.hpp"
#include "common/strings.hpp"
#include "engine/container/container_ids.hpp"
#include "engine/monitor/volume_holds.hpp"

namespace berth::engine {

using nlohmann::json;

namespace {

std::string rfc3339SecondsNow() {
    time_t now = ::time(nullptr);
    struct tm tm {};
    ::gmtime_r(&now, &tm);
    char buf[32];
    ::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

bool nameChar(char c, bool first) {
    if (std::isalnum(static_cast<unsigned char>(c))) return true;
    return !first && (c == '_' || c == '.' || c == '-');
}

// A mount root, binds of the same filesystem (type=none o=bind) included.
bool isMounted(const std::string& path) { return isMountRoot(path); }

json mapJson(const std::map<std::string, std::string>& m) {
    if (m.empty()) return nullptr;
    json j = json::object();
    for (auto& [k, v] : m) j[k] = v;
    return j;
}

std::map<std::string, std::string> jsonMap(const json& j) {
    std::map<std::string, std::string> m;
    if (j.is_object())
        for (auto& [k, v] : j.items())
            if (v.is_string()) m[k] = v.get<std::string>();
    return m;
}

// mount(8)'s -o words the local driver passes as flags; the rest goes to the filesystem.
void splitMountOptions(const std::string& o, unsigned long& flags, std::string& data) {
    static const std::pair<const char*, unsigned long> table[] = {
        {"ro", MS_RDONLY},       {"nosuid", MS_NOSUID},   {"nodev", MS_NODEV},
        {"noexec", MS_NOEXEC},   {"sync", MS_SYNCHRONOUS}, {"noatime", MS_NOATIME},
        {"nodiratime", MS_NODIRATIME}, {"bind", MS_BIND},  {"rbind", MS_BIND | MS_REC},
        {"relatime", MS_RELATIME}, {"strictatime", MS_STRICTATIME}};
    for (auto& w : split(o, ',')) {
        if (w.empty() || w == "rw" || w == "defaults") continue;
        bool known = false;
        for (auto& [name, f] : table)
            if (w == name) {
                flags |= f;
                known = true;
            }
        if (!known) data += (data.empty() ? "" : ",") + w;
    }
}

}  // namespace

json Volume::inspectJson() const {
    return {{"CreatedAt", createdAt}, {"Driver", driver},       {"Labels", mapJson(labels)},
            {"Mountpoint", mountpoint}, {"Name", name},          {"Options", mapJson(options)},
            {"Scope", "local"}};
}

void validateVolumeName(const std::string& name) {
    // moby volume/local: validName = "[a-zA-Z0-9][a-zA-Z0-9_.-]" and at least 2 characters.
    if (name.size() < 2)
        throw Error("create " + name +
                    ": volume name is too short, names should be at least two alphanumeric characters");
    for (size_t i = 0; i < name.size(); ++i)
        if (!nameChar(name[i], i == 0))
            throw Error("create " + name + ": \"" + name +
                        "\" includes invalid characters for a local volume name, only "
                        "\"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host "
                        "directory, use absolute path");
}

void validateLocalOptions(const std::map<std::string, std::string>& options) {
    for (auto& [k, v] : options)
        if (k != "type" && k != "device" && k != "o" && k != "size")
            throw Error("invalid option: \"" + k + "\"");
    if (options.empty()) return;
    for (const char* required : {"device", "type"})
        if (!options.count(required))
            throw Error(std::string("missing required option: \"") + required + "\"");
}

VolumeStore::VolumeStore(const std::string& root) : dir_(root + "/volumes") {}

VolumeStore::Lock VolumeStore::lock() const {
    std::unique_lock<std::recursive_mutex> guard(mu_);
    if (depth_ == 0) {
        mkdirAll(dir_, 0701);
        std::string path = dir_ + "/" + monitor::kVolumesLockName;
        UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
        if (!fd) throw SysError("open " + path);
        while (::flock(fd.get(), LOCK_EX) != 0)
            if (errno != EINTR) throw SysError("flock " + path);
        lockFd_ = std::move(fd);
    }
    ++depth_;
    guard.release();  // the mutex stays held until unlock()
    return Lock(this);
}

void VolumeStore::unlock() const {
    if (--depth_ == 0) lockFd_.reset();
    mu_.unlock();
}

std::optional<Volume> VolumeStore::load(const std::string& name) const {
    std::string meta = volumeDir(name) + "/opts.json";
    std::string text;
    try {
        text = readFile(meta);
    } catch (const Error&) {
        return std::nullopt;  // no volume, or an unfinished create
    }
    Volume v;
    try {
        json j = json::parse(text);
        v.name = name;
        v.driver = j.value("Driver", "local");
        v.createdAt = j.value("CreatedAt", "");
        v.labels = jsonMap(j.value("Labels", json()));
        v.options = jsonMap(j.value("Options", json()));
    } catch (const std::exception& e) {
        throw Error("volume " + name + ": corrupt metadata " + meta + ": " + e.what(), EIO);
    }
    v.mountpoint = volumeDir(name) + "/_data";
    return v;
}

Volume VolumeStore::create(const VolumeCreateOptions& o) {
    std::string name = o.name.empty() ? generateContainerId() : o.name;
    try {
        validateVolumeName(name);
        if (o.driver != "local")
            throw Error("error looking up volume plugin " + o.driver + ": plugin \"" + o.driver +
                        "\" not found");
        validateLocalOptions(o.options);
    } catch (const Error& e) {
        std::string m = e.what();
        throw Error(startsWith(m, "create ") ? m : "create " + name + ": " + m, EINVAL);
    }
    auto l = lock();
    if (auto existing = load(name)) return *existing;
    std::string dir = volumeDir(name);
    if (::mkdir(dir.c_str(), 0701) != 0 && errno != EEXIST) throw SysError("create " + dir);
    mkdirAll(dir + "/_data", 0755);
    Volume v;
    v.name = name;
    v.driver = o.driver;
    v.createdAt = rfc3339SecondsNow();
    v.labels = o.labels;
    v.options = o.options;
    if (o.name.empty()) v.labels[kAnonymousVolumeLabel] = "";
    v.mountpoint = dir + "/_data";
    json meta = {{"Driver", v.driver}, {"CreatedAt", v.createdAt}, {"Labels", mapJson(v.labels)},
                 {"Options", mapJson(v.options)}};
    writeFileAtomic(dir + "/opts.json", meta.dump(), 0600);  // the volume exists from here on
    return v;
}

std::optional<Volume> VolumeStore::find(const std::string& name) const {
    if (name.empty() || name.find('/') != std::string::npos || name[0] == '.') return std::nullopt;
    return load(name);
}

Volume VolumeStore::get(const std::string& name) const {
    if (auto v = find(name)) return *v;
    throw Error("get " + name + ": no such volume", ENOENT);
}

std::vector<Volume> VolumeStore::list() const {
    std::vector<Volume> out;  // by name (dirEntries is sorted)
    for (const auto& name : dirEntries(dir_)) {
        if (name[0] == '.') continue;
        try {
            if (auto v = load(name)) out.push_back(std::move(*v));
        } catch (const Error&) {
            // a corrupt volume is shown by inspect's error, not by failing ls
        }
    }
    return out;
}

void VolumeStore::removeTrash() const {
    for (const auto& name : dirEntries(dir_)) {
        if (!startsWith(name, ".trash-")) continue;
        std::string t = dir_ + "/" + name;
        ::umount2((t + "/_data").c_str(), MNT_DETACH | UMOUNT_NOFOLLOW);
        try {
            removeAll(t);
        } catch (const Error&) {
        }
    }
}

void VolumeStore::remove(const std::string& name) {
    auto l = lock();
    Volume v = get(name);
    if (isMounted(v.mountpoint) && ::umount2(v.mountpoint.c_str(), UMOUNT_NOFOLLOW) != 0 &&
        ::umount2(v.mountpoint.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) != 0)
        throw SysError("remove " + name + ": unmount " + v.mountpoint);
    std::string trash = dir_ + "/.trash-" + name + "-" + std::to_string(::getpid());
    if (::rename(volumeDir(name).c_str(), trash.c_str()) != 0) throw SysError("remove " + name);
    removeTrash();
}

std::string VolumeStore::prepareForUse(const Volume& v) {
    if (v.options.empty() || isMounted(v.mountpoint)) return v.mountpoint;
    auto l = lock();
    if (isMounted(v.mountpoint)) return v.mountpoint;
    auto opt = [&](const char* k) {
        auto it = v.options.find(k);
        return it == v.options.end() ? std::string() : it->second;
    };
    unsigned long flags = 0;
    std::string data;
    splitMountOptions(opt("o"), flags, data);
    std::string type = opt("type");
    std::string device = opt("device");
    if (type == "none") type.clear();
    const char* fstype = type.empty() ? nullptr : type.c_str();
    if (::mount(device.c_str(), v.mountpoint.c_str(), fstype, flags & ~MS_RDONLY,
                data.empty() ? nullptr : data.c_str()) != 0)
        throw SysError("error while mounting volume '" + v.mountpoint + "': failed to mount local volume: mount " +
                       device + ":" + v.mountpoint + ", flags: " + std::to_string(flags) +
                       (data.empty() ? "" : ", data: " + data));
    if (flags & MS_RDONLY)
        ::mount(nullptr, v.mountpoint.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr);
    return v.mountpoint;
}

void VolumeStore::unmountIfUnused(const Volume& v) {
    if (v.options.empty()) return;
    auto l = lock();
    monitor::unmountVolumeIfUnheld(volumeDir(v.name));
}

uint64_t VolumeStore::size(const Volume& v) const {
    uint64_t total = 0;
    std::set<std::pair<dev_t, ino_t>> seen;
    std::vector<std::string> stack{v.mountpoint};
    while (!stack.empty()) {
        std::string d = stack.back();
        stack.pop_back();
        DIR* dir = ::opendir(d.c_str());
        if (!dir) continue;
        while (auto* e = ::readdir(dir)) {
            std::string n = e->d_name;
            if (n == "." || n == "..") continue;
            struct stat st {};
            if (::fstatat(::dirfd(dir), n.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
            if (S_ISDIR(st.st_mode)) stack.push_back(d + "/" + n);
            else if (st.st_nlink < 2 || seen.insert({st.st_dev, st.st_ino}).second)
                total += uint64_t(st.st_size);  // moby's directory.Size: file sizes, links once
        }
        ::closedir(dir);
    }
    return total;
}

bool VolumeStore::isEmpty(const Volume& v) const { return dirEntries(v.mountpoint).empty(); }

}  // namespace berth::engine
