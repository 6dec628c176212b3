import Testing

@testable import Transport

/// A 4xx that names the recipient (a busy or full mailbox, greylisting) defers that one message;
/// one about the server or us holds the channel. The delivery side is `DeferralTests`.
struct DeferralClassificationTests {
    /// (reply at RCPT, deferred for that message? else the channel is held)
    static let replies: [(String, Bool)] = [
        (
            "450 4.2.0 <anna@example.dk>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.dk.html",
            true
        ),
        ("451 4.7.1 Greylisting in action, please come back later", true),
        ("452 4.2.2 <anna@example.dk>: Recipient address rejected: Mailbox full", true),
        ("450 4.1.1 <anna@example.dk>: Recipient address rejected: unverified address", true),
        ("450 Mailbox busy", true),
        // About the server or us, not the recipient: the channel.
        ("451 4.3.0 Temporary lookup failure", false),
        ("450 4.7.1 Client host rejected: cannot find your hostname", false),
        ("452 4.5.3 Too many recipients", false),
        ("452 Insufficient system storage", false),
        ("450 4.1.8 <noreply@example.dk>: Sender address rejected: Domain not found", false),
        ("421 4.7.0 Too many connections", false),
        ("421 4.2.1 <anna@example.dk>: greylisted, closing connection", false),
    ]

    @Test(arguments: DeferralClassificationTests.replies.indices)
    func aDeferralNamingTheRecipientIsAboutThatMessage(index: Int) {
        let (reply, deferred) = DeferralClassificationTests.replies[index]
        let error = RelayRefusalTests().classify("RCPT", reply)
        #expect((error.kind == .transient) == deferred, "\(reply): \(error.kind)")
        #expect(error.holdsChannel == !deferred, "\(reply): \(error.kind)")
        #expect(error.refusal == nil, "a deferral never counts toward refusals alike")
        #expect(!error.reason.contains("anna@") && !error.reason.contains("noreply@"), "\(error.reason)")
    }
}
