import Foundation

/// That a process delivers from a database: the daemon and `tick` hold `DB-running.lock` (beside
/// the database) shared while they run; `restore` takes it exclusively. So a restore refuses while
/// either runs, and neither starts while a restore swaps the file under them. An flock ends with
/// its process, however it ends (SIGKILL included): a stale lock cannot stop a restore.
final class RunLock {
    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    deinit { close(descriptor) }

    static func path(_ databasePath: String) -> String { databasePath + "-running.lock" }

    /// The daemon's and `tick`'s hold; refused (exit 75) while a restore runs.
    static func delivering(_ databasePath: String) throws -> RunLock? {
        guard databasePath != ":memory:" else { return nil }
        return try take(databasePath, LOCK_SH) {
            CLIError(
                .tempFail,
                "a restore is putting a copy in place at \(databasePath); start again when it has finished")
        }
    }

    /// `restore`'s hold; refused (exit 75) while the daemon or a tick runs.
    static func restoring(_ databasePath: String) throws -> RunLock {
        try take(databasePath, LOCK_EX) {
            CLIError(
                .tempFail,
                "restore: the daemon (or a tick) is running on \(databasePath) (it holds \(path(databasePath))); "
                    + "stop it first (`systemctl stop mentor-notify`) and run restore again")
        }
    }

    private static func take(_ databasePath: String, _ operation: Int32, refusal: () -> CLIError) throws -> RunLock {
        let file = path(databasePath)
        // Read-only is enough for flock, so a lock file the service user's group can read serves.
        let descriptor = open(file, O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o640)
        guard descriptor >= 0 else {
            throw CLIError(
                .ioError,
                "cannot open \(file): \(String(cString: strerror(errno))); the database's folder must be writable "
                    + "for this user (run as the service user: sudo -u mentor-notify ...), and a lock file made by "
                    + "another user removed (it is empty)")
        }
        while flock(descriptor, operation | LOCK_NB) != 0 {
            if errno == EINTR { continue }
            close(descriptor)
            throw refusal()
        }
        return RunLock(descriptor: descriptor)
    }
}
