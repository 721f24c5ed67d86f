#include "store/db/sqlite_db.hpp"

#include <unistd.h>

#include <cctype>
#include <map>
#include <vector>

#include "common/error.hpp"

namespace berth::db {

namespace {

// The names a schema creates: the identifier after each "IF NOT EXISTS".
std::vector<std::string> schemaNames(const std::string& schema) {
    std::vector<std::string> names;
    static const std::string kMarker = "IF NOT EXISTS";
    for (size_t pos = schema.find(kMarker); pos != std::string::npos;
         pos = schema.find(kMarker, pos)) {
        pos += kMarker.size();
        while (pos < schema.size() && std::isspace(static_cast<unsigned char>(schema[pos]))) ++pos;
        size_t end = pos;
        while (end < schema.size() &&
               (std::isalnum(static_cast<unsigned char>(schema[end])) || schema[end] == '_'))
            ++end;
        if (end > pos) names.push_back(schema.substr(pos, end - pos));
    }
    return names;
}

}  // namespace

std::string prefixUpperBound(std::string prefix) {
    while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xff) prefix.pop_back();
    if (!prefix.empty()) prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
    return prefix;
}

int sqliteErrno(int rc) {
    switch (rc & 0xff) {
        case SQLITE_CONSTRAINT:
            return EEXIST;
        case SQLITE_BUSY:
        case SQLITE_LOCKED:
            return EBUSY;
        case SQLITE_READONLY:
        case SQLITE_PERM:
            return EACCES;
        case SQLITE_FULL:
            return ENOSPC;
        default:
            return EIO;
    }
}

SqliteDb::SqliteDb(const std::string& path, int busyTimeoutMs) : path_(path), owner_(::getpid()) {
    int rc =
        sqlite3_open_v2(path.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        std::string m = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        db_ = nullptr;
        throw Error("open " + path + ": " + m, sqliteErrno(rc));
    }
    sqlite3_busy_timeout(db_, busyTimeoutMs);
    sqlite3_db_config(db_, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    sqlite3_wal_autocheckpoint(db_, kWalCheckpointPages);
    try {
        exec(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA journal_size_limit=" +
            std::to_string(kWalSizeLimitBytes));
    } catch (...) {
        sqlite3_close(db_);
        db_ = nullptr;
        throw;
    }
}

SqliteDb::~SqliteDb() {
    // In a forked child the handle is the parent's: closing it would drop the parent's locks.
    if (!db_ || owner_ != ::getpid()) return;
    for (auto& [sql, c] : cache_) sqlite3_finalize(c.st);
    sqlite3_close(db_);
}

std::shared_ptr<SqliteDb> SqliteDb::shared(const std::string& path) {
    struct Entry {
        pid_t pid = 0;
        std::weak_ptr<SqliteDb> db;
    };
    static std::mutex mu;
    static std::map<std::string, Entry> open;
    std::lock_guard lk(mu);
    auto& e = open[path];
    if (e.pid == ::getpid())
        if (auto db = e.db.lock()) return db;
    auto db = std::make_shared<SqliteDb>(path);
    e.pid = ::getpid();
    e.db = db;
    return db;
}

void SqliteDb::exec(const std::string& sql) {
    std::lock_guard<std::recursive_mutex> g(mu_);
    char* err = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        std::string m = err ? err : sqlite3_errstr(rc);
        sqlite3_free(err);
        std::string what = sql.substr(0, sql.find_first_of("\n;("));
        throw Error(path_ + ": " + what + ": " + m, sqliteErrno(rc));
    }
}

void SqliteDb::run(const char* sql) { Stmt(*this, sql).step(); }

void SqliteDb::runTransaction(const char* begin, const std::function<void()>& fn) {
    std::lock_guard<std::recursive_mutex> g(mu_);
    if (depth_ > 0) return fn();
    withContext(begin, [&] { run(begin); });
    ++depth_;
    try {
        fn();
        --depth_;
    } catch (...) {
        --depth_;
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
    try {
        withContext("COMMIT", [&] { run("COMMIT"); });
    } catch (...) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

void SqliteDb::write(const std::function<void()>& fn) {
    runTransaction("BEGIN IMMEDIATE", fn);
}

void SqliteDb::read(const std::function<void()>& fn) {
    runTransaction("BEGIN", fn);
}

bool SqliteDb::ensureSchema(const std::string& schema) {
    std::lock_guard<std::recursive_mutex> g(mu_);
    if (schemasChecked_.count(schema)) return false;
    std::set<std::string> want;
    for (auto& n : schemaNames(schema)) want.insert(n);
    {
        Stmt s(*this, "SELECT name FROM sqlite_master");
        while (!want.empty() && s.step()) want.erase(s.text(0));
    }
    bool ran = !want.empty();
    if (ran) withContext("create tables in " + path_, [&] { write([&] { exec(schema); }); });
    // Tables made inside a caller's transaction go if it rolls back: check again next time.
    if (!ran || depth_ == 0) schemasChecked_.insert(schema);
    return ran;
}

SqliteDb::Stmt::Stmt(SqliteDb& db, const char* sql) : db_(db) {
    db_.mu_.lock();
    auto [it, added] = db_.cache_.try_emplace(sql);
    if (!added && !it->second.inUse) {
        st_ = it->second.st;
        it->second.inUse = true;
        cached_ = &it->second;
        return;
    }
    // New, or the cached one is active (the same query nested in its own loop): a fresh one.
    int rc = sqlite3_prepare_v3(db_.db_, sql, -1, added ? SQLITE_PREPARE_PERSISTENT : 0, &st_,
                                nullptr);
    if (rc != SQLITE_OK) {
        std::string m = sqlite3_errmsg(db_.db_);
        sqlite3_finalize(st_);
        if (added) db_.cache_.erase(it);
        db_.mu_.unlock();
        throw Error(db_.path_ + ": prepare: " + m, sqliteErrno(rc));
    }
    if (added) {
        it->second.st = st_;
        it->second.inUse = true;
        cached_ = &it->second;
    }
}

SqliteDb::Stmt::~Stmt() {
    if (cached_) {
        // Done with it: reset (ends its read of the database) and keep it for the next use.
        sqlite3_reset(st_);
        sqlite3_clear_bindings(st_);
        cached_->inUse = false;
    } else {
        sqlite3_finalize(st_);
    }
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

SqliteDb::Stmt& SqliteDb::Stmt::bindNull(int i) {
    sqlite3_bind_null(st_, i);
    return *this;
}

SqliteDb::Stmt& SqliteDb::Stmt::bindNullable(int i, const std::string& s) {
    return s.empty() ? bindNull(i) : bind(i, s);
}

bool SqliteDb::Stmt::step() {
    int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw Error(db_.path_ + ": " + sqlite3_errmsg(db_.db_), sqliteErrno(rc));
}

std::string SqliteDb::Stmt::text(int i) const {
    auto p = sqlite3_column_text(st_, i);
    return p ? reinterpret_cast<const char*>(p) : "";
}

int64_t SqliteDb::Stmt::i64(int i) const {
    return sqlite3_column_int64(st_, i);
}

}  // namespace berth::db
