#include "engine/container/container_store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>

#include "common/file_io.hpp"

namespace berth::engine {

ContainerStore::ContainerStore(std::string root)
    : root_(std::move(root)), containersDir_(root_ + "/containers") {
    mkdirAll(containersDir_, 0710);
}

UniqueFd ContainerStore::lock() const {
    std::string path = containersDir_ + "/.lock";
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd) throw SysError("open " + path);
    while (::flock(fd.get(), LOCK_EX) != 0)
        if (errno != EINTR) throw SysError("flock " + path);
    return fd;
}

std::vector<ContainerRecord> ContainerStore::list() const {
    std::vector<ContainerRecord> out;
    DIR* d = ::opendir(containersDir_.c_str());
    if (!d) throw SysError("open " + containersDir_);
    while (auto* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name.size() != 64) continue;
        std::string path = containersDir_ + "/" + name + "/container.json";
        try {
            out.push_back(ContainerRecord::fromJson(nlohmann::json::parse(readFile(path))));
        } catch (const std::exception&) {
            // No record (a create that crashed, a remove in progress): not a container.
        }
    }
    ::closedir(d);
    std::sort(out.begin(), out.end(), [](const ContainerRecord& a, const ContainerRecord& b) {
        return a.createdNs < b.createdNs;
    });
    return out;
}

std::vector<std::string> ContainerStore::leftoverIds() const {
    std::vector<std::string> out;
    DIR* d = ::opendir(containersDir_.c_str());
    if (!d) throw SysError("open " + containersDir_);
    while (auto* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name.size() != 64) continue;
        if (!pathExists(containersDir_ + "/" + name + "/container.json")) out.push_back(name);
    }
    ::closedir(d);
    return out;
}

std::optional<ContainerRecord> ContainerStore::byName(const std::string& nameIn) const {
    std::string name = !nameIn.empty() && nameIn[0] == '/' ? nameIn.substr(1) : nameIn;
    for (auto& r : list())
        if (r.name == name) return r;
    return std::nullopt;
}

std::optional<ContainerRecord> ContainerStore::find(const std::string& key) const {
    if (key.empty()) return std::nullopt;
    auto all = list();
    for (auto& r : all)
        if (r.id == key) return r;
    std::string name = key[0] == '/' ? key.substr(1) : key;
    for (auto& r : all)
        if (r.name == name) return r;
    std::optional<ContainerRecord> match;
    for (auto& r : all)
        if (r.id.compare(0, key.size(), key) == 0) {
            if (match) throw Error("Multiple IDs found with provided prefix: " + key);
            match = r;
        }
    return match;
}

ContainerRecord ContainerStore::get(const std::string& key) const {
    auto r = find(key);
    if (!r) throw NoSuchContainer(key);
    return *r;
}

void ContainerStore::save(const ContainerRecord& rec) const {
    writeFileAtomic(dir(rec.id) + "/container.json", rec.toJson().dump(), 0600);
}

void ContainerStore::remove(const std::string& id) const {
    std::string rec = dir(id) + "/container.json";
    if (::unlink(rec.c_str()) != 0 && errno != ENOENT) throw SysError("remove " + rec);
    removeAll(dir(id));
}

}  // namespace berth::engine
