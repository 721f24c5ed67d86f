// One SQLite connection to <root>/berth.db, shared by everything in a process that keeps tables
// there: the image store (store/image/metadata_db), the container records
// (engine/container/container_store) and the events journal (engine/events/journal). Each of them
// owns its tables and creates them with ensureSchema(); they reach one connection through
// SqliteDb::shared(path), so a daemonless `berth` opens berth.db once.
//
// How it is opened, and why:
//   journal_mode=WAL, synchronous=NORMAL  a killed process never loses a commit; a power loss may
//                                          drop the last ones, never corrupts (system check repairs
//                                          what the records then miss)
//   busy_timeout (30 s)                    writers queue (BEGIN IMMEDIATE) instead of failing
//   no checkpoint on close                 each daemonless `berth` is the last connection to close:
//                                          that checkpoint cost 2 fsyncs and deleted the WAL, which
//                                          the next call re-created (2 more)
//   wal_autocheckpoint=kWalCheckpointPages the WAL is kept short: every `berth` is the first
//   process
//                                          to map the -shm, so SQLite rebuilds its WAL index by
//                                          reading every valid frame of the WAL (a 4 MB WAL: ~1000
//                                          reads per call); a checkpoint at commit once the WAL
//                                          holds this many pages lets the next writer start it over
//   journal_size_limit                     the WAL file is cut back when it starts over
//
// Statements are prepared once per connection and SQL text, and reused (SQLite's parser was ~10 %
// of a `berth run`'s CPU). Thread-safe: a statement or transaction holds the connection's
// (recursive) mutex. Not across fork(): a child process that asks shared() gets its own connection.
#pragma once

#include <sqlite3.h>
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

namespace berth::db {

class SqliteDb {
  public:
    static constexpr int kBusyTimeoutMs = 30000;
    static constexpr int kWalCheckpointPages = 128;
    static constexpr int64_t kWalSizeLimitBytes = 1 << 20;

    // Opens (creating) path as above. Throws Error naming the file.
    explicit SqliteDb(const std::string& path, int busyTimeoutMs = kBusyTimeoutMs);
    ~SqliteDb();
    SqliteDb(const SqliteDb&) = delete;
    SqliteDb& operator=(const SqliteDb&) = delete;

    // This process's connection to path: the one already open (same path string, same process),
    // else a new one. Throws Error.
    static std::shared_ptr<SqliteDb> shared(const std::string& path);

    sqlite3* handle() const { return db_; }
    const std::string& path() const { return path_; }

    // fn in one write transaction (BEGIN IMMEDIATE ... COMMIT; ROLLBACK on throw). Nested calls
    // (from any module sharing the connection) join the outermost transaction.
    void write(const std::function<void()>& fn);
    // fn in one read transaction (a consistent snapshot across several statements).
    void read(const std::function<void()>& fn);
    bool inTransaction() const { return depth_ > 0; }
    // Runs sql (several statements allowed). Throws Error.
    void exec(const std::string& sql);

    // Makes sure the tables and indexes that schema creates exist ("CREATE TABLE|INDEX IF NOT
    // EXISTS name" statements). A read of sqlite_master when they do (once per connection and
    // schema); otherwise schema runs in a write transaction. Returns true when it ran.
    bool ensureSchema(const std::string& schema);

    // Rows changed by the last INSERT/UPDATE/DELETE, and the last inserted rowid.
    int64_t changes() const { return sqlite3_changes64(db_); }
    int64_t lastInsertRowid() const { return sqlite3_last_insert_rowid(db_); }

  private:
    struct Cached {
        sqlite3_stmt* st = nullptr;
        bool inUse = false;
    };

  public:
    class Stmt {
      public:
        Stmt(SqliteDb& db, const char* sql);
        ~Stmt();
        Stmt(const Stmt&) = delete;
        Stmt& operator=(const Stmt&) = delete;
        Stmt& bind(int i, const std::string& s);
        Stmt& bind(int i, int64_t v);
        Stmt& bindNull(int i);
        // NULL for "", else the text.
        Stmt& bindNullable(int i, const std::string& s);
        // true: a row is ready. Throws Error (EEXIST for a constraint violation, EBUSY, EIO).
        bool step();
        std::string text(int i) const;
        int64_t i64(int i) const;

      private:
        SqliteDb& db_;
        sqlite3_stmt* st_ = nullptr;
        Cached* cached_ = nullptr;  // the connection's cache entry: reset, not finalized, when done
    };

  private:
    void runTransaction(const char* begin, const std::function<void()>& fn);
    // One statement without rows (BEGIN, COMMIT, ...), prepared once.
    void run(const char* sql);

    sqlite3* db_ = nullptr;
    std::string path_;
    pid_t owner_ = 0;  // the process that opened it: a forked child must not close it
    std::recursive_mutex mu_;
    int depth_ = 0;
    std::set<std::string> schemasChecked_;
    std::unordered_map<std::string, Cached> cache_;
};

// The errno an SQLite result code maps to (EEXIST for a constraint, EBUSY, EACCES, ENOSPC, EIO).
int sqliteErrno(int rc);

// The least string above every string that starts with prefix ("ab" → "ac"; trailing 0xff bytes
// drop out), "" when there is none (empty or all 0xff). "col >= prefix AND col < bound" is then
// a prefix search that the column's index (BINARY collation) answers in a range, where
// substr(col, ...) = prefix or LIKE scan every row.
std::string prefixUpperBound(std::string prefix);

}  // namespace berth::db
