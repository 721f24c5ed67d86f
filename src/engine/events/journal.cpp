#include "engine/events/journal.hpp"

#include <time.h>

#include <map>
#include <memory>

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

class Stmt {
  public:
    Stmt(sqlite3* db, const char* sql) : db_(db) {
        if (sqlite3_prepare_v2(db, sql, -1, &st_, nullptr) != SQLITE_OK)
            throw Error(std::string("events journal: ") + sqlite3_errmsg(db), EIO);
    }
    ~Stmt() { sqlite3_finalize(st_); }
    Stmt& bind(int i, const std::string& s) {
        sqlite3_bind_text(st_, i, s.c_str(), int(s.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Stmt& bindNullable(int i, const std::string& s) {
        if (s.empty()) sqlite3_bind_null(st_, i);
        else bind(i, s);
        return *this;
    }
    Stmt& bind(int i, int64_t v) {
        sqlite3_bind_int64(st_, i, v);
        return *this;
    }
    bool step() {
        int rc = sqlite3_step(st_);
        if (rc == SQLITE_ROW) return true;
        if (rc == SQLITE_DONE) return false;
        throw Error(std::string("events journal: ") + sqlite3_errmsg(db_), rc == SQLITE_BUSY ? EBUSY : EIO);
    }
    std::string text(int i) const {
        auto p = sqlite3_column_text(st_, i);
        return p ? reinterpret_cast<const char*>(p) : "";
    }
    int64_t i64(int i) const { return sqlite3_column_int64(st_, i); }

  private:
    sqlite3* db_;
    sqlite3_stmt* st_ = nullptr;
};

void exec(sqlite3* db, const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
        std::string m = err ? err : "?";
        sqlite3_free(err);
        throw Error("events journal: " + m, m.find("locked") != std::string::npos ? EBUSY : EIO);
    }
}

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

Journal::Journal(const std::string& dbPath) : path_(dbPath) {
    if (sqlite3_open_v2(dbPath.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
        std::string m = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        throw Error("open events journal " + dbPath + ": " + m, EIO);
    }
    sqlite3_busy_timeout(db_, 10000);
    try {
        exec(db_, "PRAGMA journal_mode=WAL");
        exec(db_, "PRAGMA synchronous=NORMAL");
        // No checkpoint when the last connection closes (each daemonless `berth` is the last):
        // it cost 2 fsyncs, then the next open re-created the WAL (+2 more). The WAL stays and
        // is checkpointed every 1000 pages (wal_autocheckpoint); as crash-safe as before.
        sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
        exec(db_, "BEGIN IMMEDIATE");
        try {
            exec(db_, kSchema);
            exec(db_, "COMMIT");
        } catch (...) {
            sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
            throw;
        }
    } catch (Error& e) {
        sqlite3_close(db_);
        db_ = nullptr;
        throw e.addContext("open events journal " + dbPath);
    }
}

Journal::~Journal() { sqlite3_close(db_); }

int64_t Journal::record(const Event& e, const std::string& source) {
    std::lock_guard lk(mu_);
    int64_t now = nowNs();
    nlohmann::json attrs = e.attributes;
    Stmt s(db_,
           "INSERT OR IGNORE INTO events(time_nano,type,action,actor_id,attributes,scope,source) "
           "VALUES(?,?,?,?,?,?,?)");
    s.bind(1, e.timeNano ? e.timeNano : now)
        .bind(2, e.type)
        .bind(3, e.action)
        .bind(4, e.actorId)
        .bind(5, attrs.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
        .bind(6, e.scope.empty() ? std::string("local") : e.scope)
        .bindNullable(7, source);
    s.step();
    if (sqlite3_changes(db_) == 0) return 0;
    int64_t seq = sqlite3_last_insert_rowid(db_);
    if (seq % 64 == 0) trim(now);
    return seq;
}

void Journal::trim(int64_t nowNs) {
    Stmt s(db_, "DELETE FROM events WHERE seq <= (SELECT max(seq) FROM events) - ? OR time_nano < ?");
    s.bind(1, kMaxEvents).bind(2, nowNs - kMaxAgeNs);
    s.step();
}

std::vector<Event> Journal::query(const EventQuery& q) const {
    std::lock_guard lk(mu_);
    const char* sql =
        q.afterSeq > 0
            ? "SELECT seq,time_nano,type,action,actor_id,attributes,scope FROM events "
              "WHERE seq > ?1 AND time_nano >= ?2 AND time_nano <= ?3 ORDER BY seq"
            : "SELECT seq,time_nano,type,action,actor_id,attributes,scope FROM events "
              "WHERE seq > ?1 AND time_nano >= ?2 AND time_nano <= ?3 ORDER BY time_nano, seq";
    Stmt s(db_, sql);
    s.bind(1, q.afterSeq).bind(2, q.sinceNano).bind(3, q.untilNano > 0 ? q.untilNano : INT64_MAX);
    std::vector<Event> out;
    while (s.step()) {
        Event e = eventFrom(s);
        if (q.filter.matches(e)) out.push_back(std::move(e));
    }
    return out;
}

int64_t Journal::lastSeq() const {
    std::lock_guard lk(mu_);
    Stmt s(db_, "SELECT coalesce(max(seq),0) FROM events");
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
