// The container records: rows of the `containers` table in <root>/berth.db (SQLite, WAL; the
// image store's tables live in the same file). Each container also has a directory,
// containers/<id>/ (overlay upper/work/rootfs, config.json, logs, monitor state), which the
// engine makes and removes around the row so that a crash at any point leaves something
// `berth system check` recognises:
//
//   create   reserve() a row in phase "creating" owned by this process (ID and name taken,
//            unique by the DB's constraints; invisible to list/get), make the dir and snapshot,
//            then save() turns it "ready" — one transaction each.
//   remove   markRemoving() (phase "removing", owned by this process), tear down, remove the dir,
//            then delete the row: the row goes last, so a killed rm leaves a row to finish.
//
// A "creating"/"removing" row whose owner process is gone, a row without a dir and a dir
// without a row are leftovers (leftoverIds(), src/engine/check).
//
// Records written by older versions (containers/<id>/container.json) are imported once.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/fd.hpp"
#include "engine/container/container_record.hpp"

namespace berth::db {
class SqliteDb;
}

namespace berth::engine {

class NoSuchContainer : public Error {
  public:
    explicit NoSuchContainer(const std::string& what)
        : Error("No such container: " + what, ENOENT) {}
};

// Docker's text for a taken name; otherId is the container (or create in progress) holding it.
class NameConflict : public Error {
  public:
    NameConflict(const std::string& name, const std::string& otherId)
        : Error("Conflict. The container name \"/" + name + "\" is already in use by container \"" +
                    otherId +
                    "\". You have to remove (or rename) that container to be able to reuse that "
                    "name.",
                EEXIST),
          otherId_(otherId) {}
    const std::string& otherId() const { return otherId_; }

  private:
    std::string otherId_;
};

enum class RecordPhase { Creating, Ready, Removing };
const char* recordPhaseName(RecordPhase p);  // "creating" "ready" "removing"

// A row as it is, for system check: any phase, with the process that owns a create/remove.
struct RecordEntry {
    ContainerRecord rec;  // id, name, createdNs always; the rest once save() ran
    RecordPhase phase = RecordPhase::Ready;
    pid_t ownerPid = 0;
    uint64_t ownerStart = 0;
    // The owning create/rm still runs (pid with the recorded start time).
    bool ownerAlive() const;
};

class ContainerStore {
  public:
    // Creates <root>/containers and opens <root>/berth.db (creating the table) through this
    // process's shared connection (db::SqliteDb::shared).
    explicit ContainerStore(std::string root);
    // The same on an open connection to <root>/berth.db.
    ContainerStore(std::string root, std::shared_ptr<db::SqliteDb> conn);
    ~ContainerStore();
    ContainerStore(const ContainerStore&) = default;
    ContainerStore& operator=(const ContainerStore&) = default;

    std::string dir(const std::string& id) const { return containersDir_ + "/" + id; }
    const std::string& containersDir() const { return containersDir_; }
    const std::string& root() const { return root_; }

    // Exclusive flock on containers/.lock: serialises system check against creates/removes
    // (names and IDs are unique by the DB, they need no lock).
    UniqueFd lock() const;

    // Every container with a ready (or removing) record, oldest first.
    std::vector<ContainerRecord> list() const;
    // Docker's lookup: full ID, name ("/name" or "name"), then a unique ID prefix.
    // Throws NoSuchContainer; an ambiguous prefix throws Error.
    ContainerRecord get(const std::string& idOrName) const;
    std::optional<ContainerRecord> find(const std::string& idOrName) const;
    // The container using `name`, if any (a create in progress included).
    std::optional<ContainerRecord> byName(const std::string& name) const;

    // Takes rec.id and rec.name for a create in progress (phase "creating", owned by this
    // process). Throws NameConflict when the name is taken, Error(EEXIST) for a taken ID.
    void reserve(const ContainerRecord& rec) const;
    // Writes the record in one transaction: a "creating" row becomes ready; a new ID is inserted.
    // A rename to a taken name throws NameConflict (the row is unchanged).
    void save(const ContainerRecord& rec) const;
    // Marks the row "removing", owned by this process. Throws Error when another live process
    // is removing it (Docker: "removal of container X is already in progress").
    void markRemoving(const std::string& id) const;
    // Removes the directory, then the row (a crash in between leaves a row to finish removing).
    void remove(const std::string& id) const;
    // Deletes the row only (system check: a row whose directory is gone). Returns whether there
    // was one (two removers racing: only one finds it).
    bool forget(const std::string& id) const;

    // fn in one write transaction on this store's connection to berth.db: the records written
    // and the events recorded inside it (engine/events/journal, same connection) commit together,
    // one commit instead of one each.
    void transaction(const std::function<void()>& fn) const;

    // Every row, any phase.
    std::vector<RecordEntry> entries() const;
    std::optional<RecordEntry> entry(const std::string& id) const;
    // IDs of the container directories (64 hex digits) under containers/.
    std::vector<std::string> dirIds() const;
    // What a killed create or remove left: directories without a row, and "creating" rows
    // whose owner is gone (their directory, if any, is half made).
    std::vector<std::string> leftoverIds() const;

  private:
    void importJsonRecords() const;

    std::string root_;
    std::string containersDir_;
    std::shared_ptr<db::SqliteDb> db_;
};

}  // namespace berth::engine
