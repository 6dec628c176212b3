import Foundation
import MentorModel
import MentorStore
import Testing

/// SPEC.md "The outbox": an evaluation request stays worth sending until the next one falls due;
/// after downtime it goes late, and its reminder follows a week after it really went.
@Suite(.serialized) struct EvaluationCatchUpTests {
    /// The evaluation rows of the outbox, by key: (status, sentAt).
    func evaluationRows(_ cli: CLIHarness) throws -> [String: (status: String, sentAt: String?)] {
        var rows: [String: (status: String, sentAt: String?)] = [:]
        for row in try cli.json(["outbox", "--json"]) {
            guard let key = row["key"] as? String, key.hasPrefix("evaluation"), let status = row["status"] as? String
            else { continue }
            rows[key] = (status, row["sentAt"] as? String)
        }
        return rows
    }

    /// mentorshoppen asks every 3 months: 2026-06-02 for a forløb started 2026-03-02. The daemon is
    /// down from 2026-06-01 10:00 to 2026-06-09 10:00, past the request's old "useless after" (a week).
    @Test func eightDaysDownAcrossAnEvaluationDateSendsItLateWithItsReminderAWeekAfter() throws {
        let cli = CLIHarness()
        let (_, _, forloeb) = try cli.forloeb()
        #expect(try cli.run(["contact", String(forloeb), "--date", "2026-03-05", "--minutes", "60"]).code == 0)
        for day in ["2026-05-25", "2026-05-28", "2026-06-01"] {
            #expect(try cli.run(["tick", "--at", day + "T10:00"]).code == 0)
        }
        #expect(try evaluationRows(cli).isEmpty)

        let late = try cli.run(["tick", "--at", "2026-06-09T10:00"])
        #expect(late.code == 0, "\(late.err)")
        let afterDowntime = try evaluationRows(cli)
        for role in ["mentor", "mentee"] {
            let request = afterDowntime["evaluation:\(forloeb):\(role):2026-06-02"]
            #expect(request?.status == "sent", "\(role): \(String(describing: request))")
            #expect(request?.sentAt?.hasPrefix("2026-06-09T10:00") == true, "\(String(describing: request))")
        }
        // The reminder is a week after the request went, not a week after its date.
        #expect(!afterDowntime.keys.contains { $0.hasPrefix("evaluation-reminder") })
        #expect(try cli.run(["tick", "--at", "2026-06-12T10:00"]).code == 0)
        #expect(try cli.run(["tick", "--at", "2026-06-16T08:30"]).code == 0)
        #expect(!(try evaluationRows(cli)).keys.contains { $0.hasPrefix("evaluation-reminder") })

        #expect(try cli.run(["tick", "--at", "2026-06-16T09:05"]).code == 0)
        let reminded = try evaluationRows(cli)
        for role in ["mentor", "mentee"] {
            let reminder = reminded["evaluation-reminder:\(forloeb):\(role):2026-06-02"]
            #expect(reminder?.status == "sent", "\(role): \(String(describing: reminder))")
            #expect(reminder?.sentAt?.hasPrefix("2026-06-16T09:05") == true, "\(String(describing: reminder))")
        }
        #expect(reminded.values.allSatisfy { $0.status == "sent" }, "\(reminded)")
    }

    /// Planning leaves out a request that went on every channel, never one with a row still waiting:
    /// a cycle withdraws a pending row whose key it no longer plans.
    @Test func aRequestThatWentByEmailKeepsItsWaitingSMSRow() throws {
        let cli = CLIHarness()
        let (_, mentee, forloeb) = try cli.forloeb()
        #expect(try cli.run(["contact", String(forloeb), "--date", "2026-03-05", "--minutes", "60"]).code == 0)
        #expect(try cli.run(["tick", "--at", "2026-06-02T10:00"]).code == 0)
        let key = "evaluation:\(forloeb):mentee:2026-06-02"
        #expect(try evaluationRows(cli)[key]?.status == "sent")
        // A row of the same request on another channel, not yet sent (a number added since, say).
        let store = try Store(path: cli.environment["MENTOR_NOTIFY_DB"] ?? cli.folder + "/test.db")
        try store.enqueue(
            [
                OutboxRow(
                    key: key, channel: .sms, rule: .evaluation, role: .mentee, recipient: mentee,
                    program: "mentorshoppen", relationshipID: forloeb, language: .da, subject: nil, body: "b",
                    notBefore: 0, expiresAt: nil, inWindow: true, afterEnd: false)
            ], now: 1_780_394_400)  // 2026-06-02 12:00 in Copenhagen
        // After the send window: the cycle plans (and withdraws what it no longer plans), sends nothing.
        #expect(try cli.run(["tick", "--at", "2026-06-02T21:30"]).code == 0)
        let sms = try store.outbox().first { $0.key == key && $0.channel == .sms }
        #expect(sms?.status == .pending, Comment(rawValue: sms?.reason ?? "-"))
    }
}
