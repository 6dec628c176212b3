import Foundation
import MentorModel
import Testing

@testable import MentorStore

/// A message's status changes (the lease, the sent mark) touch as few index entries as they can,
/// every query that sought the indexes they used to move still seeks one, and the batched sent
/// marks record what one mark each would.
@Suite struct StatusChangeCostTests {
    func queue(_ store: Store, _ keys: [String]) throws -> [String: Int64] {
        try store.enqueue(
            keys.map { key in
                OutboxRow(
                    key: key, channel: .sms, rule: .evaluation, role: .mentee, recipient: nil, program: "p",
                    relationshipID: nil, language: .da, subject: nil, body: "b", notBefore: 0, expiresAt: nil,
                    inWindow: false, afterEnd: false)
            }, now: 0)
        return Dictionary(uniqueKeysWithValues: try store.outbox().map { ($0.key, $0.id) })
    }

    /// Each index of the outbox holding a column that a lease or a sent mark sets, and whether it
    /// is partial (then the mark only adds the entry of a row that now has a value).
    func indexesMovedByStatusChanges(_ store: Store) throws -> [String: Bool] {
        let changed: Set<String> = [
            "status", "lease_until", "attempts", "updated_at", "sent_at", "provider_id", "segments", "thread", "reason",
            "delivery",
        ]
        var moved: [String: Bool] = [:]
        let indexes = try store.database.query("SELECT name, partial FROM pragma_index_list('outbox')") {
            ($0.string(0), $0.bool(1))
        }
        for (name, partial) in indexes {
            let columns = try store.database.query("SELECT name FROM pragma_index_info(?)", [name]) {
                $0.optionalString(0)
            }
            // A partial index's condition counts too: a row leaves it when the condition stops holding.
            let condition =
                try store.database.scalarString("SELECT sql FROM sqlite_master WHERE name = ?", [name])?
                .components(separatedBy: " WHERE ").dropFirst().joined() ?? ""
            let words = Set(condition.split(whereSeparator: { !$0.isLetter && $0 != "_" }).map(String.init))
            if columns.contains(where: { $0.map(changed.contains) ?? false }) || !words.isDisjoint(with: changed) {
                moved[name] = partial
            }
        }
        return moved
    }

    @Test func aStatusChangeMovesOnlyTheReadyIndexAndAddsToPartialOnes() throws {
        let folder = TemporaryDirectory()
        let store = try Store(path: folder.file("test.db"))
        #expect(
            try indexesMovedByStatusChanges(store) == [
                "outbox_ready": false, "outbox_provider": true, "outbox_recipient_channel": true,
                // Only rows that ignore the send window: a lease takes them out.
                "outbox_ready_anytime": true,
            ])
    }

    func plan(_ store: Store, _ sql: String, _ arguments: [any SQLArgument]) throws -> String {
        try store.database.query("EXPLAIN QUERY PLAN " + sql, arguments) { $0.string(3) }.joined(separator: "; ")
    }

    @Test func theQueriesOnTheChangedIndexesStillSeekThem() throws {
        let folder = TemporaryDirectory()
        let store = try Store(path: folder.file("test.db"))
        // Which requests went out since: by rule and time queued, no longer by rule alone.
        #expect(
            try plan(store, "SELECT key FROM outbox WHERE rule = ? AND created_at >= ?", ["evaluation", 0]).contains(
                "outbox_rule_created (rule=? AND created_at>?)"))
        // A reply that names no message: the partial index serves the sent rows it asks for.
        #expect(
            try plan(
                store,
                """
                SELECT id FROM outbox WHERE recipient = ? AND channel = ? AND status = 'sent' AND sent_at >= ?
                ORDER BY sent_at DESC, id DESC LIMIT 1
                """, [1, "sms", 0]
            ).contains("outbox_recipient_channel (recipient=? AND channel=? AND sent_at>?)"))
        // A gateway's report by its own id.
        #expect(
            try plan(store, "SELECT id FROM outbox WHERE provider_id = ? AND channel = 'sms'", ["x"]).contains(
                "outbox_provider (provider_id=?)"))
        // The confirmations to one person that day, once for each reply: by the person, not by
        // every confirmation of the day to anyone.
        #expect(
            try plan(store, Store.confirmationCountQuery, [1, 0]).contains("outbox_recipient (recipient=?)"))
        // The year report's sent evaluations and invitations.
        #expect(
            try plan(store, "SELECT id FROM outbox WHERE rule = 'evaluation' AND status = 'sent'", []).contains(
                "outbox_rule_created (rule=?)"))
    }

    /// Outside the send window the search for work reads the rows that ignore the window, not every
    /// pending row due: an idle cycle in the evening must not read tomorrow's whole queue.
    @Test func outsideTheWindowOnlyRowsThatIgnoreItAreSought() throws {
        let folder = TemporaryDirectory()
        let store = try Store(path: folder.file("test.db"))
        for windowOpen in [false, true] {
            let index = windowOpen ? "outbox_ready (status=? AND not_before<?)" : "outbox_ready_anytime (not_before<?)"
            #expect(try plan(store, Store.readyRowsQuery(windowOpen: windowOpen), [0, "email", "sms"]).contains(index))
            #expect(try plan(store, Store.leaseQuery(windowOpen: windowOpen), [0, "email", "sms", 10]).contains(index))
        }
        // What they find is what they found before: outside the window only a row that ignores it.
        _ = try store.enqueue(
            (1...3).map { index in
                OutboxRow(
                    key: "k\(index)", channel: .email, rule: .monthlyHours, role: .mentor, recipient: nil, program: "p",
                    relationshipID: nil, language: .da, subject: "s", body: "b", notBefore: 0, expiresAt: nil,
                    inWindow: index != 3, afterEnd: false)
            }, now: 0)
        #expect(try store.hasReadyRows(now: 10, windowOpen: false))
        #expect(try store.lease(now: 10, leaseSeconds: 300, limit: 10, windowOpen: false).map(\.key) == ["k3"])
        #expect(!(try store.hasReadyRows(now: 10, windowOpen: false)))
        #expect(try store.hasReadyRows(now: 10, windowOpen: true))
        #expect(!(try store.hasReadyRows(now: 10, windowOpen: true, channels: [.sms])))
        #expect(try store.lease(now: 10, leaseSeconds: 300, limit: 10, windowOpen: true).map(\.key) == ["k1", "k2"])
        // A lease that ran out is work at any hour.
        #expect(!(try store.hasReadyRows(now: 309, windowOpen: false)))
        #expect(try store.hasReadyRows(now: 310, windowOpen: false))
    }

    /// A database migrated by a build whose 020 had no such index (main between 75a68a2 and 7b93ecf)
    /// gets it from 021: outside the window the ready check names it, and would fail without it.
    @Test func aDatabaseMigratedBeforeTheIndexGetsIt() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("test.db")
        do {
            let store = try Store(path: path)
            try store.database.execute(
                "DROP INDEX outbox_ready_anytime; DELETE FROM schema_migrations WHERE id = '021-ready-anytime'")
            #expect(throws: (any Error).self) { try store.hasReadyRows(now: 0, windowOpen: false) }
        }
        let store = try Store(path: path)
        #expect(!(try store.hasReadyRows(now: 0, windowOpen: false)))
        #expect(try store.lease(now: 0, leaseSeconds: 300, limit: 10, windowOpen: false).isEmpty)
    }

    @Test func batchedMarksRecordWhatOneMarkEachWould() throws {
        let folder = TemporaryDirectory()
        let store = try Store(path: folder.file("test.db"))
        let ids = try queue(store, ["a", "b", "c", "d", "e"])
        _ = try store.lease(now: 10, leaseSeconds: 300, limit: 10, windowOpen: true)
        try store.markFinal(try #require(ids["e"]), status: .failed, reason: "refused", now: 11)
        func id(_ key: String) throws -> Int64 { try #require(ids[key]) }
        let marked = try store.markSent([
            .init(id: try id("a"), providerID: "g-1", segments: 1, at: 20),
            .init(id: try id("b"), providerID: "g-\"2\"\\", segments: 2, at: 20),
            .init(id: try id("c"), providerID: nil, segments: nil, at: 30),
            // A second mark of a row: the first one counts, at a later time and at the same one (it
            // would share the first one's statement).
            .init(id: try id("a"), providerID: "g-9", segments: 1, at: 40),
            .init(id: try id("a"), providerID: "g-8", segments: 1, at: 20),
            .init(id: try id("d"), providerID: "g-4", segments: 1, at: 20),
            // A row with a later fate keeps it.
            .init(id: try id("e"), providerID: "g-5", segments: 1, at: 20),
        ])
        #expect(marked == 4)
        let rows = Dictionary(uniqueKeysWithValues: try store.outbox().map { ($0.key, $0) })
        func fate(_ key: String) -> String {
            guard let row = rows[key] else { return "missing" }
            return "\(row.status.rawValue) \(row.sentAt.map(String.init) ?? "-") \(row.providerID ?? "-") "
                + "\(row.segments.map(String.init) ?? "-") \(row.leaseUntil.map(String.init) ?? "-")"
        }
        #expect(fate("a") == "sent 20 g-1 1 -")
        #expect(fate("b") == "sent 20 g-\"2\"\\ 2 -")
        #expect(fate("c") == "sent 30 - - -")
        #expect(fate("d") == "sent 20 g-4 1 -")
        #expect(fate("e") == "failed - - - -")
        #expect(try store.markSent([]) == 0)
    }

    @Test func aLeasedRowReadsAsStored() throws {
        let folder = TemporaryDirectory()
        let store = try Store(path: folder.file("test.db"))
        _ = try queue(store, ["a"])
        let leased = try #require(try store.lease(now: 10, leaseSeconds: 300, limit: 10, windowOpen: true).first)
        var stored = try #require(try store.outbox().first)
        // The lease's own changes, as the stored row holds them.
        #expect(stored.leaseUntil == 310)
        stored.leaseUntil = nil
        #expect(leased == stored)
    }
}
