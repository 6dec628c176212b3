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
        /// Input was refused before it reached the database.
        case invalidInput
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

    public init(_ code: Code, _ message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    public var description: String {
        message
    }

    /// True when retrying later may succeed (another process held the write lock).
    public var isTransient: Bool { code == .busy }
}
