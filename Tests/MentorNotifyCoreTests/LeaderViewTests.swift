import Foundation
import MentorStore
import Testing

/// The leader's views and ends, through the command line: `end --reason`, `forloeb list|show`,
/// `attention`, and names in `plan` and `outbox`.
@Suite(.serialized) struct LeaderViewTests {
    /// A pair ended three days after its periodic evaluation went out: each person gets that one
    /// request and one reminder, and nothing after the reminder.
    @Test func anEarlyEndGivesOneEvaluationAndOneReminderEach() throws {
        let cli = CLIHarness()
        let (mentor, mentee, forloeb) = try cli.forloeb()
        #expect(try cli.run(["tick", "--at", "2026-06-01T10:00"]).code == 0)
        #expect(try cli.run(["tick", "--at", "2026-06-02T10:00"]).code == 0)
        let refused = try cli.run(["end", String(forloeb), "--date", "2026-06-05", "--reason", "Amira fik job"])
        #expect(refused.code == 65 && refused.err.contains("mentee-left"))
        let ended = try cli.run(["end", String(forloeb), "--date", "2026-06-05", "--reason", "mentee-left"])
        #expect(ended.code == 0 && ended.out.contains("mentee-left"), "\(ended.err)")
        var day = 3
        var month = 6
        while month < 8 || day <= 10 {
            let at = String(format: "2026-%02d-%02dT10:00", month, day)
            #expect(try cli.run(["tick", "--at", at]).code == 0, "\(at)")
            (month, day) = day == (month == 6 ? 30 : 31) ? (month + 1, 1) : (month, day + 1)
        }
        let sent = try cli.json(["outbox", "--json"]).filter { ($0["status"] as? String) == "sent" }
        for person in [mentor, mentee] {
            let theirs = sent.filter { ($0["recipient"] as? Int).map(Int64.init) == person }
            let evaluations = theirs.filter { ($0["rule"] as? String) == "evaluation" }
            let reminders = theirs.filter { ($0["rule"] as? String) == "evaluation-reminder" }
            #expect(evaluations.count == 1, "\(person): \(evaluations.map { $0["key"] ?? "" })")
            #expect(reminders.count == 1, "\(person): \(reminders.map { $0["key"] ?? "" })")
            let last = reminders.compactMap { $0["sentAt"] as? String }.first ?? ""
            let after = theirs.filter { ($0["sentAt"] as? String ?? "") > last }
            #expect(after.isEmpty, "\(person) after the reminder: \(after.map { $0["key"] ?? "" })")
        }
        let list = try cli.json(["forloeb", "list", "--all", "--json"])
        #expect(list.first?["endReason"] as? String == "mentee-left")
        #expect(list.first?["status"] as? String == "ended")
        #expect(try cli.json(["forloeb", "list", "--json"]).isEmpty)
    }

    @Test func theFocusListSaysWhyAndSinceWhenMostUrgentFirst() throws {
        let cli = CLIHarness()
        let (_, mentee, forloeb) = try cli.forloeb()
        let before = try cli.json(["attention", "--at", "2026-03-15T10:00", "--json"])
        #expect(before.isEmpty, "\(before)")
        let items = try cli.json(["attention", "--at", "2026-03-20T10:00", "--json"])
        #expect(items.map { $0["reason"] as? String } == ["first-meeting-not-held"])
        #expect(items.first?["since"] as? String == "2026-03-02")
        #expect(items.first?["mentor"] as? String == "Søren Mikkelsen")
        #expect(items.first?["mentee"] as? String == "Amira Hansen")
        #expect((items.first?["relationship"] as? Int).map(Int64.init) == forloeb)
        // The first-meeting message to Amira failed: that comes before the meeting not held.
        #expect(try cli.run(["tick", "--at", "2026-03-09T10:00"]).code == 0)
        let database = try Database(path: cli.folder + "/test.db")
        try database.run(
            "UPDATE outbox SET status = 'failed', reason = 'bounced' WHERE recipient = ? AND rule = 'first-meeting'",
            [mentee])
        var reasons = try cli.json(["attention", "--at", "2026-03-20T10:00", "--json"]).map { $0["reason"] as? String }
        #expect(reasons == ["message-failed", "first-meeting-not-held"])
        // Amira has email only: opted out of it, nothing reaches her, and that comes first.
        #expect(try cli.run(["person", "opt-out", String(mentee), "--channel", "email"]).code == 0)
        reasons = try cli.json(["attention", "--at", "2026-03-20T10:00", "--json"]).map { $0["reason"] as? String }
        #expect(reasons == ["unreachable", "message-failed", "first-meeting-not-held"])
        let text = try cli.run(["attention", "--at", "2026-03-20T10:00"])
        #expect(text.out.contains("Amira Hansen") && text.out.contains("opted out of email"))
        #expect(try cli.run(["attention", "--program", "nowhere"]).code == 65)
    }

    @Test func aPairsTimelineAndNamesInPlanAndOutbox() throws {
        let cli = CLIHarness()
        let (mentor, mentee, forloeb) = try cli.forloeb()
        let plan = try cli.json(["plan", "--at", "2026-03-09T10:00", "--json"])
        #expect(!plan.isEmpty)
        #expect(plan.allSatisfy { ["Søren Mikkelsen", "Amira Hansen"].contains($0["name"] as? String) })
        #expect(try cli.run(["plan", "--at", "2026-03-09T10:00"]).out.contains("mentee \(mentee) Amira Hansen"))
        #expect(try cli.run(["tick", "--at", "2026-03-09T10:00"]).code == 0)
        #expect(try cli.run(["contact", String(forloeb), "--date", "2026-03-10", "--minutes", "90"]).code == 0)
        #expect(try cli.run(["tick", "--at", "2026-03-17T10:00"]).code == 0)
        let outbox = try cli.json(["outbox", "--json"])
        #expect(!outbox.isEmpty)
        #expect(outbox.allSatisfy { ($0["name"] as? String)?.isEmpty == false }, "\(outbox.map { $0["name"] ?? "" })")
        let list = try cli.run(["forloeb", "list"])
        #expect(list.out.contains("Søren Mikkelsen (\(mentor))") && list.out.contains("2026-03-10"))
        let shown = try cli.run(["forloeb", "show", String(forloeb), "--json"])
        let show = (try? JSONSerialization.jsonObject(with: Data(shown.out.utf8)) as? [String: Any]) ?? [:]
        #expect(show["mentee"] as? String == "Amira Hansen" && show["status"] as? String == "running")
        let timeline = show["timeline"] as? [[String: Any]] ?? []
        #expect(timeline.contains { $0["kind"] as? String == "contact" && $0["minutes"] as? Int == 90 })
        #expect(
            timeline.contains {
                $0["kind"] as? String == "message" && $0["rule"] as? String == "first-meeting"
                    && $0["role"] as? String == "mentee" && $0["status"] as? String == "sent"
            })
        let text = try cli.run(["forloeb", "show", String(forloeb)])
        #expect(text.out.contains("first-meeting to mentor by email: sent"), "\(text.out)")
        // After forget, a name reads "(forgotten)".
        #expect(try cli.run(["forget", String(mentee)]).code == 0)
        #expect(try cli.run(["outbox"]).out.contains("(forgotten)"))
    }
}
