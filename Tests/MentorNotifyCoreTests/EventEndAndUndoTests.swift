import Foundation
import Testing

/// An early end takes back the meetings it announced, and a correction that is undone brings
/// back what it withdrew: end to end through the command line, on the world of
/// `EventCorrectionTests` (aiosmtpd for email, the spool for SMS).
@Suite(.serialized) struct EventEndAndUndoTests {
    typealias World = EventCorrectionTests.World

    /// The outbox rows whose key starts with `prefix` and ends with `suffix`, as `outbox --json` lists them.
    func rows(_ world: World, _ prefix: String, _ suffix: String = "") throws -> [[String: Any]] {
        try world.cli.json(["outbox", "--json"]).filter {
            guard let key = $0["key"] as? String else { return false }
            return key.hasPrefix(prefix) && key.hasSuffix(suffix)
        }
    }

    @Test func endingEarlyCancelsTheInvitedMeetingsAfterTheEnd() throws {
        let world = try World()
        let rel = String(world.forloeb)
        let meeting = try #require(try world.run(["meeting", rel, "--at", "2026-03-12T16:00"]).id)
        let invited = try world.tick("2026-03-11T16:00").mail.filter { $0.start == "20260312T160000" }
        #expect(Set(invited.flatMap(\.to)) == ["soren@example.dk", "amira@example.dk"])

        _ = try world.run(["end", rel, "--date", "2026-03-11", "--reason", "mentor-left"])
        #expect(try world.cli.json(["meeting", "list", rel, "--json"]).first?["status"] as? String == "cancelled")
        let cancels = try world.tick("2026-03-11T16:05").mail.filter { $0.calendar != nil }
        #expect(Set(cancels.flatMap(\.to)) == ["soren@example.dk", "amira@example.dk"])
        for cancel in cancels {
            #expect(cancel.property("METHOD") == "CANCEL")
            #expect(cancel.property("SEQUENCE") == "1")
            #expect(cancel.property("UID") == invited.first { $0.to == cancel.to }?.property("UID"))
        }
        #expect(try world.cli.run(["meeting", "cancel", String(meeting)]).code == 65)
        #expect(try world.tick("2026-03-11T17:00").mail.filter { $0.calendar != nil }.isEmpty)

        // No new meeting after the end, as no move to after it: on the end day or later.
        for at in ["2026-03-11T18:00", "2026-03-20T10:00"] {
            let refused = try world.cli.run(["meeting", rel, "--at", at])
            #expect(refused.code == 65 && refused.err.contains("outside forløb"), "\(at): \(refused.err)")
        }
        #expect(try world.cli.json(["meeting", "list", rel, "--json"]).count == 1)
    }

    @Test func aMeetingMovedAwayAndBackIsRemindedAfterAll() throws {
        let world = try World()
        let rel = String(world.forloeb)
        let meeting = try #require(try world.run(["meeting", rel, "--at", "2026-03-19T08:00"]).id)
        // The reminders fall due at 08:00 and wait for the send window at 09:00.
        #expect(try world.tick("2026-03-18T08:00").mail.filter { $0.calendar != nil }.isEmpty)
        _ = try world.run(["meeting", "move", String(meeting), "--at", "2026-03-20T08:00"])
        #expect(try world.tick("2026-03-18T08:10").mail.filter { $0.calendar != nil }.isEmpty)
        // The reminders for the old time are there, expired: none at all would pass "all expired".
        let old = try rows(world, "meeting-reminder", "2026-03-19T08:00")
        #expect(!old.isEmpty && old.allSatisfy { $0["status"] as? String == "expired" }, "\(old)")

        _ = try world.run(["meeting", "move", String(meeting), "--at", "2026-03-19T08:00"])
        let reminded = try world.tick("2026-03-18T09:00").mail.filter { $0.start == "20260319T080000" }
        #expect(Set(reminded.flatMap(\.to)) == ["soren@example.dk", "amira@example.dk"])
        #expect(reminded.allSatisfy { $0.property("SEQUENCE") == "2" && $0.property("METHOD") == "REQUEST" })
        // One row per recipient and channel, sent once, and nothing again at the next cycle.
        let sent = try rows(world, "meeting-reminder", "2026-03-19T08:00")
        #expect(!sent.isEmpty && sent.allSatisfy { $0["status"] as? String == "sent" }, "\(sent)")
        #expect(try world.tick("2026-03-18T09:10").mail.filter { $0.calendar != nil }.isEmpty)
    }

    @Test func aContactRemovedBringsBackTheNudgeItWithdrew() throws {
        let world = try World()
        let rel = String(world.forloeb)
        _ = try world.run(["contact", rel, "--date", "2026-03-03", "--minutes", "60"])
        // 21 days of silence: the nudge to the mentor falls due on 2026-03-24 and, the send window
        // closed at 20:00, waits for the morning.
        _ = try world.tick("2026-03-24T20:30")
        #expect(try rows(world, "contact-nudge").map { $0["status"] as? String } == ["pending"])
        _ = try world.run(["contact", rel, "--date", "2026-03-24", "--minutes", "30"])
        let mistake = try #require(
            try world.cli.json(["contact", "list", rel, "--json"]).first { $0["date"] as? String == "2026-03-24" }?[
                "id"] as? Int64)
        _ = try world.tick("2026-03-24T20:40")
        #expect(try rows(world, "contact-nudge").map { $0["status"] as? String } == ["expired"])

        _ = try world.run(["contact", "remove", String(mistake)])
        #expect(try world.tick("2026-03-25T09:00").mail.contains { $0.to == ["soren@example.dk"] })
        #expect(try rows(world, "contact-nudge").map { $0["status"] as? String } == ["sent"])
    }
}
