import Foundation
import MentorStore
import Testing

/// A leader's alert says which reminders really went, as the outbox has them when it is written:
/// "both have had a reminder" only when both were sent.
@Suite struct ReminderFactsTests {
    @Test func theFirstMeetingAlertSaysWhichRemindersWent() throws {
        let cli = CLIHarness()
        cli.write(
            "config.json",
            """
            { "programs": [ { "id": "djoef", "preset": "djoef",
                "leaders": [ { "name": "Louise Berg", "email": "louise@example.dk" } ] } ] }
            """)
        _ = try cli.forloeb(program: "djoef")
        #expect(try cli.run(["tick", "--at", "2026-03-09T10:00"]).code == 0)
        let database = try Database(path: cli.folder + "/test.db")
        // The mentor's reminder went; the mentee's failed.
        try database.run(
            "UPDATE outbox SET status = 'sent', sent_at = 1 WHERE rule = 'first-meeting' AND role = 'mentor'")
        try database.run("UPDATE outbox SET status = 'failed' WHERE rule = 'first-meeting' AND role = 'mentee'")
        #expect(try cli.run(["tick", "--at", "2026-03-16T10:00"]).code == 0)
        let alert = try #require(
            try database.queryOne("SELECT body FROM outbox WHERE rule = 'first-meeting-overdue'") { $0.string(0) })
        #expect(!alert.contains("Begge"), "\(alert)")
        #expect(alert.contains("Søren Mikkelsen har fået en påmindelse, men det har Amira Hansen ikke"), "\(alert)")
    }
}
