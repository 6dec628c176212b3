import Foundation
import MentorModel
import MentorStore
import Notifier
import Testing

@testable import MentorNotifyCore

/// `tick --at` on a live database (SPEC.md "The leader's commands"): a what-if moment in the future
/// never makes the next real cycle count as earlier than the last, and a daemon whose cycles plan
/// nothing is not healthy.
@Suite struct WhatIfTickTests {
    @Test func aRealCycleAfterAFutureWhatIfPlansAndSends() throws {
        let scratch = try SpoolCycle()
        let (store, cycle) = (scratch.store, scratch.cycle)
        let wall = try scratch.instant("2026-03-09T10:00")
        cycle.wallClock = { wall }
        try scratch.forloeb(start: "2026-03-02", suffix: "1")
        #expect(try cycle.run(now: wall, real: true).delivery.sent == 2)
        // An operator asks what happens in April, on the live database.
        let whatIf = try cycle.run(now: try scratch.instant("2026-04-20T10:00"), real: false)
        #expect(!whatIf.clockBehind)
        // The daemon's next cycle, five minutes later by the wall clock: the first-meeting reminders of a pair just added go out.
        try scratch.forloeb(start: "2026-03-02", suffix: "2")
        let later = wall + 300
        cycle.wallClock = { later }
        let real = try cycle.run(now: later, real: true)
        #expect(!real.clockBehind)
        let rows = try store.outbox().map { "\($0.key) \($0.status)" }
        #expect(real.enqueued == 2 && real.delivery.sent == 2, "\(real.enqueued) \(real.delivery.sent) \(rows)")
        // A what-if moment before the what-if before it is still refused: time does not go back.
        #expect(try cycle.run(now: try scratch.instant("2026-04-01T10:00"), real: false).clockBehind)
        let report = try StatusReport.read(store, maxAgeMinutes: 60 * 24 * 365 * 10, readsReplies: false)
        #expect(report.notPlanning == nil)
    }

    @Test func aFutureTickAtDoesNotFreezeThePlainTick() throws {
        let cli = CLIHarness()
        _ = try cli.forloeb()
        #expect(try cli.run(["tick", "--at", "2030-01-01T10:00"]).code == 0)
        let tick = try cli.run(["tick"])
        #expect(tick.code == 0)
        #expect(!tick.err.contains("cycle-skipped"), "\(tick.err)")
        let status = try cli.run(["status"])
        #expect(status.code == 0, "\(status.out) \(status.err)")
        #expect(status.out.contains("health:         ok"))
    }

    /// A database frozen by an earlier version (its only "last cycle" a future `tick --at`) thaws
    /// with the first cycle after the upgrade.
    @Test func aDatabaseFrozenBeforeTheUpgradePlansAgain() throws {
        let cli = CLIHarness()
        _ = try cli.forloeb()
        let store = try Store(path: cli.folder + "/test.db")
        let future = String(Int64(Date().timeIntervalSince1970) + 30 * 86_400)
        try store.write { try store.setMeta("last_cycle", future) }
        let tick = try cli.run(["tick"])
        #expect(tick.code == 0)
        #expect(!tick.err.contains("cycle-skipped"), "\(tick.err)")
        #expect(try cli.run(["status"]).code == 0)
    }

    /// On a database real cycles use, a future `tick --at` would send people now what is due then:
    /// refused, naming `plan --at`, and nothing is written.
    @Test func aFutureTickAtOnALiveDatabaseIsRefused() throws {
        let cli = CLIHarness()
        _ = try cli.forloeb()
        #expect(try cli.run(["tick"]).code == 0)
        let before = try cli.json(["outbox", "--json"]).count
        let ahead = try cli.run(["tick", "--at", "2030-01-01T10:00"])
        #expect(ahead.code == 64)
        #expect(ahead.err.contains("plan --at"), "\(ahead.err)")
        #expect(try cli.json(["outbox", "--json"]).count == before)
        // A moment in the past is no risk to the daemon's cycles: it is skipped, as before.
        #expect(try cli.run(["tick", "--at", "2026-03-09T10:00"]).code == 0)
        #expect(try cli.run(["status"]).code == 0)
    }

    /// The wall clock went back (or a database from before real cycles were told apart): cycles run,
    /// plan nothing, and `status`, `status --json` and its exit code say so.
    @Test func cyclesThatPlanNothingAreNotHealthy() throws {
        let cli = CLIHarness()
        _ = try cli.forloeb()
        #expect(try cli.run(["tick"]).code == 0)
        let store = try Store(path: cli.folder + "/test.db")
        let tomorrow = String(Int64(Date().timeIntervalSince1970) + 86_400)
        try store.write {
            try store.setMeta("last_cycle", tomorrow)
            try store.setMeta("last_real_cycle", tomorrow)
        }
        let tick = try cli.run(["tick"])
        #expect(tick.err.contains("event=cycle-skipped"), "\(tick.err)")
        let status = try cli.run(["status"])
        #expect(status.code != 0, "\(status.out)")
        #expect(status.out.contains("health:         NOT PLANNING: cycles skipped since"), "\(status.out)")
        #expect(status.err.contains("plan nothing"), "\(status.err)")
        let json = try cli.run(["status", "--json"])
        #expect(json.code != 0)
        #expect(json.out.contains("\"healthy\" : false"), "\(json.out)")
        // Once the clock is right again, the next cycle plans and health returns.
        try store.write { try store.setMeta("last_real_cycle", "0") }
        #expect(try cli.run(["tick"]).code == 0)
        #expect(try cli.run(["status"]).code == 0)
    }

    /// A `tick --at` on a database whose daemon stopped two hours ago leaves it stale: health is
    /// the real cycles' alone (`status` and `/healthz` read the same report).
    @Test func aWhatIfDoesNotMakeAStoppedDaemonLookHealthy() throws {
        let cli = CLIHarness()
        _ = try cli.forloeb()
        #expect(try cli.run(["tick"]).code == 0)
        let store = try Store(path: cli.folder + "/test.db")
        let now = Int64(Date().timeIntervalSince1970)
        try store.write {
            for key in ["last_real_cycle", "last_cycle", "last_cycle_wall", "last_planned_wall"] {
                try store.setMeta(key, String(now - 7200))
            }
        }
        #expect(try cli.run(["status"]).code != 0)
        let whatIf = try cli.run(["tick", "--at", Self.local(now - 3600)])
        #expect(whatIf.code == 0, "\(whatIf.err)")
        #expect(whatIf.out.hasPrefix("enqueued"), "\(whatIf.out)")
        let status = try cli.run(["status"])
        #expect(status.code != 0, "\(status.out)")
        #expect(!status.out.contains("health:         ok"), "\(status.out)")
        #expect(try StatusReport.read(store, maxAgeMinutes: 60, readsReplies: false).fresh == false)
    }

    /// On a database no real cycle ever ran on, a `tick --at` a few minutes ago is no sign of life.
    @Test func aRecentWhatIfOnANewDatabaseIsNoSignOfLife() throws {
        let cli = CLIHarness()
        _ = try cli.forloeb()
        #expect(try cli.run(["tick", "--at", Self.local(Int64(Date().timeIntervalSince1970) - 120)]).code == 0)
        let status = try cli.run(["status"])
        #expect(status.code == 1, "\(status.out)")
        #expect(status.out.contains("last cycle:     never"), "\(status.out)")
    }

    /// A plain tick acts for its own moment: `status` names no `tick --at`. A what-if behind the
    /// last cycle says plainly on stdout that it did nothing, and logs no `cycle` it did not run.
    @Test func aRealTickIsNotLabelledAWhatIfAndASkippedWhatIfSaysSo() throws {
        let cli = CLIHarness()
        _ = try cli.forloeb()
        #expect(try cli.run(["tick"]).code == 0)
        let status = try cli.run(["status"])
        #expect(status.code == 0, "\(status.out) \(status.err)")
        #expect(!status.out.contains("acting for"), "\(status.out)")
        // The wall mark is read a moment after the cycle's own clock: a second apart is still no what-if.
        let store = try Store(path: cli.folder + "/test.db")
        let now = Int64(Date().timeIntervalSince1970)
        try store.write {
            for key in ["last_real_cycle", "last_cycle"] { try store.setMeta(key, String(now - 1)) }
            for key in ["last_cycle_wall", "last_planned_wall"] { try store.setMeta(key, String(now)) }
        }
        let second = try cli.run(["status"])
        #expect(second.code == 0 && !second.out.contains("acting for"), "\(second.out)")
        let skipped = try cli.run(["tick", "--at", Self.local(Int64(Date().timeIntervalSince1970) - 86_400)])
        #expect(skipped.code == 0)
        #expect(skipped.out.hasPrefix("skipped: "), "\(skipped.out)")
        #expect(!skipped.out.contains("enqueued"), "\(skipped.out)")
        #expect(skipped.err.contains("event=cycle-skipped"), "\(skipped.err)")
        #expect(!skipped.err.contains("event=cycle "), "\(skipped.err)")
    }

    /// `--at`'s form for an instant: local time in Copenhagen, to the minute.
    static func local(_ instant: Int64) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Europe/Copenhagen")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(instant)))
    }
}
