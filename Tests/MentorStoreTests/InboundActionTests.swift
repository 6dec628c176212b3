import Foundation
import MentorModel
import Testing

@testable import MentorStore

/// `inbound.action` is typed in the store's API and stored as the same words as before, so rows
/// written by an older mentor-notify read back without a migration.
@Suite struct InboundActionTests {
    /// The words in databases written before the action was typed: never to change.
    static let stored = [
        "hours", "rsvp", "continue", "agreement", "evaluated", "opt-out", "opt-in", "forwarded", "unverified",
        "bounce", "complaint", "ignored-auto", "unmatched", "unreadable",
    ]

    @Test func everyActionIsStoredAsTheWordsOfBefore() {
        #expect(InboundAction.allCases.map(\.rawValue).sorted() == Self.stored.sorted())
    }

    /// Rows as the string-typed store wrote them, in a database of that time, read after the
    /// migrations since.
    @Test func rowsWrittenBeforeReadBackTyped() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("old.db")
        do {
            let database = try Database(path: path)
            try Schema.migrator.migrate(database, upTo: "009-unreadable-mail")
            for (index, action) in Self.stored.enumerated() {
                try database.run(
                    "INSERT INTO inbound (key, received_at, channel, action, detail) VALUES (?, ?, 'email', ?, 'd')",
                    ["k\(index)", 100 + Int64(index), action])
            }
        }
        let store = try Store(path: path)
        let read = try store.inbound(since: 0).sorted { $0.receivedAt < $1.receivedAt }
        #expect(read.map(\.action.rawValue) == Self.stored)
        #expect(read.first?.action == .hours && read.last?.action == .unreadable)
        #expect(try store.inboundCounts().map(\.action).count == Self.stored.count)
        // And what this version writes is those words.
        try store.recordInbound(InboundRecord(key: "new", receivedAt: 500, channel: .sms, action: .optOut))
        #expect(try store.database.scalarString("SELECT action FROM inbound WHERE key = 'new'") == "opt-out")
    }

    /// An action this version does not know (a newer one wrote it, or a hand edit) is refused with
    /// what to do, in every reading of the table; the metrics too.
    @Test func anUnknownStoredActionIsATypedErrorThatSaysWhatToDo() throws {
        let folder = TemporaryDirectory()
        let store = try Store(path: folder.file("test.db"))
        let person = try store.addPerson(NewPerson(role: .mentee, name: "Amira", email: "amira@example.dk"))
        try store.database.run(
            "INSERT INTO inbound (key, received_at, channel, person_id, action) VALUES ('k', 1, 'sms', ?, 'snoozed')",
            [person])
        for read in [
            { _ = try store.inbound(since: 0) }, { _ = try store.inbound(people: [person]) },
            { _ = try store.personRecord(person) }, { _ = try store.inboundCounts() },
        ] as [() throws -> Void] {
            let error = try #require(throws: StoreError.self) { try read() }
            #expect(error.code == .damaged)
            #expect(error.message.contains("'snoozed'"), "\(error.message)")
        }
        let error = try #require(throws: StoreError.self) { try store.inbound(since: 0) }
        #expect(error.message.contains("upgrade") && error.message.contains("backup"), "\(error.message)")
    }
}
