import Foundation
public import MentorStore

/// The sent journals as `backup` and `restore` meet them (SPEC.md "Backups": what was sent before
/// the copy was taken is not sent again).
///
/// A message handed to a transport is in its journal at once and in SQLite only when its batch is
/// committed, so a copy of SQLite alone may hold it as still `sending`, and a restore would send it
/// again. `backup` therefore holds the backup lock from before its snapshot until it has read the
/// journals into the copy; a pass that ends meanwhile keeps its journal's lines rather than emptying
/// it. A message sent before the snapshot is then either in the snapshot or in a journal read after it.
public enum SentMarks {
    static func lockPath(_ databasePath: String) -> String { databasePath + "-backup.lock" }

    /// The backup lock, held exclusively while it lives.
    public final class BackupHold {
        private let descriptor: Int32

        fileprivate init(descriptor: Int32) { self.descriptor = descriptor }

        deinit {
            flock(descriptor, LOCK_UN)
            close(descriptor)
        }
    }

    /// Takes the backup lock beside the database, waiting for another backup; nil when the file
    /// cannot be made (a folder the user cannot write: then SQLite cannot read a live WAL database either).
    public static func holdForBackup(databasePath: String) -> BackupHold? {
        // Read-only is enough for flock.
        let descriptor = open(lockPath(databasePath), O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else { return nil }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                close(descriptor)
                return nil
            }
        }
        return BackupHold(descriptor: descriptor)
    }

    /// Whether a backup of the database is copying now.
    static func backupRunning(databasePath: String) -> Bool {
        let descriptor = open(lockPath(databasePath), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_SH | LOCK_NB) == 0 else { return true }
        flock(descriptor, LOCK_UN)
        return false
    }

    /// Marks sent, in `copy`, every message the journals beside `databasePath` record (those of
    /// running processes too, read without taking them), each only while the copy has it unsent.
    @discardableResult
    public static func copy(journalsOf databasePath: String, into copy: Store) throws -> Int {
        try SentJournal.apply(SentJournal.paths(databasePath).flatMap(SentJournal.entries), to: copy)
    }

    /// What a delivery does first, for a restored database: the journals that processes which died
    /// left beside it are replayed into it and removed. Returns the marks applied.
    @discardableResult
    public static func replay(journalsOf databasePath: String, into store: Store) throws -> Int {
        try SentJournal.recover(databasePath: databasePath, into: store, except: nil)
    }
}
