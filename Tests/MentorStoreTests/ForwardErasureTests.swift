import Foundation
import MentorModel
import Testing

@testable import MentorStore

/// `forget` erases what a person wrote, and a forward to the leaders holds it: every forward about
/// the person, to any leader, and no one else's. Person 1 and person 12 (and 10) differ only after
/// the digit a bare prefix would stop at.
@Suite struct ForwardErasureTests {
    @Test func forgetErasesEveryForwardAboutThePersonAndNoOneElses() throws {
        let folder = TemporaryDirectory()
        let store = try Store(path: folder.file("forwards.db"))
        var ids: [Int64] = []
        for number in 1...12 {
            ids.append(
                try store.addPerson(NewPerson(role: .mentee, name: "Person \(number)", email: "p\(number)@example.dk")))
        }
        #expect(ids.first == 1 && ids.last == 12)
        // Keys as the reply core writes them today: to the first and the second leader, a reply's
        // inbound key (colons and all), a day's held forwards.
        let aboutOne = [
            "reply-forward:person-1:leader:gatewayapi:77", "reply-forward:person-1:leader-2:imap:3:9",
            "reply-forward:person-1:leader:held-2026-12-01-email:1",
        ]
        let aboutOthers = [
            "reply-forward:person-12:leader:twilio:SM1", "reply-forward:person-10:leader-2:imap:3:10",
            "reply-forward:person-11:leader:gatewayapi:1",
        ]
        try store.enqueue(
            (aboutOne + aboutOthers).map { key in
                OutboxRow(
                    key: key, channel: .email, rule: .replyForward, role: .leader, recipient: nil,
                    leaderAddress: "leader@example.dk", program: "p", relationshipID: nil, language: .da,
                    subject: "Svar fra", body: "WROTE \(key)", notBefore: 0, expiresAt: nil, inWindow: true,
                    afterEnd: true)
            }, now: 0)
        let byKey = Dictionary(uniqueKeysWithValues: try store.outbox().map { ($0.key, $0.id) })
        let forgotten = try store.forget(1)
        let after = Dictionary(uniqueKeysWithValues: try store.outbox().map { ($0.key, $0) })
        for key in aboutOne {
            #expect(after[key]?.body == nil && after[key]?.subject == nil, "\(key) kept what person 1 wrote")
            #expect(byKey[key].map(forgotten.rowsToThePerson.contains) == true, "\(key) not counted as erased")
        }
        for key in aboutOthers {
            #expect(after[key]?.body == "WROTE \(key)", "\(key) lost another person's forward")
            #expect(byKey[key].map(forgotten.rowsToThePerson.contains) == false, "\(key) counted for person 1")
        }
    }
}
