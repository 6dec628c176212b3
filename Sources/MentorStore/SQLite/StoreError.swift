import CSQLite
import MentorModel

/// An error from the store: what went wrong, for a person, and what to do.
///
/// `sql` carries the statement text (never its arguments, which may hold personal data).
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public enum Code: Sendable, Equatable {
        /// SQLite returned an error; the extended result code is kept.
        case sqlite(Int32)
        /// The database is locked by another writer beyond the busy timeout.
        case busy
        /// A referenced record does not exist.
        case notFound
        /// The request conflicts with what is stored (e.g. a duplicate ref).
        case conflict
        /// The database file cannot be opened or written.
        case io
        /// The file is not a database, or is damaged (truncated, overwritten).
        case damaged
        /// The database was written by a newer mentor-notify.
        case newerSchema
    }

    public var code: Code
    public var message: String
    public var sql: String?
    /// The extended SQLite result code when SQLite refused (e.g. 2067, SQLITE_CONSTRAINT_UNIQUE).
    public var sqliteCode: Int32?

    public init(_ code: Code, _ message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    /// The C name of an SQLite result code, extended ones included.
    static func resultCodeName(_ code: Int32) -> String {
        if let name = resultCodeNames[code] { return name }
        let primary = resultCodeNames[code & 0xff] ?? "SQLITE_\(code & 0xff)"
        return code > 0xff ? "\(primary) (extended \(code))" : primary
    }

    private static let resultCodeNames = primaryCodeNames.merging(extendedCodeNames) { first, _ in first }

    private static let primaryCodeNames: [Int32: String] = [
        SQLITE_ERROR: "SQLITE_ERROR", SQLITE_INTERNAL: "SQLITE_INTERNAL", SQLITE_PERM: "SQLITE_PERM",
        SQLITE_ABORT: "SQLITE_ABORT", SQLITE_BUSY: "SQLITE_BUSY", SQLITE_LOCKED: "SQLITE_LOCKED",
        SQLITE_NOMEM: "SQLITE_NOMEM", SQLITE_READONLY: "SQLITE_READONLY", SQLITE_INTERRUPT: "SQLITE_INTERRUPT",
        SQLITE_IOERR: "SQLITE_IOERR", SQLITE_CORRUPT: "SQLITE_CORRUPT", SQLITE_NOTFOUND: "SQLITE_NOTFOUND",
        SQLITE_FULL: "SQLITE_FULL", SQLITE_CANTOPEN: "SQLITE_CANTOPEN", SQLITE_PROTOCOL: "SQLITE_PROTOCOL",
        SQLITE_SCHEMA: "SQLITE_SCHEMA", SQLITE_TOOBIG: "SQLITE_TOOBIG", SQLITE_CONSTRAINT: "SQLITE_CONSTRAINT",
        SQLITE_MISMATCH: "SQLITE_MISMATCH", SQLITE_MISUSE: "SQLITE_MISUSE", SQLITE_RANGE: "SQLITE_RANGE",
        SQLITE_NOTADB: "SQLITE_NOTADB",
    ]

    /// The extended codes are macros Swift does not import (`SQLITE_CONSTRAINT | (8<<8)`); built the same way.
    private static let extendedCodeNames: [Int32: String] = {
        let suffixes: [(Int32, Int32, String)] = [
            (SQLITE_CONSTRAINT, 1, "CHECK"), (SQLITE_CONSTRAINT, 3, "FOREIGNKEY"), (SQLITE_CONSTRAINT, 5, "NOTNULL"),
            (SQLITE_CONSTRAINT, 6, "PRIMARYKEY"), (SQLITE_CONSTRAINT, 7, "TRIGGER"), (SQLITE_CONSTRAINT, 8, "UNIQUE"),
            (SQLITE_CONSTRAINT, 10, "ROWID"), (SQLITE_BUSY, 1, "RECOVERY"), (SQLITE_BUSY, 2, "SNAPSHOT"),
            (SQLITE_BUSY, 3, "TIMEOUT"), (SQLITE_READONLY, 4, "DBMOVED"), (SQLITE_IOERR, 2, "SHORT_READ"),
            (SQLITE_IOERR, 3, "WRITE"), (SQLITE_IOERR, 4, "FSYNC"), (SQLITE_CORRUPT, 3, "INDEX"),
        ]
        var names: [Int32: String] = [:]
        for (primary, number, suffix) in suffixes {
            names[primary | (number << 8)] = "\(primaryCodeNames[primary] ?? "SQLITE_\(primary)")_\(suffix)"
        }
        return names
    }()

    public var description: String {
        message
    }

    /// True when retrying later may succeed (another process held the write lock).
    public var isTransient: Bool { code == .busy }
}
