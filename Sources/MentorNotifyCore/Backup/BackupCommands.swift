import Foundation
import MentorModel
import MentorStore
import Notifier
import Transport

/// `backup [--to DIR] [--at T]` and `restore FILE` (SPEC.md "Backups: nothing lost when the disk dies").
enum BackupCommands {
    /// A consistent copy of the live database (the daemon may be delivering), checked, named for
    /// the moment it was taken and put in place under that name only once it is whole and on disk.
    static func backup(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "backup", options: ["to", "at"])
        try args.noPositionals()
        let now = try CycleCommands.now(args, context.config)
        let settings = context.config.backup ?? BackupSettings()
        let folder = args.value("to") ?? settings.dir
        let database = context.databasePath
        guard FileManager.default.fileExists(atPath: database) else {
            throw CLIError(.noInput, "backup: no database at \(database); check --db or the config's database")
        }
        try makeFolder(folder)
        let name = BackupFolder.name(at: now)
        let target = (folder as NSString).appendingPathComponent(name)
        let temporary = (folder as NSString).appendingPathComponent(".\(name).\(RandomName.make()).tmp")
        // Held from before the snapshot until the journals are read into the copy (see SentMarks).
        let hold = SentMarks.holdForBackup(databasePath: database)
        var marks = 0
        try withExtendedLifetime(hold) {
            try OnlineBackup.copy(from: database, to: temporary) { copy in
                marks = try journalMarks(of: database, into: copy, logger: context.logger)
            }
        }
        try place(temporary, at: target)
        let removed = BackupFolder(path: folder).prune(keep: settings.keep, sparing: name)
        context.logger.info(
            "backup", ["file": target, "journal_marks": String(marks), "removed": String(removed.count)])
        for old in removed { context.output.error("backup: removed \(old) (keep \(settings.keep))") }
        context.output.line(target)
    }

    /// The sent marks that the journals hold and SQLite did not when the copy was taken. A copy of
    /// a database this version has not migrated yet (an upgrade not finished) keeps its outbox as
    /// it was, said in the log: the journals are then replayed on restore, if they still exist.
    private static func journalMarks(of database: String, into copy: String, logger: Logger) throws -> Int {
        let store: Store
        do {
            store = try Store(path: copy, migrate: false)
        } catch let error as StoreError where error.code == .conflict {
            logger.warning("backup-journal-skipped", ["reason": "the database is not migrated to this version"])
            return 0
        }
        return try SentMarks.copy(journalsOf: database, into: store)
    }

    /// `restore FILE`: with the daemon stopped, the copy is checked, migrated and given the sent
    /// marks of the journals beside the database, all under a temporary name; then the current
    /// database is kept as `DB.before-restore` and the copy takes its place. A failure before that
    /// leaves the database as it was.
    static func restore(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "restore", options: [])
        guard args.positionals.count == 1 else {
            throw CLIError(.usage, "restore: give the backup file to restore; see `mentor-notify restore --help`")
        }
        let file = args.positionals[0]
        guard FileManager.default.fileExists(atPath: file) else {
            throw CLIError(
                .noInput,
                "restore: \(file) does not exist; give a copy `backup` made (they are in "
                    + "\((context.config.backup ?? BackupSettings()).dir) unless --to said otherwise)")
        }
        let database = context.databasePath
        let folder = (database as NSString).deletingLastPathComponent
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.isEmpty ? "." : folder, isDirectory: &isDirectory),
            isDirectory.boolValue
        else {
            throw CLIError(
                .ioError,
                "restore: the folder \(folder) does not exist; create it (mode 0750, owned by the service user) "
                    + "or give another --db")
        }
        let running = try RunLock.restoring(database)
        let aside = database + ".before-restore"
        if FileManager.default.fileExists(atPath: aside) {
            throw CLIError(
                .ioError,
                "restore: \(aside) is there from an earlier restore (the database as it was before it); "
                    + "move it somewhere safe and run restore again")
        }
        let temporary = database + ".restore-\(RandomName.make()).tmp"
        let (migrated, replayed): (Int, Int)
        do {
            try OnlineBackup.copy(from: file, to: temporary)
            (migrated, replayed) = try prepare(temporary, file: file, database: database)
            guard !walHoldsChanges(temporary) else {
                throw CLIError(.software, "restore: the prepared copy's WAL was not checkpointed; run restore again")
            }
        } catch {
            OnlineBackup.remove(temporary)
            throw error
        }
        try withExtendedLifetime(running) {
            if FileManager.default.fileExists(atPath: database) { try setAside(database, as: aside) }
            guard rename(temporary, database) == 0 else {
                let reason = String(cString: strerror(errno))
                OnlineBackup.remove(temporary)
                throw CLIError(.ioError, "restore: cannot put the copy at \(database): \(reason)")
            }
            syncFolder(of: database)
            // The journals' marks are in; the files go as a delivery would remove them.
            try SentMarks.replay(journalsOf: database, into: try Store(path: database))
        }
        context.logger.info(
            "restored",
            ["file": file, "db": database, "migrations": String(migrated), "journal_marks": String(replayed)])
        context.output.line(
            "restored \(file) to \(database) (\(migrated) migrations applied, \(replayed) sent marks from the journal); "
                + (FileManager.default.fileExists(atPath: aside)
                    ? "the database before it is \(aside)" : "there was no database before"))
    }

    /// The checked copy made ready under its temporary name: its schema no newer than ours (a file
    /// without our schema is not ours), migrated, and given the marks of the journals beside the
    /// database, so that nothing delivers from it before they are in; then the leases it carries
    /// end. Its connection is closed on return (the WAL checkpointed into the file), so the file
    /// alone is the whole database. Returns the migrations applied and the marks.
    private static func prepare(_ copy: String, file: String, database: String) throws -> (Int, Int) {
        let applied = try OnlineBackup.migrations(of: copy)
        guard !applied.isEmpty else {
            throw StoreError(.damaged, "restore: \(file) is not a mentor-notify database (it has no schema)")
        }
        let known = Set(Schema.migrator.migrations.map(\.id))
        if let unknown = applied.first(where: { !known.contains($0) }) {
            throw StoreError(
                .newerSchema,
                "restore: \(file) was made by a newer mentor-notify (it has migration \(unknown)); install that "
                    + "version to restore it, or choose a copy made before the upgrade")
        }
        let store = try Store(path: copy)
        let marks = try SentMarks.copy(journalsOf: database, into: store)
        try store.endCopiedLeases(now: Int64(Date().timeIntervalSince1970))
        return (Schema.migrator.migrations.count - applied.count, marks)
    }

    /// The current database, whole, under `aside`: its WAL checkpointed into it and then removed,
    /// so that no -wal of the old file is ever read as the new one's.
    private static func setAside(_ database: String, as aside: String) throws {
        do {
            let connection = try Database(path: database)
            let result = try connection.query("PRAGMA wal_checkpoint(TRUNCATE)") { ($0.int(0), $0.int(1)) }
            guard let first = result.first, first.0 == 0, first.1 <= 0 else {
                throw CLIError(
                    .tempFail,
                    "restore: another process has \(database) open (its WAL cannot be emptied); stop it and run restore again"
                )
            }
        }
        if walHoldsChanges(database) {
            throw CLIError(
                .tempFail,
                "restore: \(database)-wal still holds changes; stop what writes the database and run restore again")
        }
        // The hard link keeps the current file whole under `aside` while the copy replaces it; a
        // file system without links gets a rename, and for a moment no file at the database's path.
        if link(database, aside) != 0 {
            guard rename(database, aside) == 0 else {
                throw CLIError(
                    .ioError, "restore: cannot keep \(database) as \(aside): \(String(cString: strerror(errno)))")
            }
        }
        unlink(database + "-wal")
        unlink(database + "-shm")
    }

    private static func walHoldsChanges(_ database: String) -> Bool {
        var info = stat()
        return stat(database + "-wal", &info) == 0 && info.st_size > 0
    }

    /// `DIR` made when missing (0750, as every folder we make); refused when it is not a folder.
    private static func makeFolder(_ folder: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw CLIError(.ioError, "backup: \(folder) is not a folder; give --to a folder or fix backup.dir")
            }
            return
        }
        guard mkdir(folder, 0o750) == 0 || errno == EEXIST else {
            throw CLIError(
                .ioError,
                "backup: cannot create the folder \(folder): \(String(cString: strerror(errno))); create it "
                    + "(owned by the service user, mode 0750) or give --to")
        }
    }

    /// The whole copy under its name, never over another copy: a hard link fails on an existing
    /// name where a rename would replace it.
    private static func place(_ temporary: String, at target: String) throws {
        defer { OnlineBackup.remove(temporary) }
        if link(temporary, target) != 0 {
            let reason = errno
            if reason == EEXIST {
                throw CLIError(
                    .ioError, "backup: \(target) exists already (a copy of the same second); run backup again")
            }
            guard !FileManager.default.fileExists(atPath: target), rename(temporary, target) == 0 else {
                throw CLIError(.ioError, "backup: cannot name the copy \(target): \(String(cString: strerror(reason)))")
            }
        }
        syncFolder(of: target)
    }

    /// The folder's entry for a new name reaches the disk too.
    private static func syncFolder(of path: String) {
        let folder = (path as NSString).deletingLastPathComponent
        let descriptor = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}
