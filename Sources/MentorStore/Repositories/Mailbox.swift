public import MentorModel

/// Where polling a mailbox stands, and how it went last.
public struct MailboxState: Sendable, Hashable {
    public var name: String
    public var uidValidity: Int64?
    public var lastUID: Int64 = 0
    public var lastPoll: Int64?
    public var lastOK: Int64?
    /// Set while polls fail: since when, and why.
    public var failingSince: Int64?
    public var reason: String?

    public init(name: String) {
        self.name = name
    }
}

/// Where polling a mailbox stands (`mailbox`), and the messages that could not be read
/// (`mailbox_failure`).
extension Store {
    public func mailboxState(_ name: String) throws -> MailboxState {
        try database.queryOne(
            """
            SELECT uid_validity, last_uid, last_poll, last_ok, failing_since, reason FROM mailbox WHERE name = ?
            """, [name]
        ) { row in
            var state = MailboxState(name: name)
            state.uidValidity = row.optionalInt64(0)
            state.lastUID = row.int64(1)
            state.lastPoll = row.optionalInt64(2)
            state.lastOK = row.optionalInt64(3)
            state.failingSince = row.optionalInt64(4)
            state.reason = row.optionalString(5)
            return state
        } ?? MailboxState(name: name)
    }

    public func saveMailboxState(_ state: MailboxState) throws {
        try database.run(
            """
            INSERT INTO mailbox (name, uid_validity, last_uid, last_poll, last_ok, failing_since, reason)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (name) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid,
                last_poll = excluded.last_poll, last_ok = excluded.last_ok, failing_since = excluded.failing_since,
                reason = excluded.reason
            """,
            [
                state.name, state.uidValidity, state.lastUID, state.lastPoll, state.lastOK, state.failingSince,
                state.reason,
            ])
    }

    /// One more poll in a row that could not fetch or read message `uid`: the count so far.
    public func noteMailboxFailure(_ mailbox: String, uidValidity: Int64, uid: Int64, now: Int64) throws -> Int {
        try database.run(
            """
            INSERT INTO mailbox_failure (mailbox, uid_validity, uid, attempts, last_at) VALUES (?, ?, ?, 1, ?)
            ON CONFLICT (mailbox, uid_validity, uid) DO UPDATE SET attempts = attempts + 1, last_at = excluded.last_at
            """, [mailbox, uidValidity, uid, now])
        return try database.scalarInt(
            "SELECT attempts FROM mailbox_failure WHERE mailbox = ? AND uid_validity = ? AND uid = ?",
            [mailbox, uidValidity, uid]) ?? 1
    }

    /// The message is dealt with (read at last, or moved away): its count goes.
    public func clearMailboxFailure(_ mailbox: String, uidValidity: Int64, uid: Int64) throws {
        try database.run(
            "DELETE FROM mailbox_failure WHERE mailbox = ? AND uid_validity = ? AND uid = ?",
            [mailbox, uidValidity, uid])
    }

    /// Even the move to the unreadable folder failed: the poll passes over this UID from now on.
    public func passOver(_ mailbox: String, uidValidity: Int64, uid: Int64) throws {
        try database.run(
            "UPDATE mailbox_failure SET passed_over = 1 WHERE mailbox = ? AND uid_validity = ? AND uid = ?",
            [mailbox, uidValidity, uid])
    }

    /// The messages of this generation of the folder that failed before: UID → passed over. The
    /// counts of older generations go.
    public func mailboxFailures(_ mailbox: String, uidValidity: Int64) throws -> [Int64: Bool] {
        _ = try write {
            try database.run(
                "DELETE FROM mailbox_failure WHERE mailbox = ? AND uid_validity != ?", [mailbox, uidValidity])
        }
        var result: [Int64: Bool] = [:]
        try database.forEach(
            "SELECT uid, passed_over FROM mailbox_failure WHERE mailbox = ? AND uid_validity = ?",
            [mailbox, uidValidity]
        ) { result[$0.int64(0)] = $0.bool(1) }
        return result
    }
}
