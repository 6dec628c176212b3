import Foundation
import MentorModel
import MentorStore
import TestSupport
import Testing

@testable import Notifier

/// The sent journals and `backup`: a message sent before the copy's snapshot is sent in the copy,
/// whether SQLite had its mark by then or only a journal did.
@Suite(.serialized) struct SentMarksTests {
    func leasedRow(_ path: String) throws -> Store {
        let store = try Store(path: path)
        let person = try store.addPerson(NewPerson(role: .mentee, name: "Amira", email: "amira@example.dk"))
        try store.enqueue(
            [
                OutboxRow(
                    key: "a", channel: .email, rule: .firstMeeting, role: .mentee, recipient: person, program: "p",
                    relationshipID: nil, language: .da, subject: "s", body: "b", notBefore: 0, expiresAt: nil,
                    inWindow: false, afterEnd: false)
            ], now: 0)
        _ = try store.lease(now: 10, leaseSeconds: 300, limit: 10, windowOpen: true)
        return store
    }

    @Test func aCopyGetsTheMarksOfALiveProcesssJournalAndTheLiveDatabaseIsLeftAlone() throws {
        let scratch = Scratch()
        let path = scratch.path + "/live.db"
        let store = try leasedRow(path)
        // A delivering process handed the message over and journaled it; SQLite does not know yet.
        let journal = try #require(SentJournal(databasePath: path))
        #expect(journal.record(SentJournal.Entry(id: 1, at: 12, segments: nil, providerID: "250 ok")))
        let copy = scratch.path + "/copy.db"
        var marked = 0
        try OnlineBackup.copy(from: path, to: copy) { copy in
            marked = try SentMarks.copy(journalsOf: path, into: try Store(path: copy, migrate: false))
        }
        #expect(marked == 1)
        #expect(try Store(path: copy).outbox().map(\.status) == [.sent])
        #expect(try store.outbox().map(\.status) == [.sending])
        #expect(FileManager.default.fileExists(atPath: journal.path))
    }

    @Test func aPassEndingWhileABackupCopiesKeepsItsJournalsLines() throws {
        let scratch = Scratch()
        let path = scratch.path + "/live.db"
        let store = try leasedRow(path)
        let journal = try #require(SentJournal(databasePath: path))
        #expect(journal.record(SentJournal.Entry(id: 1, at: 12, segments: nil, providerID: "250 ok")))
        do {
            let hold = try #require(SentMarks.holdForBackup(databasePath: path))
            // The mark reaches SQLite after the copy's snapshot began: only the journal can tell it.
            try journal.finish(to: store)
            let size = (try FileManager.default.attributesOfItem(atPath: journal.path)[.size] as? Int) ?? 0
            #expect(size > 0)
            withExtendedLifetime(hold) {}
        }
        #expect(try store.outbox().map(\.status) == [.sent])
        // With no backup running, a pass empties its journal as before.
        try journal.finish(to: store)
        #expect((try FileManager.default.attributesOfItem(atPath: journal.path)[.size] as? Int) == 0)
    }
}
