#include "engine/container/sqlite_db.hpp"

#include "common/error.hpp"

namespace berth::engine {

namespace {

int errnoFor(int rc) {
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT: return EEXIST;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return EBUSY;
    case SQLITE_READONLY:
    case SQLITE_PERM: return EACCES;
    case SQLITE_FULL: return ENOSPC;
    default: return EIO;
    }
}

}  // namespace

SqliteDb::SqliteDb(const std::string& path, int busyTimeoutMs) : path_(path) {
    int rc = sqlite3_open_v2(path.c_str(), &db_,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    if (rc != SQLITE_OK) {
        std::string m = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        db_ = nullptr;
        throw Error("open " + path + ": " + m, errnoFor(rc));
    }
    sqlite3_busy_timeout(db_, busyTimeoutMs);
    try {
        exec("PRAGMA journal_mode=WAL");
        exec("PRAGMA synchronous=NORMAL");
        // No checkpoint when the last connection closes (each daemonless `berth` is the last):
        // it cost 2 fsyncs, then the next open re-created the WAL (+2 more). The WAL stays and
        // is checkpointed every 1000 pages (wal_autocheckpoint); as crash-safe as before.
        sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
        exec("PRAGMA foreign_keys=ON");
    } catch (...) {
        sqlite3_close(db_);
        db_ = nullptr;
        throw;
    }
}

SqliteDb::~SqliteDb() {
    if (db_) sqlite3_close(db_);
}

void SqliteDb::exec(const std::string& sql) {
    std::lock_guard<std::recursive_mutex> g(mu_);
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        std::string m = err ? err : sqlite3_errstr(rc);
        sqlite3_free(err);
        throw Error(path_ + ": " + sql.substr(0, 40) + ": " + m, errnoFor(rc));
    }
}

void SqliteDb::runTransaction(const char* begin, const std::function<void()>& fn) {
    std::lock_guard<std::recursive_mutex> g(mu_);
    if (depth_ > 0) return fn();
    exec(begin);
    ++depth_;
    try {
        fn();
        exec("COMMIT");
        --depth_;
    } catch (...) {
        --depth_;
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

void SqliteDb::write(const std::function<void()>& fn) { runTransaction("BEGIN IMMEDIATE", fn); }

void SqliteDb::read(const std::function<void()>& fn) { runTransaction("BEGIN", fn); }

SqliteDb::Stmt::Stmt(SqliteDb& db, const char* sql) : db_(db) {
    db_.mu_.lock();
    int rc = sqlite3_prepare_v2(db_.db_, sql, -1, &st_, nullptr);
    if (rc != SQLITE_OK) {
        std::string m = sqlite3_errmsg(db_.db_);
        db_.mu_.unlock();
        throw Error(db_.path_ + ": prepare: " + m, errnoFor(rc));
    }
}

SqliteDb::Stmt::~Stmt() {
    sqlite3_finalize(st_);
    db_.mu_.unlock();
}

SqliteDb::Stmt& SqliteDb::Stmt::bind(int i, const std::string& s) {
    sqlite3_bind_text(st_, i, s.c_str(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    return *this;
}

SqliteDb::Stmt& SqliteDb::Stmt::bind(int i, int64_t v) {
    sqlite3_bind_int64(st_, i, v);
    return *this;
}

bool SqliteDb::Stmt::step() {
    int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw Error(db_.path_ + ": " + sqlite3_errmsg(db_.db_), errnoFor(rc));
}

std::string SqliteDb::Stmt::text(int i) const {
    auto p = sqlite3_column_text(st_, i);
    return p ? reinterpret_cast<const char*>(p) : "";
}

int64_t SqliteDb::Stmt::i64(int i) const { return sqlite3_column_int64(st_, i); }

}  // namespace berth::engine
