import Foundation
import Testing

@testable import MentorStore

/// The SQLite layer itself: what GRDB guarantees and this layer must too.
@Suite(.serialized) struct DatabaseTests {
    func makeDatabase(_ folder: TemporaryDirectory) throws -> Database {
        let database = try Database(path: folder.file("plain.db"))
        try database.execute("CREATE TABLE t (x INTEGER UNIQUE NOT NULL)")
        return database
    }

    func count(_ database: Database) throws -> Int {
        try database.scalarInt("SELECT count(*) FROM t") ?? -1
    }

    @Test func aSingleStatementCallRefusesASecondStatement() throws {
        let folder = TemporaryDirectory()
        let database = try makeDatabase(folder)
        #expect(throws: StoreError.self) { try database.run("INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)") }
        #expect(throws: StoreError.self) {
            _ = try database.query("SELECT 1; DELETE FROM t") { $0.int(0) }
        }
        #expect(try count(database) == 0)
        // Whitespace and comments after the statement are no statement.
        try database.run("INSERT INTO t VALUES (?);  -- one row\n /* done */ ", [1])
        #expect(try database.query("SELECT x FROM t; ") { $0.int(0) } == [1])
        // A script goes through execute, which runs every statement.
        try database.execute("INSERT INTO t VALUES (2); INSERT INTO t VALUES (3)")
        #expect(try count(database) == 3)
    }

    @Test func aTransactionOpenedByHandIsSeenByWrite() throws {
        let folder = TemporaryDirectory()
        let database = try makeDatabase(folder)
        #expect(!database.isInTransaction)
        try database.execute("BEGIN IMMEDIATE")
        #expect(database.isInTransaction)
        // Inside a transaction write is a savepoint, so the outer ROLLBACK undoes it.
        try database.write { try database.run("INSERT INTO t VALUES (1)") }
        #expect(try database.read { try count(database) } == 1)
        try database.execute("ROLLBACK")
        #expect(!database.isInTransaction)
        #expect(try count(database) == 0)
    }

    @Test func aFailedNestedWriteUndoesOnlyItsOwnPart() throws {
        let folder = TemporaryDirectory()
        let database = try makeDatabase(folder)
        try database.write {
            try database.run("INSERT INTO t VALUES (1)")
            #expect(throws: StoreError.self) {
                try database.write {
                    try database.run("INSERT INTO t VALUES (2)")
                    try database.write { try database.run("INSERT INTO t VALUES (3)") }
                    try database.run("INSERT INTO t VALUES (1)")
                }
            }
            #expect(database.isInTransaction)
            try database.run("INSERT INTO t VALUES (4)")
        }
        #expect(!database.isInTransaction)
        #expect(try database.query("SELECT x FROM t ORDER BY x") { $0.int(0) } == [1, 4])
    }

    @Test func anErrorKeepsAndNamesTheExtendedResultCode() throws {
        let folder = TemporaryDirectory()
        let database = try makeDatabase(folder)
        try database.run("INSERT INTO t VALUES (1)")
        do {
            try database.run("INSERT INTO t VALUES (1)")
            Issue.record("a duplicate was stored")
        } catch {
            #expect(error.code == .conflict)
            #expect(error.sqliteCode == 2067)
            #expect(error.message.contains("SQLITE_CONSTRAINT_UNIQUE"))
        }
        do {
            try database.run("INSERT INTO t VALUES (NULL)")
            Issue.record("a NULL was stored")
        } catch {
            #expect(error.code == .conflict)
            #expect(error.message.contains("SQLITE_CONSTRAINT_NOTNULL"))
        }
    }
}
