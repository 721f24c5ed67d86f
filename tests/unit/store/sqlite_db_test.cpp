// store/db/sqlite_db: the one SQLite connection to berth.db that the image store, the container
// records and the events journal share — how it is opened, transactions (nesting, rollback),
// schema checks, sharing within a process and not across fork, and the short WAL.
#include "store/db/sqlite_db.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "common/error.hpp"
#include "support/test_support.hpp"

using namespace berth;
using berth::db::SqliteDb;
using Stmt = SqliteDb::Stmt;

namespace {

constexpr const char* kSchema = R"SQL(
CREATE TABLE IF NOT EXISTS t(k TEXT PRIMARY KEY, v INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS t_v ON t(v);
)SQL";

int64_t count(SqliteDb& db) {
    Stmt s(db, "SELECT count(*) FROM t");
    return s.step() ? s.i64(0) : -1;
}

std::string pragma(SqliteDb& db, const std::string& name) {
    std::string sql = "PRAGMA " + name;
    Stmt s(db, sql.c_str());
    return s.step() ? s.text(0) : "";
}

off_t fileSize(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? st.st_size : -1;
}

}  // namespace

TEST(SqliteDb, OpensInWalWithNormalSyncAndForeignKeys) {
    test::TempDir tmp;
    SqliteDb db(tmp / "berth.db");
    EXPECT_EQ(pragma(db, "journal_mode"), "wal");
    EXPECT_EQ(pragma(db, "synchronous"), "1");  // NORMAL
    EXPECT_EQ(pragma(db, "foreign_keys"), "1");
    EXPECT_EQ(pragma(db, "wal_autocheckpoint"), std::to_string(SqliteDb::kWalCheckpointPages));
    EXPECT_EQ(pragma(db, "journal_size_limit"), std::to_string(SqliteDb::kWalSizeLimitBytes));
}

TEST(SqliteDb, OpenErrorNamesTheFile) {
    test::TempDir tmp;
    std::string path = tmp / "missing-dir/berth.db";
    try {
        SqliteDb db(path);
        FAIL() << "opened a database in a missing directory";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
}

TEST(SqliteDb, EnsureSchemaCreatesOnceThenOnlyChecks) {
    test::TempDir tmp;
    {
        SqliteDb db(tmp / "berth.db");
        EXPECT_TRUE(db.ensureSchema(kSchema));
        EXPECT_FALSE(db.ensureSchema(kSchema));  // cached for this connection
    }
    SqliteDb again(tmp / "berth.db");
    EXPECT_FALSE(again.ensureSchema(kSchema));  // present: a read, no write
    // A schema that grew (a new index) runs again.
    std::string grown = std::string(kSchema) + "CREATE INDEX IF NOT EXISTS t_kv ON t(k, v);\n";
    EXPECT_TRUE(again.ensureSchema(grown));
    Stmt s(again, "SELECT 1 FROM sqlite_master WHERE name='t_kv'");
    EXPECT_TRUE(s.step());
}

TEST(SqliteDb, WriteCommitsAndRollsBackOnThrow) {
    test::TempDir tmp;
    SqliteDb db(tmp / "berth.db");
    db.ensureSchema(kSchema);
    db.write([&] { Stmt(db, "INSERT INTO t(k, v) VALUES('a', 1)").step(); });
    EXPECT_EQ(count(db), 1);
    EXPECT_THROW(db.write([&] {
        Stmt(db, "INSERT INTO t(k, v) VALUES('b', 2)").step();
        throw Error("stop");
    }),
                 Error);
    EXPECT_EQ(count(db), 1);
    EXPECT_FALSE(db.inTransaction());
}

TEST(SqliteDb, NestedTransactionsJoinTheOuterOne) {
    test::TempDir tmp;
    SqliteDb db(tmp / "berth.db");
    db.ensureSchema(kSchema);
    EXPECT_THROW(db.write([&] {
        db.write([&] { Stmt(db, "INSERT INTO t(k) VALUES('inner')").step(); });
        EXPECT_TRUE(db.inTransaction());
        throw Error("outer fails");
    }),
                 Error);
    EXPECT_EQ(count(db), 0);  // the inner write went with the outer rollback
}

TEST(SqliteDb, ConstraintViolationIsEexistAndNamesTheFile) {
    test::TempDir tmp;
    SqliteDb db(tmp / "berth.db");
    db.ensureSchema(kSchema);
    Stmt(db, "INSERT INTO t(k) VALUES('x')").step();
    try {
        Stmt(db, "INSERT INTO t(k) VALUES('x')").step();
        FAIL() << "duplicate key accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.errnum(), EEXIST);
        EXPECT_NE(std::string(e.what()).find("berth.db"), std::string::npos) << e.what();
    }
    EXPECT_THROW(Stmt(db, "SELECT nope FROM t"), Error);
}

TEST(SqliteDb, BindsTextIntegersAndNull) {
    test::TempDir tmp;
    SqliteDb db(tmp / "berth.db");
    db.exec("CREATE TABLE n(a TEXT, b INTEGER)");
    Stmt(db, "INSERT INTO n VALUES(?, ?)").bindNullable(1, "").bind(2, int64_t(1) << 40).step();
    Stmt(db, "INSERT INTO n VALUES(?, ?)").bindNullable(1, "x").bindNull(2).step();
    EXPECT_EQ(db.changes(), 1);
    EXPECT_EQ(db.lastInsertRowid(), 2);
    Stmt s(db, "SELECT count(*) FROM n WHERE a IS NULL AND b=?");
    s.bind(1, int64_t(1) << 40);
    ASSERT_TRUE(s.step());
    EXPECT_EQ(s.i64(0), 1);
}

TEST(SqliteDb, SharedReusesTheConnectionOfThisProcess) {
    test::TempDir tmp;
    std::string path = tmp / "berth.db";
    auto a = SqliteDb::shared(path);
    auto b = SqliteDb::shared(path);
    EXPECT_EQ(a.get(), b.get());
    EXPECT_NE(SqliteDb::shared(tmp / "other.db").get(), a.get());
    sqlite3* handle = a->handle();
    a.reset();
    b.reset();
    // All owners gone: closed; the next one opens again (works, whatever the handle value).
    auto c = SqliteDb::shared(path);
    EXPECT_NE(c->handle(), nullptr);
    (void)handle;
}

TEST(SqliteDb, ForkedChildGetsItsOwnConnection) {
    test::TempDir tmp;
    std::string path = tmp / "berth.db";
    auto parent = SqliteDb::shared(path);
    parent->ensureSchema(kSchema);
    pid_t pid = fork();
    if (pid == 0) {
        int rc = 1;
        try {
            auto child = SqliteDb::shared(path);
            if (child.get() != parent.get()) {
                child->ensureSchema(kSchema);
                child->write([&] { Stmt(*child, "INSERT INTO t(k) VALUES('child')").step(); });
                rc = 0;
            }
        } catch (...) {
        }
        _exit(rc);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
    EXPECT_EQ(count(*parent), 1);
}

TEST(SqliteDb, ThreadsSerialiseOnTheConnection) {
    test::TempDir tmp;
    auto db = SqliteDb::shared(tmp / "berth.db");
    db->ensureSchema(kSchema);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 25; ++i)
                db->write([&] {
                    Stmt(*db, "INSERT INTO t(k, v) VALUES(?, ?)")
                        .bind(1, std::to_string(t) + "-" + std::to_string(i))
                        .bind(2, int64_t(i))
                        .step();
                });
        });
    for (auto& th : threads) th.join();
    EXPECT_EQ(count(*db), 100);
}

TEST(SqliteDb, WalStaysShort) {
    // Every `berth` re-reads the whole WAL when it opens berth.db first: the WAL is checkpointed
    // at kWalCheckpointPages and started over by the next writer, and cut to the size limit.
    test::TempDir tmp;
    std::string path = tmp / "berth.db";
    {
        SqliteDb db(path);
        db.ensureSchema(kSchema);
        std::string blob(3000, 'x');
        for (int i = 0; i < 400; ++i)
            db.write([&] {
                Stmt(db, "INSERT INTO t(k, v) VALUES(?, ?)")
                    .bind(1, std::to_string(i) + blob)
                    .bind(2, int64_t(i))
                    .step();
            });
    }
    // 400 commits of a ~3 kB row each: ~1.6 MB of page images went through the WAL.
    off_t wal = fileSize(path + "-wal");
    EXPECT_GE(wal, 0);
    // At most the checkpoint threshold plus one transaction's pages (4 KiB + a 24-byte header).
    EXPECT_LE(wal, 32 + (SqliteDb::kWalCheckpointPages + 16) * (4096 + 24));
    SqliteDb again(path);
    EXPECT_EQ(count(again), 400);
}

TEST(SqliteDb, StatementsAreReusedAndMayNestInTheirOwnLoop) {
    test::TempDir tmp;
    SqliteDb db(tmp / "berth.db");
    db.ensureSchema(kSchema);
    for (int i = 0; i < 3; ++i)  // the cached INSERT, rebound each time
        Stmt(db, "INSERT INTO t(k, v) VALUES(?, ?)").bind(1, "k" + std::to_string(i)).bind(2, int64_t(i)).step();
    int pairs = 0;
    {
        Stmt outer(db, "SELECT k FROM t ORDER BY k");
        while (outer.step()) {
            Stmt inner(db, "SELECT k FROM t ORDER BY k");  // active above: a separate statement
            while (inner.step()) ++pairs;
        }
    }
    EXPECT_EQ(pairs, 9);
    // A statement that failed is reset for its next use.
    EXPECT_THROW(Stmt(db, "INSERT INTO t(k, v) VALUES(?, ?)").bind(1, "k0").bind(2, int64_t(0)).step(),
                 Error);
    Stmt(db, "INSERT INTO t(k, v) VALUES(?, ?)").bind(1, "k9").bind(2, int64_t(9)).step();
    EXPECT_EQ(count(db), 4);
    // A new table is seen by a statement prepared before it changed the schema.
    db.exec("ALTER TABLE t ADD COLUMN w INTEGER NOT NULL DEFAULT 7");
    Stmt s(db, "SELECT count(*) FROM t");
    ASSERT_TRUE(s.step());
    EXPECT_EQ(s.i64(0), 4);
}

TEST(SqliteDb, SchemaMadeInARolledBackTransactionIsMadeAgain) {
    test::TempDir tmp;
    SqliteDb db(tmp / "berth.db");
    EXPECT_THROW(db.write([&] {
        EXPECT_TRUE(db.ensureSchema(kSchema));
        throw Error("the caller's operation fails");
    }),
                 Error);
    EXPECT_TRUE(db.ensureSchema(kSchema));
    EXPECT_EQ(count(db), 0);
}

TEST(SqliteDb, PrefixUpperBoundMakesAnIndexedRange) {
    EXPECT_EQ(berth::db::prefixUpperBound("ab"), "ac");
    EXPECT_EQ(berth::db::prefixUpperBound("a9"), "a:");
    EXPECT_EQ(berth::db::prefixUpperBound("af"), "ag");
    EXPECT_EQ(berth::db::prefixUpperBound(std::string("a\xff\xff", 3)), "b");
    EXPECT_EQ(berth::db::prefixUpperBound(std::string("\xff", 1)), "");
    EXPECT_EQ(berth::db::prefixUpperBound(""), "");
    test::TempDir tmp;
    SqliteDb db(tmp / "berth.db");
    db.exec("CREATE TABLE t(id TEXT PRIMARY KEY)");
    for (const char* id : {"a0", "ab1", "ab2", "abf", "ac", "b"})
        Stmt(db, "INSERT INTO t VALUES(?)").bind(1, std::string(id)).step();
    Stmt s(db, "SELECT id FROM t WHERE id >= ? AND id < ? ORDER BY id");
    s.bind(1, std::string("ab")).bind(2, berth::db::prefixUpperBound("ab"));
    std::vector<std::string> got;
    while (s.step()) got.push_back(s.text(0));
    EXPECT_EQ(got, (std::vector<std::string>{"ab1", "ab2", "abf"}));
    // SQLite answers it from the primary key's index (a SEARCH, not a SCAN of the table).
    Stmt plan(db, "EXPLAIN QUERY PLAN SELECT id FROM t WHERE id >= ? AND id < ?");
    ASSERT_TRUE(plan.step());
    EXPECT_NE(plan.text(3).find("SEARCH"), std::string::npos) << plan.text(3);
}
