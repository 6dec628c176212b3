import CSQLite
import Foundation
import MentorModel

/// SQLite's online backup API: a consistent copy of a database that the daemon goes on writing.
///
/// The copy is read in one read transaction on the source (WAL: a reader never blocks the writer),
/// so it is one snapshot however many steps it takes, and never restarts because the daemon
/// committed meanwhile. It is written to a new file of its own, checked (`PRAGMA integrity_check`)
/// and left in rollback-journal mode, so that it is one self-contained file with no -wal beside it.
public enum OnlineBackup {
    /// Pages copied per step: 4 MiB with SQLite's default page size.
    public static let pagesPerStep: Int32 = 1024

    /// Copies `source` into `destination`, which must not exist yet: it is created with mode 0640,
    /// never through a link. `amend` runs on the finished copy before it is checked and made
    /// durable (the delivery's sent marks that SQLite does not hold yet go in there). On any
    /// failure the destination is removed.
    public static func copy(
        from source: String, to destination: String, pagesPerStep: Int32 = OnlineBackup.pagesPerStep,
        amend: ((String) throws -> Void)? = nil
    ) throws {
        try create(destination)
        do {
            try copyPages(from: source, to: destination, pagesPerStep: pagesPerStep)
            try amend?(destination)
            try seal(destination)
        } catch {
            remove(destination)
            throw error
        }
    }

    /// The migration ids a copy has, in the order they were applied.
    public static func migrations(of path: String) throws(StoreError) -> [String] {
        let connection = try RawConnection(path, flags: SQLITE_OPEN_READONLY)
        let tables = try connection.strings("SELECT name FROM sqlite_master WHERE name = 'schema_migrations'")
        guard !tables.isEmpty else { return [] }
        return try connection.strings("SELECT id FROM schema_migrations ORDER BY rowid")
    }

    /// Whether the copy at `path` holds a row for which `sql` (one `?`: `argument`) counts more than
    /// zero; nil when the copy cannot be read.
    public static func holds(_ path: String, _ sql: String, _ argument: Int64) -> Bool? {
        guard let connection = try? RawConnection(path, flags: SQLITE_OPEN_READONLY),
            let count = try? connection.strings(sql, argument).first.flatMap({ Int($0) })
        else { return nil }
        return count > 0
    }

    /// Removes a copy and whatever SQLite may have left beside it.
    public static func remove(_ path: String) {
        for file in [path, path + "-journal", path + "-wal", path + "-shm"] { unlink(file) }
    }

    private static func create(_ path: String) throws(StoreError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw StoreError(.io, "cannot create \(path): \(reason); \(Database.openAdvice(path))")
        }
        // The umask may have taken more than 0640 leaves; owner and group keep what they need.
        fchmod(descriptor, 0o640)
        close(descriptor)
    }

    private static func copyPages(from source: String, to destination: String, pagesPerStep: Int32)
        throws(StoreError)
    {
        let reader = try RawConnection(source, flags: SQLITE_OPEN_READONLY)
        // One snapshot for every step: opened here, held until the last page is copied.
        try reader.execute("BEGIN")
        _ = try reader.strings("SELECT count(*) FROM sqlite_master")
        let writer = try RawConnection(destination, flags: SQLITE_OPEN_READWRITE)
        guard let backup = sqlite3_backup_init(writer.handle, "main", reader.handle, "main") else {
            throw writer.error(sqlite3_errcode(writer.handle), doing: "start the copy")
        }
        var waits = 0
        var code = SQLITE_OK
        repeat {
            code = sqlite3_backup_step(backup, pagesPerStep)
            let primary = code & 0xff
            if primary == SQLITE_BUSY || primary == SQLITE_LOCKED {
                // Another connection holds a lock we need for a moment: wait briefly, up to 30 s.
                waits += 1
                if waits > 1500 { break }
                usleep(20_000)
                code = SQLITE_OK
            } else if code == SQLITE_OK {
                // Between steps the disk is free for the daemon's own reads and writes.
                usleep(1_000)
            }
        } while code == SQLITE_OK
        let finished = sqlite3_backup_finish(backup)
        try? reader.execute("COMMIT")
        guard code == SQLITE_DONE, finished == SQLITE_OK else {
            let failed = code == SQLITE_DONE ? finished : code
            if failed & 0xff == SQLITE_BUSY || failed & 0xff == SQLITE_LOCKED {
                throw StoreError(.busy, "the database \(source) stayed locked for 30 s; run backup again in a moment")
            }
            throw reader.error(failed, doing: "copy \(source)")
        }
    }

    /// Rollback-journal mode (the copy's header said WAL, as its source's), the integrity check,
    /// and the bytes on the disk.
    private static func seal(_ path: String) throws(StoreError) {
        do {
            let connection = try RawConnection(path, flags: SQLITE_OPEN_READWRITE)
            _ = try connection.strings("PRAGMA journal_mode = DELETE")
            let problems = try connection.strings("PRAGMA integrity_check(20)")
            guard problems == ["ok"] else {
                throw StoreError(
                    .damaged,
                    "the copy fails SQLite's integrity check (\(problems.prefix(3).joined(separator: "; "))); "
                        + "the database it was made from is damaged: use an earlier backup")
            }
        }
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0, fsync(descriptor) == 0 else {
            if descriptor >= 0 { close(descriptor) }
            throw StoreError(.io, "cannot write \(path) to the disk: \(String(cString: strerror(errno)))")
        }
        close(descriptor)
    }
}

/// A bare connection for the copy: no WAL switch, no migrations, no mode changes; read-only where
/// it only reads, so that neither the live database nor a backup is ever written by a check.
private final class RawConnection {
    let handle: OpaquePointer
    let path: String

    init(_ path: String, flags: Int32) throws(StoreError) {
        var connection: OpaquePointer?
        let code = sqlite3_open_v2(path, &connection, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard code == SQLITE_OK, let connection else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(connection)
            throw StoreError(.io, "cannot open \(path): \(message); \(Database.openAdvice(path))")
        }
        handle = connection
        self.path = path
        sqlite3_extended_result_codes(connection, 1)
        sqlite3_busy_timeout(connection, 5_000)
    }

    deinit { sqlite3_close_v2(handle) }

    func execute(_ sql: String) throws(StoreError) {
        let code = sqlite3_exec(handle, sql, nil, nil, nil)
        guard code == SQLITE_OK else { throw error(code, doing: "read") }
    }

    /// The first column of every row, as text.
    func strings(_ sql: String, _ argument: Int64? = nil) throws(StoreError) -> [String] {
        var statement: OpaquePointer?
        var code = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else { throw error(code, doing: "read") }
        defer { sqlite3_finalize(statement) }
        if let argument { sqlite3_bind_int64(statement, 1, argument) }
        var rows: [String] = []
        while true {
            code = sqlite3_step(statement)
            guard code == SQLITE_ROW else { break }
            rows.append(sqlite3_column_text(statement, 0).map { String(cString: $0) } ?? "")
        }
        guard code == SQLITE_DONE else { throw error(code, doing: "read") }
        return rows
    }

    func error(_ code: Int32, doing what: String) -> StoreError {
        let message = "\(String(cString: sqlite3_errmsg(handle))) [\(StoreError.resultCodeName(code))]"
        switch code & 0xff {
        case SQLITE_NOTADB:
            return StoreError(.damaged, "\(path) is not a mentor-notify database (SQLite says: \(message))")
        case SQLITE_CORRUPT:
            return StoreError(.damaged, "\(path) is damaged (\(message)); use another backup")
        case SQLITE_BUSY, SQLITE_LOCKED:
            return StoreError(.busy, "\(path) is locked by another writer; try again in a moment")
        case SQLITE_FULL:
            return StoreError(.io, "the disk holding \(path) is full; free some space")
        case SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_READONLY:
            return StoreError(.io, "cannot \(what) \(path): \(message); \(Database.openAdvice(path))")
        default:
            return StoreError(.sqlite(code), "cannot \(what) \(path): \(message)")
        }
    }
}
