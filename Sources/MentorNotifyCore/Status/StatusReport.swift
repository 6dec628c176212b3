import Foundation
import MentorModel
import MentorStore
import Notifier

/// What `status` reports, read in one snapshot.
struct StatusReport {
    var summary: OutboxSummary
    /// The latest moment any cycle acted for (`tick --at` included), and when the last real
    /// cycle ran.
    var lastCycle: Int64?
    var ranAt: Int64?
    /// The last cycle's moment when a `tick --at` set it (not a real cycle); nil otherwise.
    var actingFor: Int64?
    var held: [ChannelHold]
    var problems: [String]
    /// Days ahead without a leader on duty: said, but not unhealthy (alerts go to a fallback).
    var warnings: [String] = []
    /// The last cycle ran recently, by the wall clock.
    var fresh: Bool
    /// Why cycles run but do not plan (skipped, or none planned within the limit); nil: they plan.
    var notPlanning: String?
    /// The replies mailbox, when answers are read.
    var mailbox: MailboxState?
    /// How old the last real cycle may be.
    var maxAgeMinutes: Int
    /// The newest backup, when the config has a `backup` section.
    var backup: BackupAge?

    /// Why the service is not healthy, worst first: one judgement for `status` (exit 1) and
    /// `/healthz` (503 with these lines).
    var failures: [String] {
        var lines: [String] = []
        if !fresh { lines.append("no cycle in the last \(maxAgeMinutes) minutes") }
        if let notPlanning { lines.append("not planning: \(notPlanning)") }
        lines += held.map { "\($0.channel.rawValue) held: \($0.reason)" }
        lines += problems.map { "unwatched: \($0)" }
        if let mailbox, mailbox.failingSince != nil {
            lines.append("replies mailbox failing: \(mailbox.reason ?? "unknown")")
        }
        if let failure = backup?.failure { lines.append(failure) }
        return lines
    }

    var healthy: Bool { failures.isEmpty }
}

extension StatusReport {
    /// The report for `config` at `now` (the wall clock for `status`, the endpoint's clock for
    /// `/healthz`): the cycles, the outbox, the mailbox and the backups, judged once for both.
    static func read(_ store: Store, config: Config, now: Int64) throws -> StatusReport {
        var report = try read(store, maxAgeMinutes: config.statusMaxAgeMinutes, readsReplies: config.replies != nil)
        report.backup = config.backup.map {
            BackupAge(folder: $0.dir, newest: BackupFolder(path: $0.dir).newest?.at, now: now)
        }
        return report
    }

    /// Health is judged by when the last cycle really ran, not by the moment it acted for: a
    /// `tick --at` in the future must not make a stopped daemon look alive.
    /// A daemon that runs but does not plan (its cycles skipped) is not healthy either.
    /// `readsReplies`: the replies mailbox is read (`replies` configured), so its state counts.
    static func read(_ store: Store, maxAgeMinutes: Int, readsReplies: Bool) throws -> StatusReport {
        func number(_ key: String) throws -> Int64? { try store.meta(key).flatMap { Int64($0) } }
        func lines(_ key: String) throws -> [String] {
            (try store.meta(key) ?? "").split(separator: "\n").map(String.init)
        }
        let (summary, last, lastReal, wall, planned, skipped, holds, problems, warnings, mailbox) = try store.read {
            (
                try store.outboxSummary(), try number(CycleMarks.lastCycle), try number(CycleMarks.lastRealCycle),
                try number(CycleMarks.ranAt),
                try number(CycleMarks.plannedAt), try store.meta(CycleMarks.skipped), try store.channelHolds(),
                try lines("problems"), try lines("warnings"),
                readsReplies ? try store.mailboxState(MailboxPoller.stateName) : nil
            )
        }
        let now = Int64(Date().timeIntervalSince1970)
        func recent(_ moment: Int64?) -> Bool {
            moment.map { $0 <= now + 60 && now - $0 <= Int64(maxAgeMinutes) * 60 } ?? false
        }
        // Only real cycles mark when they ran; a database from before the wall mark has its last
        // real cycle's moment. A `tick --at` moment is never a sign of life.
        let ranAt = wall ?? lastReal
        var notPlanning: String?
        if let skipped, !skipped.isEmpty {
            notPlanning = skipped
        } else if recent(ranAt), !recent(planned ?? ranAt) {
            // A database from before this was recorded counts its last run as planning.
            notPlanning = "no cycle planned in the last \(maxAgeMinutes) minutes"
        }
        return StatusReport(
            summary: summary, lastCycle: last, ranAt: ranAt, actingFor: last.flatMap { $0 == lastReal ? nil : $0 },
            held: holds.values.sorted { $0.channel < $1.channel }, problems: problems, warnings: warnings,
            fresh: recent(ranAt), notPlanning: notPlanning, mailbox: mailbox, maxAgeMinutes: maxAgeMinutes)
    }
}

/// How old the newest backup is, judged against SPEC.md's two days: the daily timer may miss one
/// run (a reboot at its hour) without an alarm, not two.
struct BackupAge {
    static let limit: Int64 = 2 * 86_400

    var folder: String
    /// When the newest copy was taken (from its name); nil: there is none.
    var newest: Int64?
    var now: Int64

    var age: Int64? { newest.map { max(now - $0, 0) } }

    var failure: String? {
        guard let age else {
            return "no backup in \(folder) yet (or the folder cannot be read); run `mentor-notify backup` "
                + "and check mentor-notify-backup.timer"
        }
        guard age > BackupAge.limit else { return nil }
        return "the newest backup in \(folder) is \(BackupAge.describe(age)) old (more than 2 days); "
            + "check mentor-notify-backup.timer (journalctl -u mentor-notify-backup)"
    }

    /// `5 h`, `3 d 4 h`: what a person reads at a glance.
    static func describe(_ seconds: Int64) -> String {
        let hours = seconds / 3600
        return hours < 48 ? "\(hours) h" : "\(hours / 24) d \(hours % 24) h"
    }
}
