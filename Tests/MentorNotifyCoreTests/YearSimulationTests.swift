import Foundation
import MentorModel
import MentorStore
import Notifier
import Scheduler
import Testing
import Transport

@testable import MentorNotifyCore

/// A year of cycles over a few hundred forløb: each follow-up is enqueued exactly once, exactly the
/// keys that "what is due and still useful" named at the cycles' moments, and nothing stale is sent.
@Suite(.serialized) struct YearSimulationTests {
    struct Run {
        var keys: Set<String> = []
        var rows: [OutboxRow] = []
        /// The `end` keys the population's own dates call for, worked out here and not by the
        /// scheduler: the pairs never end early, so each ends on its start plus its program's months.
        var expectedEnds: Set<String> = []
        /// Cycles that left out planning (`IdlePlan`).
        var idleCycles = 0
    }

    /// Runs cycles at the given hour offsets from 2026-01-05 00:00 and collects what was due at each.
    func simulate(hours: [Int64], pairsPerProgram: Int, skipsIdlePlanning: Bool = true) throws -> Run {
        let folder = NSTemporaryDirectory() + "mentor-notify-year-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var config = Config.builtIn()
        config.retentionDays = 1000
        let from = LocalDate("2026-01-05")!
        let store = try Store(path: folder + "/sim.db")
        let population = try DemoPopulation.create(
            in: store, config: config, from: from, pairsPerProgram: pairsPerProgram)
        let catalog = try TemplateCatalog.load(
            directory: CLIHarness.repository.appendingPathComponent("templates").path)
        let spool = SpoolTransport(directory: folder + "/spool")
        let cycle = Cycle(
            store: store, config: config, catalog: catalog, logger: Logger(level: .error), email: spool, sms: spool)
        cycle.skipsIdlePlanning = skipsIdlePlanning
        let zone = config.zone
        let start = zone.instant(from, .midnight)
        var run = Run()
        let last = zone.local(start + (hours.max() ?? 0) * 3600).date
        // `create` gives each program in turn its `pairsPerProgram` pairs.
        for (index, pair) in population.pairs.enumerated() {
            let end = pair.start.adding(months: config.programs[index / pairsPerProgram].durationMonths)
            if end <= last { run.expectedEnds.formUnion(["mentor", "mentee"].map { "end:\(pair.id):\($0):\(end)" }) }
        }
        var played = Set<LocalDate>()
        for hour in hours {
            let now = start + hour * 3600
            let local = zone.local(now)
            // The pairs' activity of every evening up to now (a catch-up run skips none of it).
            var day = played.max()?.adding(days: 1) ?? from
            while day <= local.date {
                if day < local.date || local.time.hour >= 21 {
                    try population.play(
                        store: store, on: LocalDateTime(day, LocalTime(hour: 21, minute: 0)!), zone: zone)
                    played.insert(day)
                }
                day = day.adding(days: 1)
            }
            let report = try cycle.run(now: now)
            run.keys.formUnion(report.dueKeys.union(report.staleKeys))
            if report.idle { run.idleCycles += 1 }
        }
        run.rows = try store.outbox()
        return run
    }

    /// Cycle hours through a year, each gap between 1 and `longestGap` hours (the daemon down).
    static func irregularHours(seed: UInt64, longestGap: Int64) -> [Int64] {
        var generator = SeededGenerator(seed: seed)
        var hours: [Int64] = []
        var hour: Int64 = 0
        while hour < 365 * 24 {
            hours.append(hour)
            hour += Int64.random(in: 1...longestGap, using: &generator)
        }
        return hours
    }

    func checkInvariants(_ run: Run, zone: Zone) {
        let pairs = run.rows.map { "\($0.key)|\($0.channel.rawValue)" }
        #expect(Set(pairs).count == pairs.count, "a (key, channel) was enqueued twice")
        #expect(Set(run.rows.map(\.key)) == run.keys, "the outbox differs from what was due")
        #expect(!run.expectedEnds.isEmpty)
        #expect(
            run.keys.filter { $0.hasPrefix("end:") } == run.expectedEnds,
            "end keys: \(run.keys.filter { $0.hasPrefix("end:") }.symmetricDifference(run.expectedEnds).sorted())")
        // The checks of what was sent below need something sent.
        #expect(run.rows.contains { $0.status == .sent })
        for row in run.rows where row.status == .sent {
            let sent = row.sentAt ?? 0
            if let expires = row.expiresAt { #expect(sent < expires, "\(row.key) sent after it expired") }
            if row.inWindow {
                let local = zone.local(sent)
                #expect(local.time.hour >= 9 && local.time.hour < 20, "\(row.key) sent at \(local)")
            }
        }
        #expect(!run.rows.contains { $0.status == .sending }, "a lease was left behind")
    }

    @Test func hourlyForAYearAndIrregularCatchUpAgreeWithThePlan() throws {
        let zone = Zone.copenhagen
        let hourly = try simulate(hours: Array(0..<(365 * 24)), pairsPerProgram: 40)
        #expect(hourly.rows.count > 3000)
        #expect(
            Set(hourly.rows.map(\.rule)).count >= 14, "rules seen: \(Set(hourly.rows.map(\.rule.rawValue)).sorted())")
        checkInvariants(hourly, zone: zone)

        // The same year with the daemon down for up to three days at a time.
        var hours = Self.irregularHours(seed: 2026, longestGap: 72)
        // Both runs end at the same moment, so neither has a tail the other has not reached.
        if hours.last != 365 * 24 - 1 { hours.append(365 * 24 - 1) }
        let irregular = try simulate(hours: hours, pairsPerProgram: 40)
        checkInvariants(irregular, zone: zone)
        #expect(irregular.keys.isSubset(of: hourly.keys), "catch-up enqueued something hourly cycles never saw")
        let missed = hourly.keys.subtracting(irregular.keys)
        // Nothing is silently missing: what catch-up did not send is in the outbox as expired, with the
        // reason. Only a follow-up whose condition stopped holding before the catch-up cycle (the
        // pair met, answered the evaluation, logged the hours meanwhile; or the request it reminds of
        // never went out) is rightly absent: those rules depend on what the pairs did.
        let dependOnActivity: Set<String> = [
            "first-meeting", "after-first-meeting", "evaluation", "evaluation-reminder", "monthly-hours",
            "contact-nudge", "missed-contact",
        ]
        let unexplained = missed.filter { !dependOnActivity.contains(String($0.prefix { $0 != ":" })) }
        #expect(unexplained.isEmpty, "missing without a trace: \(unexplained.sorted().prefix(20))")
        let stale = irregular.rows.filter {
            $0.reason?.hasPrefix("went stale while mentor-notify was not running") == true
        }
        #expect(!stale.isEmpty)
        #expect(stale.allSatisfy { $0.status == .expired && $0.body == nil })
        #expect(!irregular.keys.filter { $0.hasPrefix("missed-contact") }.isEmpty)
    }
}

extension YearSimulationTests {
    /// A row as a comparison sees it: every field, the random tokens in the body named by kind.
    static func comparable(_ row: OutboxRow) -> String {
        var body = row.body ?? "nil"
        for (token, name) in [
            (row.messageToken, "MESSAGE"), (row.unsubscribeToken, "UNSUBSCRIBE"), (row.invitationToken, "INVITATION"),
        ] {
            if let token, !token.isEmpty { body = body.replacingOccurrences(of: token, with: name) }
        }
        let fields: [Any?] = [
            row.id, row.key, row.channel, row.rule, row.role, row.recipient, row.leaderAddress, row.program,
            row.relationshipID, row.language, row.subject, row.calendar != nil, row.status, row.attempts,
            row.notBefore, row.expiresAt, row.inWindow, row.afterEnd, row.sentAt, row.reason, row.createdAt, body,
        ]
        return fields.map { $0.map { "\($0)" } ?? "nil" }.joined(separator: "|")
    }

    /// An idle cycle (`IdlePlan`) plans nothing, so it must change nothing: a year of hourly cycles,
    /// and of irregular ones with downtime, leave the same outbox with and without it.
    @Test func leavingOutIdlePlanningChangesNoMessage() throws {
        let hourly: [Int64] = Array(0..<(365 * 24))
        // Hourly, most hours change nothing; with gaps of up to 30 hours most cycles cross a midnight.
        for (hours, leastIdle) in [(hourly, hourly.count / 3), (Self.irregularHours(seed: 7, longestGap: 30), 20)] {
            let planned = try simulate(hours: hours, pairsPerProgram: 6, skipsIdlePlanning: false)
            let idle = try simulate(hours: hours, pairsPerProgram: 6, skipsIdlePlanning: true)
            #expect(planned.idleCycles == 0)
            #expect(idle.idleCycles > leastIdle, "\(idle.idleCycles) of \(hours.count) cycles idle")
            #expect(planned.rows.count > 500)
            let expected = planned.rows.map(Self.comparable)
            let actual = idle.rows.map(Self.comparable)
            #expect(expected.count == actual.count)
            let differing = zip(expected, actual).filter { $0 != $1 }
            #expect(differing.isEmpty, "\(differing.prefix(3))")
            #expect(planned.keys == idle.keys)
        }
    }
}

/// A small deterministic generator (SplitMix64), so a failing run can be repeated.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
