import MentorModel
import Testing

@testable import Scheduler

/// Replies that could not be read belong to no program: every program's leaders hear of them in
/// the digest of the month after, with when they came and which folder they are in.
@Suite struct UnreadableDigestTests {
    @Test func everyProgramsDigestNamesLastMonthsUnreadableReplies() throws {
        var world = Fixture(presets: ["djoef", "symb"])
        let at = world.zone.instant(LocalDateTime("2026-04-10T12:00")!)
        world.state.unreadableLastMonth = [
            UnreadableMail(at: at, moved: true, folder: "Ulæselig"),
            UnreadableMail(at: at + 60, moved: false, folder: "INBOX"),
        ]
        let digests = world.plan("2026-05-01T09:00").filter { $0.rule == .monthlyDigest }
        #expect(Set(digests.map(\.program)) == ["djoef", "symb"])
        for digest in digests {
            #expect(
                TextLines.records(digest.variables["unreadable"] ?? "")
                    == [["2026-04-10", "moved", "Ulæselig"], ["2026-04-10", "left", "INBOX"]])
            #expect(digest.variables["lines"] == nil && digest.variables["optOuts"] == nil)
        }
        world.state.unreadableLastMonth = []
        #expect(!world.plan("2026-05-01T09:00").contains { $0.rule == .monthlyDigest })
    }
}
