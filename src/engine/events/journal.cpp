#include "engine/events/journal.hpp"

#include <time.h>

#include <map>
#include <memory>
#include <mutex>

#include "common/error.hpp"
#include "common/log.hpp"
#include "engine/engine.hpp"

namespace berth::engine::events {

namespace {

constexpr const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS events(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  time_nano INTEGER NOT NULL,
  type TEXT NOT NULL,
  action TEXT NOT NULL,
  actor_id TEXT NOT NULL,
  attributes TEXT NOT NULL DEFAULT '{}',
  scope TEXT NOT NULL DEFAULT 'local',
  source TEXT UNIQUE);
CREATE INDEX IF NOT EXISTS events_time ON events(time_nano);
)SQL";

int64_t nowNs() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

using Stmt = db::SqliteDb::Stmt;

Event eventFrom(const Stmt& s) {
    Event e;
    e.seq = s.i64(0);
    e.timeNano = s.i64(1);
    e.type = s.text(2);
    e.action = s.text(3);
    e.actorId = s.text(4);
    try {
        auto j = nlohmann::json::parse(s.text(5));
        for (auto& [k, v] : j.items())
            if (v.is_string()) e.attributes[k] = v.get<std::string>();
    } catch (const std::exception&) {
    }
    e.scope = s.text(6);
    return e;
}

}  // namespace

Journal::Journal(const std::string& dbPath) : Journal(db::SqliteDb::shared(dbPath)) {}

Journal::Journal(std::shared_ptr<db::SqliteDb> conn) : db_(std::move(conn)) {
    withContext("open events journal " + db_->path(), [&] { db_->ensureSchema(kSchema); });
}

Journal::~Journal() = default;

int64_t Journal::record(const Event& e, const std::string& source) {
    int64_t now = nowNs();
    nlohmann::json attrs = e.attributes;
    int64_t seq = 0;
    // The insert and the trim in one transaction, or in the caller's: an event recorded inside
    // another operation's transaction on this connection commits with it.
    db_->write([&] {
        Stmt s(*db_,
               "INSERT OR IGNORE INTO events(time_nano,type,action,actor_id,attributes,scope,"
               "source) VALUES(?,?,?,?,?,?,?)");
        s.bind(1, e.timeNano ? e.timeNano : now)
            .bind(2, e.type)
            .bind(3, e.action)
            .bind(4, e.actorId)
            .bind(5, attrs.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
            .bind(6, e.scope.empty() ? std::string("local") : e.scope)
            .bindNullable(7, source);
        s.step();
        if (db_->changes() == 0) return;
        seq = db_->lastInsertRowid();
        if (seq % 64 == 0) trim(now);
    });
    return seq;
}

void Journal::trim(int64_t nowNs) {
    Stmt s(*db_, "DELETE FROM events WHERE seq <= (SELECT max(seq) FROM events) - ? OR time_nano < ?");
    s.bind(1, kMaxEvents).bind(2, nowNs - kMaxAgeNs);
    s.step();
}

std::vector<Event> Journal::query(const EventQuery& q) const {
    const char* sql =
        q.afterSeq > 0
            ? "SELECT seq,time_nano,type,action,actor_id,attributes,scope FROM events "
              "WHERE seq > ?1 AND time_nano >= ?2 AND time_nano <= ?3 ORDER BY seq"
            : "SELECT seq,time_nano,type,action,actor_id,attributes,scope FROM events "
              "WHERE seq > ?1 AND time_nano >= ?2 AND time_nano <= ?3 ORDER BY time_nano, seq";
    Stmt s(*db_, sql);
    s.bind(1, q.afterSeq).bind(2, q.sinceNano).bind(3, q.untilNano > 0 ? q.untilNano : INT64_MAX);
    std::vector<Event> out;
    while (s.step()) {
        Event e = eventFrom(s);
        if (q.filter.matches(e)) out.push_back(std::move(e));
    }
    return out;
}

int64_t Journal::lastSeq() const {
    Stmt s(*db_, "SELECT coalesce(max(seq),0) FROM events");
    return s.step() ? s.i64(0) : 0;
}

Journal& journalFor(const std::string& root) {
    static std::mutex mu;
    static std::map<std::string, std::unique_ptr<Journal>> journals;
    std::lock_guard lk(mu);
    auto& j = journals[root];
    if (!j) j = std::make_unique<Journal>(root + "/berth.db");
    return *j;
}

void record(const std::string& root, const std::string& type, const std::string& action,
            const std::string& actorId, Attributes attributes, int64_t timeNano) {
    try {
        Event e;
        e.timeNano = timeNano;
        e.type = type;
        e.action = action;
        e.actorId = actorId;
        e.attributes = std::move(attributes);
        journalFor(root).record(e);
    } catch (const std::exception& ex) {
        logDebug(std::string("event ") + type + " " + action + " " + actorId + " not recorded: " + ex.what());
    }
}

Attributes containerAttributes(const ContainerRecord& rec) {
    Attributes a;
    if (rec.config.contains("Labels") && rec.config["Labels"].is_object())
        for (auto& [k, v] : rec.config["Labels"].items())
            if (v.is_string()) a[k] = v.get<std::string>();
    a["image"] = rec.imageRef;
    a["name"] = rec.name;
    return a;
}

void recordContainer(const Engine& eng, const ContainerRecord& rec, const std::string& action,
                     Attributes extra, int64_t timeNano) {
    Attributes a = containerAttributes(rec);
    for (auto& [k, v] : extra) a[k] = v;
    record(eng.config().root, "container", action, rec.id, std::move(a), timeNano);
}

}  // namespace berth::engine::events
