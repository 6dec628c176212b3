import Foundation
import MentorModel
import MentorStore
import Notifier
import Scheduler
import Testing

@testable import MentorNotifyCore

/// Holiday cover is one edit of the config with dates (SPEC.md "Leaders come and go").
@Suite struct LeaderCoverTests {
    static let config = """
        {"programs": [{"id": "symb", "preset": "symb",
          "leaders": [
            {"name": "Elias", "email": "elias@example.dk", "away": [{"from": "2026-07-06", "until": "2026-07-19"}]},
            {"name": "Karin", "email": "karin@example.dk", "from": "2026-07-06", "until": "2026-07-19"}]}]}
        """

    @Test func leadersDatesAreRead() throws {
        let config = try Config.parse(Data(Self.config.utf8))
        let leaders = try config.program("symb").leaders
        #expect(leaders[0].away == [DateSpan(from: LocalDate("2026-07-06")!, until: LocalDate("2026-07-19")!)])
        #expect(leaders[0].from == nil && leaders[0].until == nil)
        #expect(leaders[1].from == LocalDate("2026-07-06") && leaders[1].until == LocalDate("2026-07-19"))
    }

    @Test(arguments: [
        (#""from": "2026-07-32""#, "programs[0].leaders[0].from", "is not a date"),
        (#""from": "2026-07-20", "until": "2026-07-19""#, "programs[0].leaders[0].until", "is before from"),
        (#""away": [{"from": "2026-07-06"}]"#, "programs[0].leaders[0].away[0]", "needs \"from\" and \"until\""),
        (
            #""away": [{"from": "2026-07-06", "until": "2026-07-01"}]"#, "programs[0].leaders[0].away[0].until",
            "is before from"
        ),
        (
            #""away": [{"from": "2026-07-06", "until": "2026-07-08", "why": "ferie"}]"#,
            "programs[0].leaders[0].away[0].why", "unknown key"
        ),
        (#""away": {"from": "2026-07-06"}"#, "programs[0].leaders[0].away", "must be a list"),
    ])
    func badDatesAreRefusedByKey(fields: String, key: String, message: String) {
        let json = """
            {"programs": [{"id": "symb", "preset": "symb", "leaders": [{"name": "Elias", "email": "e@example.dk", \(fields)}]}]}
            """
        #expect {
            _ = try Config.parse(Data(json.utf8))
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.key == key && error.message.contains(message)
        }
    }

    /// What people write back reaches who leads that day, too.
    @Test func aReplyForwardGoesToTheLeaderOnDuty() throws {
        let world = try World()
        let cycle = world.scratch.cycle
        let core = ReplyCore(store: world.store, config: cycle.config, catalog: cycle.catalog, logger: cycle.logger)
        let program = try cycle.config.program("symb")
        let variables = ["sender": "Søren", "text": "-", "about": "-", "channel": "e-mail", "date": "-"]
        for (at, address) in [("2026-07-10T10:00", "karin@example.dk"), ("2026-07-20T10:00", "elias@example.dk")] {
            #expect(
                try core.forwardToLeaders(
                    program: program, person: 1, relationshipID: nil, period: at, variables: variables,
                    now: try world.scratch.instant(at)))
            let rows = try world.store.outbox().filter { $0.rule == .replyForward && $0.key.hasSuffix(at) }
            #expect(rows.map(\.leaderAddress) == [address], "\(at)")
        }
    }

    /// Days without a leader are warned of ahead of time by `check`, the cycle's log and `status`,
    /// without making the daemon unhealthy (alerts go to who leads next).
    @Test func daysWithoutALeaderAreWarnedOf() throws {
        let cli = CLIHarness()
        let zone = Zone.copenhagen
        let today = zone.local(Int64(Date().timeIntervalSince1970)).date
        let (from, until) = (today.adding(days: 2), today.adding(days: 4))
        cli.write(
            "config.json",
            """
            {"programs": [{"id": "symb", "preset": "symb", "leaders": [{"name": "Elias", "email": "e@example.dk",
              "away": [{"from": "\(from)", "until": "\(until)"}]}]}]}
            """)
        let check = try cli.run(["check"])
        #expect(check.code == 0, "\(check.err)")
        let warning = "program 'symb' has no leader on duty on 3 days from \(from) to \(until): its alerts go to Elias"
        #expect(check.out.contains("warning: " + warning), "\(check.out)")
        _ = try cli.forloeb(program: "symb")
        let tick = try cli.run(["tick"])
        #expect(tick.err.contains("event=no-leader-ahead"), "\(tick.err)")
        #expect(!(try cli.run(["tick"]).err.contains("no-leader-ahead")), "once a day")
        let status = try cli.run(["status"])
        #expect(status.code == 0, "\(status.out) \(status.err)")
        #expect(status.out.contains("WARNING: " + warning), "\(status.out)")
    }

    struct World {
        let scratch: SpoolCycle
        var store: Store { scratch.store }

        init() throws { scratch = try SpoolCycle(config: LeaderCoverTests.config) }

        /// A forløb whose last contact was on `last`: its missed-contact alert falls due 30 days later.
        func forloeb(last: String) throws -> Int64 { try scratch.forloeb(last: last, suffix: last) }

        func run(_ at: String) throws { _ = try scratch.cycle.run(now: try scratch.instant(at)) }

        func alerts(_ id: Int64) throws -> [OutboxRow] {
            try store.outbox().filter { $0.rule == .missedContact && $0.relationshipID == id }
        }
    }

    /// An alert on a day the usual leader is away goes to the cover, and the texts name the cover.
    @Test func whileTheLeaderIsAwayTheCoverGetsTheAlertAndIsTheContact() throws {
        let world = try World()
        let id = try world.forloeb(last: "2026-06-10")
        try world.run("2026-07-10T10:00")
        let alerts = try world.alerts(id)
        #expect(alerts.count == 1)
        #expect(alerts.first?.leaderAddress == "karin@example.dk")
        #expect(alerts.first?.status == .sent)
        #expect(alerts.first?.body?.contains("Hej Karin") == true)
        let nudge = try #require(try world.store.outbox().first { $0.rule == .contactNudge })
        #expect(nudge.body?.contains("Karin på karin@example.dk") == true, "\(nudge.body ?? "")")
        #expect(nudge.body?.contains("Elias") == false)
    }

    /// A message waiting for a leader who goes away is handed to the cover; one that reached a leader
    /// is not sent again to the next one.
    @Test func waitingAlertsAreHandedOverAndDeliveredOnesAreNotRepeated() throws {
        let world = try World()
        let sent = try world.forloeb(last: "2026-06-03")
        try world.run("2026-07-03T10:00")
        #expect(try world.alerts(sent).map(\.status) == [.sent])
        // Due on the 5th, found after the send window closed: it waits for the morning.
        let waiting = try world.forloeb(last: "2026-06-05")
        try world.run("2026-07-05T21:00")
        let pending = try world.alerts(waiting)
        #expect(pending.map(\.status) == [.pending])
        #expect(pending.first?.leaderAddress == "elias@example.dk")
        // The morning of the 6th Elias is away: Karin gets it, and not the one Elias already has.
        try world.run("2026-07-06T10:00")
        let handed = try world.alerts(waiting)
        #expect(handed.count == 2)
        #expect(handed.first { $0.leaderAddress == "elias@example.dk" }?.status == .expired)
        #expect(handed.first { $0.leaderAddress == "elias@example.dk" }?.reason?.contains("handed over") == true)
        #expect(handed.first { $0.leaderAddress == "karin@example.dk" }?.status == .sent)
        #expect(try world.alerts(sent).count == 1)
        // Elias back: nothing repeated to anyone.
        try world.run("2026-07-20T10:00")
        #expect(try world.alerts(waiting).count == 2)
        #expect(try world.alerts(sent).count == 1)
    }
}
