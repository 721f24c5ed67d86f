// The container records under <root>/containers/: one directory per container with its record
// written atomically (see container_record.hpp), names unique under an flock on
// containers/.lock held for the few microseconds a create/rename/remove needs.
//
// Chosen over rows in berth.db: the record must exist exactly as long as the directory holding
// the container's snapshot and monitor state, and a rename of container.json into that directory
// makes both appear at once; a crash leaves at worst a directory without a record, which list()
// ignores and `system check` removes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/fd.hpp"
#include "common/error.hpp"
#include "engine/container/container_record.hpp"

namespace berth::engine {

class NoSuchContainer : public Error {
  public:
    explicit NoSuchContainer(const std::string& what)
        : Error("No such container: " + what, ENOENT) {}
};

class ContainerStore {
  public:
    explicit ContainerStore(std::string root);  // creates <root>/containers

    std::string dir(const std::string& id) const { return containersDir_ + "/" + id; }
    const std::string& containersDir() const { return containersDir_; }

    // Exclusive flock on containers/.lock (name uniqueness, create/remove).
    UniqueFd lock() const;

    // Every container with a record, oldest first.
    std::vector<ContainerRecord> list() const;
    // Docker's lookup: full ID, name ("/name" or "name"), then a unique ID prefix.
    // Throws NoSuchContainer; an ambiguous prefix throws Error.
    ContainerRecord get(const std::string& idOrName) const;
    std::optional<ContainerRecord> find(const std::string& idOrName) const;
    // The container using `name`, if any (hold lock()).
    std::optional<ContainerRecord> byName(const std::string& name) const;

    // IDs of directories without a record: what a create or remove killed midway left. Only
    // meaningful under lock() (create and remove hold it while a dir has no record).
    std::vector<std::string> leftoverIds() const;

    // Writes containers/<id>/container.json atomically (the dir must exist).
    void save(const ContainerRecord& rec) const;
    // Deletes the record first (the container disappears from lists), then its directory.
    void remove(const std::string& id) const;

  private:
    std::string root_;
    std::string containersDir_;
};

}  // namespace berth::engine
