/// Who changed what and when (SPEC.md `audit`): one row per command or desk action that changed
/// data. Only ids are kept, never a value (a name, an address, a text, a date), so `forget` has
/// nothing to erase here and the row stays.
extension Store {
    public struct AuditEntry: Sendable, Hashable {
        public var id: Int64
        /// Seconds since the epoch.
        public var at: Int64
        /// The Unix user (`SUDO_USER` behind sudo), or `desk:NAME` for the leader's desk.
        public var actor: String
        /// The command as typed without its arguments: `person edit`, `match`.
        public var command: String
        /// The ids it touched and created, in the order given.
        public var ids: [Int64]
        /// What the ids are or where they belong, when the command's name does not say it: an
        /// import's kind (`people`), a program id, an evening's date-time. Names the program gives,
        /// never a person's value.
        public var keys: [String]

        public init(id: Int64, at: Int64, actor: String, command: String, ids: [Int64], keys: [String] = []) {
            self.id = id
            self.at = at
            self.actor = actor
            self.command = command
            self.ids = ids
            self.keys = keys
        }
    }

    /// Records one change. Keys and ids are stored as one comma-separated list, keys first; a key
    /// is never a number (that is what tells them apart) and never holds a comma: such a key is
    /// left out rather than read back wrong.
    @discardableResult
    public func recordAudit(actor: String, command: String, ids: [Int64], keys: [String] = [], at: Int64) throws
        -> Int64
    {
        let kept = keys.filter { !$0.isEmpty && !$0.contains(",") && Int64($0) == nil }
        try database.run(
            "INSERT INTO audit (at, actor, command, ids) VALUES (?, ?, ?, ?)",
            [at, actor, command, (kept + ids.map(String.init)).joined(separator: ",")])
        return database.lastInsertID
    }

    /// The changes at or after `since` (seconds since the epoch), oldest first.
    public func audit(since: Int64) throws -> [AuditEntry] {
        try database.query(
            "SELECT id, at, actor, command, ids FROM audit WHERE at >= ? ORDER BY at, id", [since]
        ) { row throws(StoreError) in
            let items = row.string(4).split(separator: ",")
            return AuditEntry(
                id: row.int64(0), at: row.int64(1), actor: row.string(2), command: row.string(3),
                ids: items.compactMap { Int64($0) }, keys: items.filter { Int64($0) == nil }.map(String.init))
        }
    }
}
