import Foundation
import MentorModel
import MentorStore
import Transport

/// A per-process append-only record of messages handed to a transport, one `write(2)` each.
///
/// Committing every sent mark to SQLite costs about fourteen syscalls (WAL locks and frames); this
/// costs one. The delivering thread commits the marks to SQLite in one transaction per batch while
/// the sender thread goes on recording; the file is emptied when the pass ends. A process killed in
/// between leaves its journal behind, locked by nobody: the next delivery replays it before leasing
/// anything, so a kill still resends at most the message in flight.
final class SentJournal: @unchecked Sendable {
    // @unchecked: `entries`, `committed` and the file are only touched under `lock`.
    struct Entry: Sendable {
        var id: Int64
        var at: Int64
        var segments: Int?
        var providerID: String?
    }

    let path: String
    private let descriptor: Int32
    private let lock = NSLock()
    private var entries: [Entry] = []
    /// How many of `entries` are already in SQLite.
    private var committed = 0

    /// Journals live beside the database: `DB-sent.PID.RANDOM.journal`.
    static func prefix(_ databasePath: String) -> String { databasePath + "-sent." }

    init?(databasePath: String) {
        guard databasePath != ":memory:" else { return nil }
        // A name nobody can guess, created new (O_EXCL) and never through a link (O_NOFOLLOW): a
        // file planted beside the database cannot redirect the marks. A journal left by an earlier
        // pass whose commit failed is unlocked once that pass closes it, and replayed by `recover`.
        path = SentJournal.prefix(databasePath) + "\(getpid()).\(RandomName.make()).journal"
        descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_APPEND | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return nil }
        // Held while this process lives: an unlocked journal belongs to a process that is gone.
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
    }

    deinit {
        close(descriptor)
        if entries.isEmpty { unlink(path) }
    }

    /// Records one sent message; false if the write failed (then commit the mark at once instead).
    func record(_ entry: Entry) -> Bool {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(96)
        bytes += String(entry.id).utf8
        bytes.append(9)
        bytes += String(entry.at).utf8
        bytes.append(9)
        if let segments = entry.segments { bytes += String(segments).utf8 }
        bytes.append(9)
        // One line, and a tab only between fields: singleLine turns tabs and line breaks into spaces.
        bytes += (entry.providerID ?? "").singleLine.utf8
        bytes.append(10)
        return lock.withLock {
            guard FileWrite.all(bytes, to: descriptor) else { return false }
            entries.append(entry)
            return true
        }
    }

    /// Applies the marks recorded since the last commit to the store in one transaction. Safe while
    /// another thread records; the file keeps every line until `finish`.
    func commit(to store: Store) throws {
        let pending = lock.withLock { Array(entries[committed...]) }
        guard !pending.isEmpty else { return }
        try SentJournal.apply(pending, to: store)
        lock.withLock { committed += pending.count }
    }

    /// Commits what is left and empties the journal. Call when nothing records any more.
    func finish(to store: Store) throws {
        try commit(to: store)
        // A backup copying now may hold a snapshot from before that commit: the lines stay for it
        // to read (`SentMarks`), and the next pass replays them (harmlessly) and removes the file.
        guard !SentMarks.backupRunning(databasePath: store.database.path) else { return }
        lock.withLock {
            guard committed == entries.count else { return }
            entries.removeAll(keepingCapacity: true)
            committed = 0
            ftruncate(descriptor, 0)
        }
    }

    /// Replays journals left by processes that died, then removes them. Returns the marks applied.
    @discardableResult
    static func recover(databasePath: String, into store: Store, except own: String?) throws -> Int {
        var applied = 0
        for path in paths(databasePath) where path != own {
            let descriptor = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            defer { close(descriptor) }
            // Still locked: its process is alive and will commit its own marks.
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { continue }
            applied += try apply(entries(path), to: store)
            unlink(path)
        }
        return applied
    }

    /// The journals beside the database, whoever wrote them.
    static func paths(_ databasePath: String) -> [String] {
        let folder = (databasePath as NSString).deletingLastPathComponent
        let base = (prefix(databasePath) as NSString).lastPathComponent
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder)) ?? []
        return names.filter { $0.hasPrefix(base) && $0.hasSuffix(".journal") }.sorted().map {
            folder.isEmpty ? $0 : folder + "/" + $0
        }
    }

    /// The marks one journal holds; a torn last line is left out.
    static func entries(_ path: String) -> [Entry] {
        let text = (FileManager.default.contents(atPath: path)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return text.split(separator: "\n").compactMap(parse)
    }

    /// Marks the entries sent in one transaction, each only if its row is still unsent (a replayed
    /// line must not overwrite a later fate). Returns how many it marked.
    @discardableResult
    static func apply(_ entries: [Entry], to store: Store) throws -> Int {
        try store.write {
            try store.markSent(
                entries.map { Store.SentMark(id: $0.id, providerID: $0.providerID, segments: $0.segments, at: $0.at) })
        }
    }

    /// A line `ID\tAT\tSEGMENTS\tPROVIDER`; a torn last line (the process died mid-write) is skipped.
    static func parse(_ line: Substring) -> Entry? {
        let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
        guard fields.count == 4, let id = Int64(fields[0]), let at = Int64(fields[1]) else { return nil }
        return Entry(id: id, at: at, segments: Int(fields[2]), providerID: fields[3].isEmpty ? nil : String(fields[3]))
    }
}
