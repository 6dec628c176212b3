import Foundation
import MentorModel
import Testing

@testable import Notifier

/// The ids a confirmation threads with come from outside: each is checked, the chain is bounded to
/// one header line, and the subject gets one `SV:`/`Re:`, never two.
@Suite struct MailThreadTests {
    @Test(arguments: [
        "r1\r\nBcc: victim@example.dk", "r1\n x@example.dk", "r1 x@example.dk", "no-at-sign", "@example.dk", "r1@",
        "r1@exa<mple.dk", "æ@example.dk", String(repeating: "a", count: 990) + "@example.dk",
    ])
    func aMessageIDThatCannotGoIntoAHeaderIsRefused(id: String) throws {
        #expect(!MailThread.isValid(id))
        #expect(MailThread.stored(messageID: id, references: []) == nil)
        var message = MailMessage(
            from: "noreply@example.dk", to: "soren@example.dk", subject: "SV: x", body: "Tak",
            messageID: "m1@example.dk", date: Date(timeIntervalSince1970: 0))
        message.inReplyTo = id
        message.references = [id]
        let rendered = try message.rendered()
        #expect(!rendered.contains("In-Reply-To"))
        #expect(!rendered.contains("References"))
        #expect(!rendered.contains("Bcc"))
    }

    @Test func theChainKeepsTheFirstAndTheNewestWithinOneHeaderLine() throws {
        // Newest first, as `InboundMail` reads them; 40 long ids are far more than one line holds.
        let earlier = (1...40).reversed().map { "\($0)." + String(repeating: "x", count: 200) + "@example.dk" }
        let stored = try #require(MailThread.stored(messageID: "reply@mail.example", references: earlier))
        let (inReplyTo, chain) = try #require(MailThread.headers(stored))
        #expect(inReplyTo == "reply@mail.example")
        #expect(chain.first?.hasPrefix("1.") == true)
        #expect(chain.dropLast().last?.hasPrefix("40.") == true)
        #expect(("References: " + chain.map { "<\($0)>" }.joined(separator: " ")).utf8.count <= 998)
        // A hostile id among them is left out; the rest stay.
        let mixed = MailThread.stored(
            messageID: "r@m.example", references: ["a@b.example", "bad\r\nid@x", "c@d.example"])
        #expect(mixed == "c@d.example a@b.example r@m.example")
    }

    @Test func theSubjectGetsOnePrefix() {
        #expect(MailThread.replySubject("Jeres kontakt i april", language: .da) == "SV: Jeres kontakt i april")
        #expect(MailThread.replySubject("Your contact in April", language: .en) == "Re: Your contact in April")
        for answered in ["Re: x", "SV: x", "AW: x", "sv: x", "RE: x"] {
            #expect(MailThread.replySubject(answered, language: .da) == answered)
        }
    }
}
