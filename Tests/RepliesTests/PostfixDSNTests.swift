import Foundation
import Testing

@testable import Replies

/// A bounce as a real Postfix writes it (captured from Tests/Support/postfix_server.py: its local(8)
/// refusing an unknown user, the DSN to our envelope sender), read and masked like every reason.
@Suite struct PostfixDSNTests {
    @Test func postfixsOwnBounceForAnUnknownLocalUser() throws {
        let mail = try FixtureTests.mail("postfix-local-unknown-user", own: ["svar@example.dk"])
        guard case .bounce(let bounce) = mail.kind else {
            Issue.record("not read as a bounce: \(mail.kind)")
            return
        }
        #expect(bounce.messageID == "mn.0123456789abcdef01234567@example.dk")
        #expect(bounce.status == "5.1.1")
        #expect(bounce.isPermanent)
        // Postfix names the user without a domain: the local part is masked as an address's is.
        #expect(bounce.reason == #"bounced: 5.1.1 X-Postfix; unknown user: "b***""#)
        #expect(!bounce.reason.contains("bortrejst"))
    }

    @Test func aBounceReasonNeverCarriesTheAddress() {
        var bounce = Bounce(
            messageID: nil, status: "5.1.1",
            diagnostic: "smtp; 550 5.1.1 <anna.hansen@example.dk>: Recipient address rejected: User unknown")
        #expect(
            bounce.reason
                == "bounced: 5.1.1 smtp; 550 5.1.1 <a***@example.dk>: Recipient address rejected: User unknown")
        bounce.recipientLocalPart = "anna.hansen"
        bounce.diagnostic = #"X-Postfix; unknown user: "Anna.Hansen""#
        #expect(bounce.reason == #"bounced: 5.1.1 X-Postfix; unknown user: "a***""#)
    }
}
