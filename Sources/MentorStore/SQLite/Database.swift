import CSQLite
import Foundation
import MentorModel

/// One connection to the mentor-notify database.
///
/// Not Sendable (see the unavailable conformance below): a connection stays with the one owner
/// (a command, or the daemon's cycle) that opened it. Every connection gets WAL, `synchronous=FULL`, `foreign_keys=ON`, a busy timeout
/// and `secure_delete`, so the daemon and an admin command can write at the same moment.
public final class Database {
    let handle: OpaquePointer
    public let path: String
    private var statements: [String: Statement] = [:]

    /// How long a writer waits for another writer before giving up with `.busy`.
    public static let defaultBusyTimeoutMilliseconds: Int32 = 15_000

    public init(path: String, busyTimeoutMilliseconds: Int32 = Database.defaultBusyTimeoutMilliseconds)
        throws(StoreError)
    {
        var connection: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &connection, flags, nil)
        guard code == SQLITE_OK, let connection else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            // A failed open still allocates a handle that must be closed.
            sqlite3_close_v2(connection)
            throw StoreError(.io, "cannot open database \(path): \(message); \(Database.openAdvice(path))")
        }
        self.handle = connection
        self.path = path
        sqlite3_extended_result_codes(connection, 1)
        sqlite3_busy_timeout(connection, busyTimeoutMilliseconds)
        try execute("PRAGMA foreign_keys = ON")
        try execute("PRAGMA secure_delete = ON")
        let mode = try scalarString("PRAGMA journal_mode = WAL")
        if mode?.lowercased() != "wal" && path != ":memory:" {
            throw StoreError(.io, "database \(path) cannot use WAL journaling (got \(mode ?? "nothing"))")
        }
        try execute("PRAGMA synchronous = FULL")
        Database.restrictModes(path)
    }

    /// A database file made readable by others before (an older version, a copy) is narrowed to
    /// owner and group on open; SQLite gives its -wal and -shm the database file's mode.
    static func restrictModes(_ path: String) {
        guard path != ":memory:" else { return }
        for file in [path, path + "-wal", path + "-shm"] {
            var info = stat()
            guard lstat(file, &info) == 0, info.st_uid == geteuid(), info.st_mode & 0o137 != 0,
                (info.st_mode & S_IFMT) == S_IFREG
            else { continue }
            chmod(file, info.st_mode & 0o640)
        }
    }

    /// What to check when the file cannot be opened or written, by looking at it.
    static func openAdvice(_ path: String) -> String {
        let folder = (path as NSString).deletingLastPathComponent
        let directory = folder.isEmpty ? "." : folder
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            return "the folder \(directory) does not exist; create it or choose another --db"
        }
        let user = "user \(geteuid())"
        if access(directory, W_OK) != 0 {
            return "the folder \(directory) is not writable for \(user) (SQLite writes -wal and -shm files beside the "
                + "database); run as the service user (sudo -u mentor-notify ...) or fix the folder's owner"
        }
        if FileManager.default.fileExists(atPath: path), access(path, R_OK | W_OK) != 0 {
            return "the file is not readable and writable for \(user); run as the service user "
                + "(sudo -u mentor-notify ...) or fix the file's owner"
        }
        return "check that the folder exists and is writable"
    }

    deinit {
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Whether a transaction is open, as SQLite knows it: a `BEGIN` run by hand, or a transaction
    /// SQLite rolled back on its own after an error, is seen as it is (as GRDB's `isInsideTransaction`).
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    func error(_ code: Int32, sql: String?) -> StoreError {
        var error = classify(code, sql: sql)
        error.sqliteCode = code
        return error
    }

    private func classify(_ code: Int32, sql: String?) -> StoreError {
        // The extended code (e.g. SQLITE_CONSTRAINT_UNIQUE) is named; the primary code decides the kind.
        let message = "\(String(cString: sqlite3_errmsg(handle))) [\(StoreError.resultCodeName(code))]"
        let primary = code & 0xff
        if primary == SQLITE_BUSY || primary == SQLITE_LOCKED {
            return StoreError(
                .busy, "the database is busy with another writer; try again in a moment", sql: sql)
        }
        if primary == SQLITE_CONSTRAINT {
            return StoreError(.conflict, "constraint failed: \(message)", sql: sql)
        }
        if primary == SQLITE_NOTADB {
            return StoreError(
                .damaged,
                "\(path) is not a mentor-notify database (SQLite says: \(message)); check --db or the config's "
                    + "database, or restore the file from a backup", sql: sql)
        }
        if primary == SQLITE_CORRUPT {
            return StoreError(
                .damaged,
                "the database \(path) is damaged (truncated or overwritten: \(message)); stop the daemon and "
                    + "restore it from a backup", sql: sql)
        }
        if primary == SQLITE_READONLY || primary == SQLITE_CANTOPEN {
            return StoreError(
                .io, "the database \(path) cannot be written (\(message)); \(Database.openAdvice(path))", sql: sql)
        }
        if primary == SQLITE_FULL {
            return StoreError(.io, "the disk holding \(path) is full; free some space", sql: sql)
        }
        if primary == SQLITE_IOERR {
            return StoreError(.io, "database I/O error on \(path): \(message)", sql: sql)
        }
        return StoreError(.sqlite(code), "SQLite error \(code): \(message)", sql: sql)
    }

    /// Runs SQL text that may hold several statements and no arguments.
    public func execute(_ sql: String) throws(StoreError) {
        let code = sqlite3_exec(handle, sql, nil, nil, nil)
        guard code == SQLITE_OK else { throw error(code, sql: sql) }
    }

    private func statement(_ sql: String) throws(StoreError) -> Statement {
        if let cached = statements[sql] { return cached }
        let statement = try Statement(database: self, sql: sql)
        statements[sql] = statement
        return statement
    }

    /// Runs one statement with arguments, returning the number of changed rows.
    @discardableResult
    public func run(_ sql: String, _ arguments: [any SQLArgument] = []) throws(StoreError) -> Int {
        let statement = try statement(sql)
        try statement.bind(arguments)
        defer { statement.reset() }
        while try statement.step() {}
        return Int(sqlite3_changes(handle))
    }

    /// Runs a query and maps each row.
    public func query<T>(
        _ sql: String, _ arguments: [any SQLArgument] = [], _ map: (Row) throws(StoreError) -> T
    ) throws(StoreError) -> [T] {
        let statement = try statement(sql)
        try statement.bind(arguments)
        defer { statement.reset() }
        var result: [T] = []
        while try statement.step() {
            result.append(try map(Row(statement: statement)))
        }
        return result
    }

    /// Calls `body` for each row without collecting them.
    public func forEach(
        _ sql: String, _ arguments: [any SQLArgument] = [], _ body: (Row) throws(StoreError) -> Void
    ) throws(StoreError) {
        let statement = try statement(sql)
        try statement.bind(arguments)
        defer { statement.reset() }
        while try statement.step() {
            try body(Row(statement: statement))
        }
    }

    /// Runs `sql`, whose `IN (?*)` is replaced by one mark per value, in chunks of 500 values
    /// (SQLite caps the number of marks in a statement).
    public func forEach(
        _ sql: String, in values: [any SQLArgument], _ body: (Row) throws(StoreError) -> Void
    ) throws(StoreError) {
        try inChunks(sql, values) { sql, chunk throws(StoreError) in try forEach(sql, chunk, body) }
    }

    /// Runs `sql` with `arguments`, then the values of its `IN (?*)` (as `forEach(_:in:_:)`): one
    /// execution changes many rows, where a statement per row costs its set-up each time (for the
    /// outbox, a CHECK's value list built anew). Returns the number of changed rows.
    @discardableResult
    public func run(_ sql: String, _ arguments: [any SQLArgument], in values: [any SQLArgument]) throws(StoreError)
        -> Int
    {
        var changed = 0
        try inChunks(sql, values) { sql, chunk throws(StoreError) in changed += try run(sql, arguments + chunk) }
        return changed
    }

    private func inChunks(
        _ sql: String, _ values: [any SQLArgument], _ body: (String, [any SQLArgument]) throws(StoreError) -> Void
    ) throws(StoreError) {
        var start = 0
        while start < values.count {
            let chunk = Array(values[start..<min(start + 500, values.count)])
            let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
            try body(sql.replacingOccurrences(of: "(?*)", with: "(\(marks))"), chunk)
            start += chunk.count
        }
    }

    public func queryOne<T>(
        _ sql: String, _ arguments: [any SQLArgument] = [], _ map: (Row) throws(StoreError) -> T
    ) throws(StoreError) -> T? {
        try query(sql, arguments, map).first
    }

    public func scalarInt(_ sql: String, _ arguments: [any SQLArgument] = []) throws(StoreError) -> Int? {
        try queryOne(sql, arguments) { row in row.optionalInt(0) } ?? nil
    }

    public func scalarString(_ sql: String, _ arguments: [any SQLArgument] = []) throws(StoreError) -> String? {
        try queryOne(sql, arguments) { row in row.optionalString(0) } ?? nil
    }

    public var lastInsertID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction: committed on return, rolled back on throw.
    ///
    /// IMMEDIATE takes the write lock up front, so a concurrent writer waits in the busy handler
    /// instead of failing later with "database is locked" on upgrade from a read. Inside another
    /// transaction it is a savepoint: a nested failure undoes its own part, and the caller decides
    /// what becomes of the rest (as GRDB's `inSavepoint`). Savepoints of one name nest: RELEASE and
    /// ROLLBACK TO act on the innermost.
    public func write<T>(_ body: () throws -> T) throws -> T {
        if isInTransaction {
            try execute("SAVEPOINT mentor_notify")
            do {
                let result = try body()
                try execute("RELEASE mentor_notify")
                return result
            } catch {
                // An error SQLite answered with a rollback of its own has already closed everything.
                if isInTransaction {
                    try? execute("ROLLBACK TO mentor_notify")
                    try? execute("RELEASE mentor_notify")
                }
                throw error
            }
        }
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            if isInTransaction { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// Runs `body` in a read transaction, so that every query sees the same snapshot.
    public func read<T>(_ body: () throws -> T) throws -> T {
        if isInTransaction {
            return try body()
        }
        try execute("BEGIN DEFERRED")
        defer {
            if isInTransaction { try? execute("COMMIT") }
        }
        return try body()
    }
}

/// A connection is used by one owner at a time, so it must not cross to another thread or task
/// (as GRDB's non-Sendable types): the compiler now refuses what the comment used to ask.
@available(*, unavailable)
extension Database: Sendable {}
