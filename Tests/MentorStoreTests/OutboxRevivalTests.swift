import MentorModel
import Testing

@testable import MentorStore

/// A row the cycle withdrew because its condition changed comes back when its key is planned
/// again; nothing else that exists is ever touched by `enqueue`.
@Suite struct OutboxRevivalTests {
    func row(_ key: String, body: String, notBefore: Int64) -> OutboxRow {
        OutboxRow(
            key: key, channel: .email, rule: .contactNudge, role: .mentor, recipient: nil, program: "p",
            relationshipID: nil, language: .da, subject: "s", body: body, notBefore: notBefore, expiresAt: nil,
            inWindow: true, afterEnd: false)
    }

    @Test func onlyAWithdrawnRowNeverAttemptedComesBackWithItsNewText() throws {
        let folder = TemporaryDirectory()
        let store = try Store(path: folder.file("test.db"))
        let keys = ["withdrawn", "sent", "stale", "failed", "tried"]
        #expect(try store.enqueue(keys.map { row($0, body: "old", notBefore: 100) }, now: 1) == keys.count)
        let ids = Dictionary(uniqueKeysWithValues: try store.outbox().map { ($0.key, $0.id) })
        func id(_ key: String) throws -> Int64 { try #require(ids[key]) }
        try store.markFinal(try id("withdrawn"), status: .expired, reason: Store.withdrawnReason, now: 2)
        try store.markSent(try id("sent"), providerID: nil, segments: nil, now: 2)
        try store.markFinal(try id("stale"), status: .expired, reason: "expired before it could be sent", now: 2)
        try store.markFinal(try id("failed"), status: .failed, reason: "550 no such user", now: 2)
        // Leased once, then withdrawn: it was attempted, so it stays withdrawn.
        #expect(try store.lease(now: 100, leaseSeconds: 60, limit: 10, windowOpen: true).contains { $0.key == "tried" })
        try store.markFinal(try id("tried"), status: .expired, reason: Store.withdrawnReason, now: 101)

        #expect(try store.existingKeys(keys) == ["sent", "stale", "failed", "tried"])
        #expect(try store.enqueue(keys.map { row($0, body: "new", notBefore: 500) }, now: 3) == 1)
        let rows = Dictionary(uniqueKeysWithValues: try store.outbox().map { ($0.key, $0) })
        let revived = try #require(rows["withdrawn"])
        #expect(revived.id == (try id("withdrawn")) && revived.status == .pending && revived.reason == nil)
        #expect(revived.body == "new" && revived.notBefore == 500)
        #expect(rows["sent"]?.status == .sent && rows["sent"]?.body == "old")
        #expect(rows["stale"]?.status == .expired && rows["failed"]?.status == .failed)
        #expect(rows["tried"]?.status == .expired && rows["tried"]?.body == "old")
        #expect(rows.values.filter { $0.body == "new" }.count == 1)
        // A row recorded as stale (not pending) does not bring it back either.
        try store.markFinal(revived.id, status: .expired, reason: Store.withdrawnReason, now: 4)
        var stale = row("withdrawn", body: "stale", notBefore: 600)
        stale.status = .expired
        #expect(try store.enqueue([stale], now: 5) == 0)
    }
}
