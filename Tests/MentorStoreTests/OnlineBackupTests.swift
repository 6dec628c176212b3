import Foundation
import MentorStore
import Testing

/// SQLite's online backup as `backup` uses it: one snapshot however many steps, while another
/// connection goes on writing.
@Suite struct OnlineBackupTests {
    final class Stop: @unchecked Sendable {
        // @unchecked: set once under the lock, read under it.
        private let lock = NSLock()
        private var stopped = false
        func set() { lock.withLock { stopped = true } }
        var isSet: Bool { lock.withLock { stopped } }
    }

    @Test func aCopyTakenPageByPageWhileAnotherConnectionWritesIsOneWholeSnapshot() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("live.db")
        let setup = try Database(path: path)
        try setup.execute("CREATE TABLE row (id INTEGER PRIMARY KEY, filler BLOB NOT NULL)")
        // Enough pages (about 2 MB) that a copy of one page per step takes many steps.
        try setup.write {
            for _ in 0..<500 { try setup.run("INSERT INTO row (filler) VALUES (randomblob(4000))") }
        }
        let stop = Stop()
        let writer = Thread {
            guard let connection = try? Database(path: path) else { return }
            while !stop.isSet {
                _ = try? connection.run("INSERT INTO row (filler) VALUES (randomblob(4000))")
            }
        }
        writer.start()
        defer { stop.set() }
        usleep(50_000)
        let copy = folder.file("copy.db")
        var stepsSeen = false
        try OnlineBackup.copy(from: path, to: copy, pagesPerStep: 1) { _ in
            // The writer went on while the copy was made: the live database has grown past it.
            stepsSeen = true
        }
        stop.set()
        let copied = try Database(path: copy)
        let count = try copied.scalarInt("SELECT count(*) FROM row") ?? 0
        let highest = try copied.scalarInt("SELECT max(id) FROM row") ?? 0
        #expect(stepsSeen)
        #expect(count >= 500)
        // One snapshot: every row up to the highest, none missing (a copy that restarted or mixed
        // pages from two moments would not be whole).
        #expect(count == highest)
        #expect(try copied.scalarString("PRAGMA integrity_check") == "ok")
        let live = try Database(path: path)
        #expect(try live.scalarInt("SELECT count(*) FROM row") ?? 0 > count)
    }

    @Test func theCopyIsOneFileInRollbackModeReadableByOwnerAndGroupOnly() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("live.db")
        _ = try Store(path: path)
        let copy = folder.file("copy.db")
        try OnlineBackup.copy(from: path, to: copy)
        let attributes = try FileManager.default.attributesOfItem(atPath: copy)
        #expect((attributes[.posixPermissions] as? Int) == 0o640)
        #expect(!FileManager.default.fileExists(atPath: copy + "-wal"))
        // Bytes 18 and 19 of the header: 1 is a rollback journal, 2 is WAL.
        let header = try #require(FileManager.default.contents(atPath: copy))
        #expect(header[18] == 1)
        #expect(try OnlineBackup.migrations(of: copy) == Schema.migrator.migrations.map(\.id))
        // Never over a file that is there.
        #expect(throws: StoreError.self) { try OnlineBackup.copy(from: path, to: copy) }
    }
}
