import Foundation
import MentorModel
import Testing

@testable import MentorStore

@Suite(.serialized) struct StoreTests {
    func makeStore(_ folder: TemporaryDirectory) throws -> Store {
        try Store(path: folder.file("test.db"))
    }

    func pair(_ store: Store, start: String = "2026-01-05") throws -> Int64 {
        let mentor = try store.addPerson(NewPerson(role: .mentor, name: "Mentor", email: "m@example.dk"))
        let mentee = try store.addPerson(NewPerson(role: .mentee, name: "Mentee", phone: "+4513243546"))
        let start = LocalDate(start)!
        return try store.addRelationship(
            mentor: mentor, mentee: mentee, program: "p", start: start, plannedEnd: start.adding(months: 6))
    }

    @Test func everyConnectionUsesWALFullSyncForeignKeysAndSecureDelete() throws {
        let folder = TemporaryDirectory()
        let store = try makeStore(folder)
        #expect(try store.database.scalarString("PRAGMA journal_mode") == "wal")
        #expect(try store.database.scalarInt("PRAGMA synchronous") == 2)
        #expect(try store.database.scalarInt("PRAGMA foreign_keys") == 1)
        #expect(try store.database.scalarInt("PRAGMA secure_delete") == 1)
        #expect(try store.database.scalarInt("PRAGMA busy_timeout") == Int(Database.defaultBusyTimeoutMilliseconds))
    }

    @Test func aDatabaseAtTheFirstMigrationIsUpgradedInPlace() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("old.db")
        do {
            let database = try Database(path: path)
            try Schema.migrator.migrate(database, upTo: "001-core")
            #expect(try Schema.migrator.appliedIDs(database) == ["001-core"])
            try database.execute(
                """
                INSERT INTO person (id, role, name, channels) VALUES (1, 'mentor', 'A', 'email'), (2, 'mentee', 'B', 'sms');
                INSERT INTO relationship (id, mentor_id, mentee_id, program, start_date, planned_end)
                    VALUES (1, 1, 2, 'p', '2026-01-01', '2026-07-01');
                INSERT INTO contact (relationship_id, date, minutes) VALUES
                    (1, '2026-01-10', 60), (1, '2026-01-20', 30), (1, '2026-02-03', 45);
                """)
        }
        let store = try Store(path: path)
        #expect(
            try Schema.migrator.appliedIDs(store.database) == [
                "001-core", "002-contact-summary", "003-channel-holds", "004-replies", "005-delivery-reports",
                "006-unsubscribe", "007-proven-senders", "008-complaints", "009-unreadable-mail", "010-events",
                "011-people", "012-ends", "013-audit", "014-forgotten-refs", "015-former-values", "016-reply-threads",
                "017-desk", "018-change-mark", "019-month-minutes",
                "020-status-change-indexes", "021-ready-anytime",
            ])
        let relationship = try store.relationship(1)
        #expect(relationship.firstContact == LocalDate("2026-01-10"))
        #expect(relationship.lastContact == LocalDate("2026-02-03"))
        #expect(try store.minutes(in: YearMonth("2026-01")!) == [1: 90])
        #expect(try store.minutes(in: YearMonth("2026-02")!) == [1: 45])
        // A month's minutes come from the index alone (019-month-minutes).
        #expect(
            try store.database.query(
                "EXPLAIN QUERY PLAN SELECT relationship_id, minutes FROM contact_month WHERE month = ?", ["2026-02"]
            ) { $0.string(3) }.contains { $0.contains("COVERING INDEX contact_month_month") })
        // Running the migrations again changes nothing.
        #expect(try Schema.migrator.migrate(store.database).isEmpty)
    }

    @Test func triggersKeepTheContactSummary() throws {
        let folder = TemporaryDirectory()
        let store = try makeStore(folder)
        let id = try pair(store)
        try store.addContact(Contact(relationshipID: id, date: LocalDate("2026-02-10")!, minutes: 50))
        try store.addContact(Contact(relationshipID: id, date: LocalDate("2026-01-20")!, minutes: 40))
        try store.addContact(Contact(relationshipID: id, date: LocalDate("2026-02-12")!, minutes: 30))
        let relationship = try store.relationship(id)
        #expect(relationship.firstContact == LocalDate("2026-01-20"))
        #expect(relationship.lastContact == LocalDate("2026-02-12"))
        #expect(try store.minutes(in: YearMonth("2026-02")!)[id] == 80)
        try store.database.run("DELETE FROM contact WHERE date = '2026-02-12'")
        #expect(try store.relationship(id).lastContact == LocalDate("2026-02-10"))
        #expect(try store.minutes(in: YearMonth("2026-02")!)[id] == 50)
    }

    @Test func aFailedWriteLeavesNothingBehind() throws {
        let folder = TemporaryDirectory()
        let store = try makeStore(folder)
        #expect(throws: InputError.self) {
            try store.write {
                try store.addPerson(NewPerson(ref: "a", role: .mentor, name: "A", email: "a@example.dk"))
                try store.addPerson(NewPerson(ref: "a", role: .mentee, name: "B", email: "b@example.dk"))
            }
        }
        #expect(try store.people().isEmpty)
    }

    @Test func twoWritersAtOnceNeverSeeDatabaseIsLocked() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("shared.db")
        let id = try pair(try Store(path: path))
        let errors = ErrorBox()
        // Each thread has its own connection, as the daemon and an admin command do.
        let threads = (0..<2).map { worker in
            Thread {
                do {
                    let store = try Store(path: path)
                    for index in 0..<150 {
                        try store.write {
                            try store.addContact(
                                Contact(
                                    relationshipID: id, date: LocalDate("2026-03-01")!.adding(days: index % 20),
                                    minutes: 10))
                            try store.setMeta("writer-\(worker)", String(index))
                            _ = try store.outboxSummary()
                        }
                    }
                } catch {
                    errors.add("\(error)")
                }
            }
        }
        for thread in threads { thread.start() }
        while threads.contains(where: { !$0.isFinished }) { usleep(10_000) }
        #expect(errors.all.isEmpty)
        #expect(try Store(path: path).minutes(in: YearMonth("2026-03")!)[id] == 3000)
    }

    @Test func forgetRemovesThePersonalDataFromTheFile() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("forget.db")
        let store = try Store(path: path)
        let mentee = try store.addPerson(
            NewPerson(
                ref: "ref-zq", role: .mentee, name: "Zarathustra Quimby", email: "zq.secret@example.dk",
                phone: "+4529876543", birthdate: LocalDate("2004-07-19")))
        try store.enqueue(
            [
                OutboxRow(
                    key: "k1", channel: .sms, rule: .firstMeeting, role: .mentee, recipient: mentee, program: "p",
                    relationshipID: nil, language: .da, subject: nil, body: "Hej Zarathustra, BODYMARKER-7731",
                    notBefore: 0, expiresAt: nil, inWindow: true, afterEnd: false)
            ], now: 0)
        try store.database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        func raw() -> String {
            [path, path + "-wal"].compactMap { FileManager.default.contents(atPath: $0) }
                .map { String(decoding: $0, as: UTF8.self) }.joined()
        }
        #expect(raw().contains("Zarathustra"))
        try store.forget(mentee)
        let after = raw()
        for secret in ["Zarathustra", "Quimby", "zq.secret", "29876543", "2004-07-19", "BODYMARKER-7731", "ref-zq"] {
            #expect(!after.contains(secret), "\(secret) is still in the database file")
        }
        let person = try store.person(mentee)
        #expect(person.forgotten && person.name == nil && person.email == nil)
        #expect(try store.outbox().count == 1)
    }

    @Test func enqueueIsIdempotentByKeyAndChannel() throws {
        let folder = TemporaryDirectory()
        let store = try makeStore(folder)
        func row(_ channel: Channel) -> OutboxRow {
            OutboxRow(
                key: "monthly-hours:1:mentor:2026-11", channel: channel, rule: .monthlyHours, role: .mentor,
                recipient: nil, program: "p", relationshipID: nil, language: .da, subject: "s", body: "b",
                notBefore: 100, expiresAt: nil, inWindow: true, afterEnd: false)
        }
        #expect(try store.enqueue([row(.email), row(.sms)], now: 1) == 2)
        #expect(try store.enqueue([row(.email), row(.sms)], now: 2) == 0)
        #expect(try store.outbox().count == 2)
    }

    /// What planning learns of the evaluation requests that went: when each first went, and whether
    /// a row of it still waits (then the cycle must go on planning it, or it withdraws that row).
    @Test func sentMessagesSayWhenEachFirstWentAndWhetherARowStillWaits() throws {
        let folder = TemporaryDirectory()
        let store = try makeStore(folder)
        func row(_ key: String, _ channel: Channel) -> OutboxRow {
            OutboxRow(
                key: key, channel: channel, rule: .evaluation, role: .mentor, recipient: nil, program: "p",
                relationshipID: nil, language: .da, subject: "s", body: "b", notBefore: 100, expiresAt: nil,
                inWindow: true, afterEnd: false)
        }
        let (both, oneWaits, none) = (
            "evaluation:1:mentor:2026-05-01", "evaluation:2:mentor:2026-05-01",
            "evaluation:3:mentor:2026-05-01"
        )
        let (withdrawn, stale) = ("evaluation:4:mentor:2026-05-01", "evaluation:5:mentor:2026-05-01")
        try store.enqueue(
            [both, oneWaits, none, withdrawn, stale].flatMap { [row($0, .email), row($0, .sms)] }, now: 100)
        let ids = Dictionary(
            uniqueKeysWithValues: try store.outbox().map { ("\($0.key) \($0.channel.rawValue)", $0.id) })
        for (name, at) in [
            ("\(both) email", 200), ("\(both) sms", 150), ("\(oneWaits) email", 300), ("\(withdrawn) email", 400),
            ("\(stale) email", 500),
        ] {
            try store.markSent(try #require(ids[name]), providerID: nil, segments: nil, now: Int64(at))
        }
        // Withdrawn before any attempt: it comes back if its key is planned again, so it waits.
        try store.markFinal(
            try #require(ids["\(withdrawn) sms"]), status: .expired, reason: Store.withdrawnReason, now: 410)
        try store.markFinal(try #require(ids["\(stale) sms"]), status: .expired, reason: "went stale", now: 510)
        let sent = try store.sentMessages(rule: Rule.evaluation.rawValue, createdSince: 0)
        #expect(sent.map(\.key).sorted() == [both, oneWaits, withdrawn, stale])
        #expect(sent.first { $0.key == withdrawn }?.waiting == true)
        #expect(sent.first { $0.key == stale }?.waiting == false)
        #expect(sent.first { $0.key == both }.map { ($0.firstSent, $0.waiting) } ?? (0, true) == (150, false))
        #expect(sent.first { $0.key == oneWaits }.map { ($0.firstSent, $0.waiting) } ?? (0, false) == (300, true))
        #expect(
            try store.sentTimes(rule: Rule.evaluation.rawValue, createdSince: 0) == [
                both: 150, oneWaits: 300, withdrawn: 400, stale: 500,
            ])
    }

    @Test func aLeaseLeftByAKilledProcessComesBack() throws {
        let folder = TemporaryDirectory()
        let store = try makeStore(folder)
        try store.enqueue(
            [
                OutboxRow(
                    key: "k", channel: .email, rule: .end, role: .leader, recipient: nil,
                    leaderAddress: "l@example.dk",
                    program: "p", relationshipID: nil, language: .da, subject: "s", body: "b", notBefore: 100,
                    expiresAt: nil, inWindow: false, afterEnd: true)
            ], now: 0)
        #expect(try store.lease(now: 50, leaseSeconds: 300, limit: 10, windowOpen: true).isEmpty)
        let first = try store.lease(now: 100, leaseSeconds: 300, limit: 10, windowOpen: true)
        #expect(first.count == 1 && first[0].attempts == 1)
        // Still leased: nobody else gets it.
        #expect(try store.lease(now: 200, leaseSeconds: 300, limit: 10, windowOpen: true).isEmpty)
        // The lease ran out: the row is recovered and leased again.
        let again = try store.lease(now: 401, leaseSeconds: 300, limit: 10, windowOpen: true)
        #expect(again.map(\.id) == first.map(\.id))
        #expect(again[0].attempts == 2)
    }

    @Test func windowRowsWaitWhileTheWindowIsClosed() throws {
        let folder = TemporaryDirectory()
        let store = try makeStore(folder)
        for (key, window) in [("in", true), ("out", false)] {
            try store.enqueue(
                [
                    OutboxRow(
                        key: key, channel: .sms, rule: .recurring, role: .person, recipient: nil, program: nil,
                        relationshipID: nil, language: .da, subject: nil, body: "b", notBefore: 0, expiresAt: nil,
                        inWindow: window, afterEnd: true)
                ], now: 0)
        }
        #expect(try store.lease(now: 10, leaseSeconds: 60, limit: 10, windowOpen: false).map(\.key) == ["out"])
    }
}

final class ErrorBox: @unchecked Sendable {
    // @unchecked: guarded by the lock.
    private let lock = NSLock()
    private var errors: [String] = []
    func add(_ error: String) { lock.withLock { errors.append(error) } }
    var all: [String] { lock.withLock { errors } }
}
