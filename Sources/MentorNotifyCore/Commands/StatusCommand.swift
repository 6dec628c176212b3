import Foundation
import MentorModel
import MentorStore
import Notifier

/// `mentor-notify status`: the health of the running service, from the store alone.
enum StatusCommand {
    static func run(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "status", options: [], switches: ["json"])
        try args.noPositionals()
        let store = try context.openStore()
        let config = context.config
        let report = try StatusReport.read(store, config: config, now: Int64(Date().timeIntervalSince1970))
        if args.flag("json") {
            printJSON(report, context: context)
        } else {
            printText(report, context: context)
        }
        if !report.fresh {
            throw CLIError(
                .failure,
                "status: the last cycle is older than \(config.statusMaxAgeMinutes) minutes (or never ran); is `mentor-notify run` running?"
            )
        }
        if let reason = report.notPlanning {
            throw CLIError(
                .failure, "status: cycles run but plan nothing: \(reason); see the log's cycle-skipped lines")
        }
        if let hold = report.held.first {
            throw CLIError(
                .failure, "status: \(hold.channel.rawValue) cannot be delivered (messages wait): \(hold.reason)")
        }
        if let problem = report.problems.first {
            throw CLIError(.failure, "status: forløb go unwatched: \(problem)")
        }
        if let mailbox = report.mailbox, mailbox.failingSince != nil {
            throw CLIError(.failure, "status: the replies mailbox cannot be read: \(mailbox.reason ?? "unknown")")
        }
        if let failure = report.backup?.failure {
            throw CLIError(.failure, "status: \(failure)")
        }
    }
    static func printJSON(_ report: StatusReport, context: Context) {
        let zone = context.config.zone
        let counts = OutboxStatus.allCases.map(\.rawValue).sorted().map { name in
            (name, JSON.int(Int64(report.summary.counts[OutboxStatus(rawValue: name) ?? .pending] ?? 0)))
        }
        let held = report.held.map { hold in
            JSON.object([
                ("channel", .string(hold.channel.rawValue)), ("reason", .string(hold.reason)),
                ("retryAt", .string(zone.iso8601(hold.retryAt))), ("since", .string(zone.iso8601(hold.since))),
            ])
        }
        let replies: JSON =
            report.mailbox.map { mailbox in
                .object([
                    ("failingSince", .optional(mailbox.failingSince.map { zone.iso8601($0) })),
                    ("lastOk", .optional(mailbox.lastOK.map { zone.iso8601($0) })),
                    ("lastPoll", .optional(mailbox.lastPoll.map { zone.iso8601($0) })),
                    ("reason", .optional(mailbox.reason)),
                ])
            } ?? .optional(nil as String?)
        let backup: JSON =
            report.backup.map { backup in
                .object([
                    ("ageSeconds", .optional(backup.age)), ("folder", .string(backup.folder)),
                    ("newest", .optional(backup.newest.map { zone.iso8601($0) })),
                ])
            } ?? .optional(nil as String?)
        context.output.json(
            .object([
                ("backup", backup), ("config", .string(context.config.source)), ("counts", .object(counts)),
                ("healthy", .bool(report.healthy)),
                ("heldChannels", .array(held)), ("lastCycle", .optional(report.lastCycle.map { zone.iso8601($0) })),
                ("lastCycleRanAt", .optional(report.ranAt.map { zone.iso8601($0) })),
                ("maxAgeMinutes", .int(Int64(context.config.statusMaxAgeMinutes))),
                ("nextDue", .optional(report.summary.nextDue.map { zone.iso8601($0) })),
                ("notPlanning", .optional(report.notPlanning)),
                ("oldestPending", .optional(report.summary.oldestPending.map { zone.iso8601($0) })),
                ("problems", .array(report.problems.map { .string($0) })),
                ("replies", replies), ("warnings", .array(report.warnings.map { .string($0) })),
            ]))
    }

    static func printText(_ report: StatusReport, context: Context) {
        let zone = context.config.zone
        let output = context.output
        output.line("config:         \(context.config.source)")
        output.line("last cycle:     \(report.ranAt.map { zone.iso8601($0) } ?? "never")")
        if let moment = report.actingFor {
            output.line("  acting for:   \(zone.iso8601(moment)) (tick --at)")
        }
        output.line(
            "outbox:         "
                + OutboxStatus.allCases.map { "\($0.rawValue) \(report.summary.counts[$0] ?? 0)" }.joined(
                    separator: ", "))
        output.line("oldest pending: \(report.summary.oldestPending.map { zone.iso8601($0) } ?? "-")")
        output.line("next due:       \(report.summary.nextDue.map { zone.iso8601($0) } ?? "-")")
        for hold in report.held {
            output.line(
                "HELD \(hold.channel.rawValue): since \(zone.iso8601(hold.since)), next try \(zone.iso8601(hold.retryAt)): "
                    + hold.reason)
        }
        for problem in report.problems { output.line("UNWATCHED: \(problem)") }
        for warning in report.warnings { output.line("WARNING: \(warning)") }
        if let mailbox = report.mailbox {
            let polled = mailbox.lastPoll.map { zone.iso8601($0) } ?? "never"
            if let since = mailbox.failingSince {
                output.line("replies:        FAILING since \(zone.iso8601(since)): \(mailbox.reason ?? "")")
            } else {
                output.line("replies:        last read \(polled)")
            }
        }
        if let backup = report.backup {
            let newest = backup.newest.map { zone.iso8601($0) + " (\(BackupAge.describe(backup.age ?? 0)) ago)" }
            output.line("backup:         \(newest ?? "none") in \(backup.folder)")
        }
        let minutes = context.config.statusMaxAgeMinutes
        if !report.fresh {
            output.line("health:         STALE: no cycle in the last \(minutes) minutes")
        } else if let reason = report.notPlanning {
            output.line("health:         NOT PLANNING: \(reason)")
        } else {
            output.line("health:         ok")
        }
    }
}
