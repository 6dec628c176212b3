/// A number that every write the planner could see moves on: a cycle that finds it, the config and
/// the clock where the last plan left them knows the plan is the same, and does not read and plan
/// every forløb again (an idle tick costs a constant).
///
/// Kept by triggers on every table, so that every path that writes (a command in another process,
/// the reply core, delivery) is covered. Tables that only the cycle's own bookkeeping or the
/// mailbox poller's position write, which planning never reads, are left out: otherwise every cycle
/// would move it.
public enum ChangeMark {
    /// Tables without the triggers: planning reads none of them. The desk's sign-in links and
    /// sessions are written on every page a leader opens; they must not make the next cycle plan.
    public static let untracked: Set<String> = [
        "meta", "audit", "schema_migrations", "change_mark", "mailbox", "mailbox_failure", "desk_link",
        "desk_session",
    ]

    static let table = """
        CREATE TABLE change_mark (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
        INSERT INTO change_mark (id, n) VALUES (1, 0);
        """

    /// The tables a change mark must see: every table but `untracked` and SQLite's own.
    static func trackedTables(_ database: Database) throws -> [String] {
        try database.query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        ) { $0.string(0) }.filter { !untracked.contains($0) }
    }

    static func triggerNames(_ table: String) -> [(name: String, event: String)] {
        ["insert", "update", "delete"].map { ("change_mark_\(table)_\($0)", $0.uppercased()) }
    }

    /// Puts the triggers on every tracked table (018-change-mark; a later table needs its own).
    @Sendable static func installTriggers(_ database: Database) throws {
        for table in try trackedTables(database) {
            for (name, event) in triggerNames(table) {
                try database.execute(
                    """
                    CREATE TRIGGER IF NOT EXISTS "\(name)" AFTER \(event) ON "\(table)"
                    BEGIN UPDATE change_mark SET n = n + 1; END;
                    """)
            }
        }
    }

    /// The tracked tables that lack a trigger: a table added without them would change unseen.
    public static func uncovered(_ database: Database) throws -> [String] {
        let triggers = Set(
            try database.query("SELECT name FROM sqlite_master WHERE type = 'trigger'") { $0.string(0) })
        return try trackedTables(database).filter { table in
            triggerNames(table).contains { !triggers.contains($0.name) }
        }
    }
}

extension Store {
    /// The change mark (`ChangeMark`), or nil when it cannot be trusted: a table lacks its triggers.
    public func changeMark() throws -> Int64? {
        guard try ChangeMark.uncovered(database).isEmpty else { return nil }
        return try database.scalarInt("SELECT n FROM change_mark WHERE id = 1").map { Int64($0) }
    }
}
