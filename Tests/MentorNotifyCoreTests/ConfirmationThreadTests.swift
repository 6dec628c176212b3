import Foundation
import MentorStore
import Testing

/// A confirmation threads with the reply it answers, as the real SMTP server (aiosmtpd) received it:
/// `In-Reply-To` the reply's Message-ID, `References` the reply's chain and the reply, the subject
/// the answered message's with `SV:` before it. A Message-ID that could not go into a header
/// leaves the confirmation unthreaded.
extension ReplyLoopTests {
    @Test func aConfirmationThreadsWithTheReplyItAnswers() throws {
        let world = try World()
        let messageID = try world.askForAprilHours()
        let reminder = try #require(world.received(1).first?["headers"] as? [String: String])
        world.deliver(World.reply(from: "Søren <soren@example.dk>", to: messageID, id: "r1", body: "3,5"))
        #expect(try world.cli.run(["tick", "--at", "2026-04-20T19:45"]).code == 0)
        let confirmation = try #require(world.received(2).dropFirst().first?["headers"] as? [String: String])
        #expect(confirmation["In-Reply-To"] == "<r1@mail.gmail.com>")
        #expect(confirmation["References"] == "\(messageID) <r1@mail.gmail.com>")
        #expect(confirmation["Subject"] == "SV: " + (reminder["Subject"] ?? ""))
        // The reply's ids were kept only until the confirmation went.
        let database = try Database(path: world.cli.folder + "/test.db")
        #expect(try database.scalarInt("SELECT count(*) FROM outbox WHERE thread IS NOT NULL") == 0)
    }

    @Test(arguments: [
        // Folded across a line break: read as one id with a space in it.
        "r2\n bcc@evil.example",
        // Longer than a header line may be.
        String(repeating: "a", count: 1_000),
    ])
    func aHostileMessageIDIsNotWrittenIntoTheConfirmation(id: String) throws {
        let world = try World()
        let messageID = try world.askForAprilHours()
        world.deliver(World.reply(from: "Søren <soren@example.dk>", to: messageID, id: id, body: "3,5"))
        #expect(try world.cli.run(["tick", "--at", "2026-04-20T19:45"]).code == 0)
        let confirmation = try #require(world.received(2).dropFirst().first?["headers"] as? [String: String])
        #expect(confirmation["In-Reply-To"] == nil)
        #expect(confirmation["References"] == nil)
        #expect(!confirmation.values.contains { $0.contains("evil") || $0.contains("aaaa") })
        // Still an answer to what was asked.
        #expect(confirmation["Subject"]?.hasPrefix("SV: ") == true)
    }
}
