import MentorModel

/// Applies the schema's migrations in order, each once, each in its own IMMEDIATE transaction.
public struct Migrator: Sendable {
    public struct Migration: Sendable {
        public let id: String
        public let sql: String
        /// What SQL cannot do (a SHA-256), run after `sql` in the same transaction.
        public var rewrite: (@Sendable (Database) throws -> Void)? = nil
    }

    public let migrations: [Migration]

    public init(_ migrations: [Migration]) {
        self.migrations = migrations
    }

    public func appliedIDs(_ database: Database) throws -> [String] {
        try database.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        return try database.query("SELECT id FROM schema_migrations ORDER BY rowid") { $0.string(0) }
    }

    /// Applies the migrations not yet applied, up to and including `upTo` when given.
    /// Returns the ids applied now.
    @discardableResult
    public func migrate(_ database: Database, upTo: String? = nil) throws -> [String] {
        let done = Set(try appliedIDs(database))
        let known = Set(migrations.map(\.id))
        if let unknown = done.subtracting(known).sorted().first {
            throw StoreError(
                .newerSchema,
                "the database \(database.path) was written by a newer mentor-notify (it has migration \(unknown)); "
                    + "install that version again, or restore a backup made before the upgrade")
        }
        var applied: [String] = []
        for migration in migrations {
            // Only a migration that looks missing takes the write lock, and is checked again under it:
            // another process may be migrating at the same moment.
            if !done.contains(migration.id) {
                let didApply: Bool = try database.write {
                    let count =
                        try database.scalarInt("SELECT count(*) FROM schema_migrations WHERE id = ?", [migration.id])
                        ?? 0
                    guard count == 0 else { return false }
                    try database.execute(migration.sql)
                    try migration.rewrite?(database)
                    try database.run(
                        "INSERT INTO schema_migrations (id, applied_at) VALUES (?, datetime('now'))", [migration.id])
                    return true
                }
                if didApply { applied.append(migration.id) }
            }
            if migration.id == upTo { break }
        }
        return applied
    }
}
