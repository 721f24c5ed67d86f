// A small SQLite connection for the engine's tables in <root>/berth.db (the image store keeps
// its own connection to the same file): WAL, busy_timeout, one write transaction per operation
// (BEGIN IMMEDIATE, so two writers queue instead of deadlocking on an upgrade), and a prepared
// statement helper. Thread-safe: every use holds the connection's mutex.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace berth::engine {

class SqliteDb {
  public:
    // Opens (creating) path with journal_mode=WAL, synchronous=NORMAL (a killed process never
    // loses a commit; only a power loss may drop the last ones) and a 30 s busy timeout.
    explicit SqliteDb(const std::string& path, int busyTimeoutMs = 30000);
    ~SqliteDb();
    SqliteDb(const SqliteDb&) = delete;
    SqliteDb& operator=(const SqliteDb&) = delete;

    sqlite3* handle() const { return db_; }
    const std::string& path() const { return path_; }

    // fn in one write transaction (BEGIN IMMEDIATE ... COMMIT; ROLLBACK on throw). Nested calls
    // join the outer transaction.
    void write(const std::function<void()>& fn);
    // fn in one read transaction (a consistent snapshot across several statements).
    void read(const std::function<void()>& fn);
    void exec(const std::string& sql);

    class Stmt {
      public:
        Stmt(SqliteDb& db, const char* sql);
        ~Stmt();
        Stmt(const Stmt&) = delete;
        Stmt& operator=(const Stmt&) = delete;
        Stmt& bind(int i, const std::string& s);
        Stmt& bind(int i, int64_t v);
        // true: a row is ready. Throws Error (EEXIST for a constraint violation, EBUSY, EIO).
        bool step();
        std::string text(int i) const;
        int64_t i64(int i) const;

      private:
        SqliteDb& db_;
        sqlite3_stmt* st_ = nullptr;
    };

  private:
    void runTransaction(const char* begin, const std::function<void()>& fn);

    sqlite3* db_ = nullptr;
    std::string path_;
    std::recursive_mutex mu_;
    int depth_ = 0;
};

}  // namespace berth::engine
