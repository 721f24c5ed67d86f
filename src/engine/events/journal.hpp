// The events journal: every state change of containers (and images, volumes, networks) in the
// `events` table of <root>/berth.db (SQLite, WAL), on the process's one connection to it
// (store/db/sqlite_db, shared with the image store and the container records): one short
// transaction per record, or the caller's when it records inside one.
// Bounded: on write, rows older than 7 days and all but the newest kMaxEvents are trimmed.
//
// Callers in verbs and the engine use the best-effort helpers below: an event that cannot be
// written (database locked for > busy_timeout, disk full) is logged at debug level and dropped;
// it never fails the operation it describes.
//
//   events::record(root, "volume", "create", name, {{"driver", "local"}});
//   events::recordContainer(engine, rec, "start");   // adds image, name and the labels
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/events/event.hpp"
#include "store/db/sqlite_db.hpp"

namespace berth::engine {
class Engine;
struct ContainerRecord;
}  // namespace berth::engine

namespace berth::engine::events {

class Journal {
  public:
    static constexpr int64_t kMaxEvents = 10000;
    static constexpr int64_t kMaxAgeNs = 7LL * 24 * 3600 * 1'000'000'000;

    // Opens (creates) the table in dbPath, through this process's shared connection to it.
    // Throws Error naming the file.
    explicit Journal(const std::string& dbPath);
    explicit Journal(std::shared_ptr<db::SqliteDb> conn);
    ~Journal();
    Journal(const Journal&) = delete;
    Journal& operator=(const Journal&) = delete;

    // Appends; timeNano 0 = now. source: an idempotency key (a second record with the same
    // non-empty source is ignored). Returns the new seq (0 when ignored). Throws Error.
    int64_t record(const Event& e, const std::string& source = "");
    // Matching events: time window ordered by time, or (afterSeq > 0) newer rows by seq.
    std::vector<Event> query(const EventQuery& q) const;
    // The newest seq (0 when empty): where a follower starts.
    int64_t lastSeq() const;

  private:
    void trim(int64_t nowNs);

    std::shared_ptr<db::SqliteDb> db_;
};

// The journal of a state root (<root>/berth.db), opened once per process. Throws Error.
Journal& journalFor(const std::string& root);

// Best effort (never throws). timeNano 0 = now.
void record(const std::string& root, const std::string& type, const std::string& action,
            const std::string& actorId, Attributes attributes = {}, int64_t timeNano = 0);
// Docker's attributes of a container event: the labels, image (as given), name.
Attributes containerAttributes(const ContainerRecord& rec);
// A container event with Docker's attributes: image (as given), name, and the labels.
// timeNano: when it happened, if before now (0 = now).
void recordContainer(const Engine& eng, const ContainerRecord& rec, const std::string& action,
                     Attributes extra = {}, int64_t timeNano = 0);

}  // namespace berth::engine::events
