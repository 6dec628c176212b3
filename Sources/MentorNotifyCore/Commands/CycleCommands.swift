import Foundation
import MentorModel
import MentorStore
import Notifier
import Scheduler
import Transport

enum CycleCommands {
    /// `--at` as an instant in the configured zone, or the real clock.
    static func now(_ args: Arguments, _ config: Config) throws -> Int64 {
        guard let raw = args.value("at") else { return Int64(Date().timeIntervalSince1970) }
        return config.zone.instant(try Validate.dateTime(raw, field: "at"))
    }

    static func plan(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "plan", options: ["at"], switches: ["json"])
        try args.noPositionals()
        let config = context.config
        let now = try now(args, config)
        let store = try context.openStore()
        let (state, followUps, _, _) = try StateLoader.plan(store, config: config, now: now)
        let zone = config.zone
        let names = Names(people: state.people, programs: config.schedulerSettings.programs)
        func name(_ followUp: FollowUp) -> String {
            names.recipient(
                role: followUp.role, recipient: followUp.recipient, program: followUp.program,
                leaderIndex: followUp.leaderIndex)
        }
        if args.flag("json") {
            context.output.json(objects: followUps) { followUp, members in
                members.strings("channels", followUp.channels.lazy.map(\.rawValue))
                members.time("expiresAt", followUp.expiresAt, in: zone)
                members.string("key", followUp.key.description)
                members.string("name", name(followUp))
                members.time("notBefore", followUp.notBefore, in: zone)
                members.string("program", followUp.program)
                members.int("recipient", followUp.recipient)
                members.string("role", followUp.role.rawValue)
                members.string("rule", followUp.rule.rawValue)
            }
            return
        }
        context.output.line("due at \(zone.iso8601(now)): \(followUps.count) follow-ups")
        context.output.table(
            ["NOT BEFORE", "RULE", "TO", "CHANNELS", "EXPIRES", "KEY"],
            followUps.map { followUp in
                [
                    String(zone.iso8601(followUp.notBefore).prefix(16)), followUp.rule.rawValue,
                    names.label(followUp.role, followUp.recipient, name: name(followUp)),
                    followUp.channels.map(\.rawValue).joined(separator: ","),
                    followUp.expiresAt.map { String(zone.iso8601($0).prefix(16)) } ?? "-", followUp.key.description,
                ]
            })
    }

    static func tick(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "tick", options: ["at"])
        try args.noPositionals()
        let now = try now(args, context.config)
        let store = try context.openStore()
        let running = try RunLock.delivering(context.databasePath)
        defer { withExtendedLifetime(running) {} }
        let real = args.value("at") == nil
        if !real { try refuseAhead(now, store: store, zone: context.config.zone) }
        let composition = Composition(context)
        let cycle = try composition.cycle(store: store)
        // A moment given with --at is a what-if: real cycles neither compare with it nor catch up from it.
        let report = try cycle.run(now: now, real: real)
        if let behind = report.behind {
            // Not an error (exit 0): time does not go back, so the moment was simply not acted for.
            context.output.line(
                "skipped: \(context.config.zone.iso8601(now)) is before the last cycle "
                    + "(\(context.config.zone.iso8601(behind))); nothing was planned or sent")
            return
        }
        context.output.line(
            "enqueued \(report.enqueued), sent \(report.delivery.sent), retrying \(report.delivery.retried), "
                + "failed \(report.delivery.failed), expired \(report.delivery.expired + report.withdrawn), "
                + "suppressed \(report.delivery.suppressed)")
    }

    /// A `tick --at` ahead of the wall clock on a database real cycles use would send people today
    /// what is due then (and never at its time), and record as gone stale what has not happened yet.
    static func refuseAhead(_ moment: Int64, store: Store, zone: Zone) throws {
        let wall = Int64(Date().timeIntervalSince1970)
        guard moment > wall + 60, let last = try store.meta(CycleMarks.lastRealCycle).flatMap({ Int64($0) }) else {
            return
        }
        throw CLIError(
            .usage,
            "tick: --at \(zone.iso8601(moment)) is in the future, and this database is in use (its last real cycle "
                + "ran \(zone.iso8601(last))): it would send now what is due then; use `plan --at` to see what "
                + "would happen, or try it on a copy (--db)")
    }

    static func run(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "run", options: [])
        try args.noPositionals()
        try Daemon(context: context).run()
    }

    static func outbox(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "outbox", options: ["status"], switches: ["json"])
        try args.noPositionals()
        let status = try args.value("status").map { raw throws(CLIError) -> OutboxStatus in
            guard let value = OutboxStatus(rawValue: raw) else {
                throw CLIError(
                    .dataError,
                    "outbox: --status must be one of \(OutboxStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return value
        }
        let store = try context.openStore()
        let rows = try store.outbox(status: status)
        let zone = context.config.zone
        func time(_ value: Int64?) -> JSON { .optional(value.map { zone.iso8601($0) }) }
        let names = Names(
            people: try store.peopleForScheduling(), programs: context.config.schedulerSettings.programs)
        func name(_ row: OutboxRow) -> String {
            names.recipient(
                role: row.role, recipient: row.recipient, program: row.program, leaderAddress: row.leaderAddress)
        }
        if args.flag("json") {
            context.output.json(
                array: rows.map { row in
                    .object([
                        ("attempts", .int(Int64(row.attempts))), ("channel", .string(row.channel.rawValue)),
                        ("delivery", .optional(row.delivery)), ("deliveredAt", time(row.deliveredAt)),
                        ("expiresAt", time(row.expiresAt)), ("id", .int(row.id)), ("key", .string(row.key)),
                        ("name", .string(name(row))),
                        ("notBefore", time(row.notBefore)), ("program", .optional(row.program)),
                        ("providerId", .optional(row.providerID)), ("reason", .optional(row.reason)),
                        ("recipient", .optional(row.recipient)), ("role", .string(row.role.rawValue)),
                        ("rule", .string(row.rule.rawValue)),
                        ("segments", .optional(row.segments.map(Int64.init))), ("sentAt", time(row.sentAt)),
                        ("status", .string(row.status.rawValue)),
                    ])
                })
            return
        }
        context.output.table(
            ["ID", "STATUS", "RULE", "TO", "CH", "TRIES", "NOT BEFORE", "REASON"],
            rows.map { row in
                [
                    String(row.id), row.status.rawValue, row.rule.rawValue,
                    names.label(row.role, row.recipient, name: name(row)), row.channel.rawValue,
                    String(row.attempts),
                    String(zone.iso8601(row.notBefore).prefix(16)), row.reason ?? "",
                ]
            })
    }

    /// `outbox retry ID... | --failed-since DATE`: failed messages back in the queue.
    static func retry(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "outbox retry", options: ["failed-since"])
        let config = context.config
        let since = try args.value("failed-since").map {
            config.zone.instant(try Validate.date($0, field: "failed-since"), .midnight)
        }
        let ids = try args.positionals.map { raw throws(CLIError) -> Int64 in
            guard let id = Int64(raw), id > 0 else {
                throw CLIError(.dataError, "outbox retry: '\(raw)' is not an outbox id (a whole number)")
            }
            return id
        }
        guard ids.isEmpty != (since == nil) else {
            throw CLIError(
                .usage, "outbox retry: give outbox ids or --failed-since DATE (one of them); see `outbox retry --help`")
        }
        let store = try context.openStore()
        let now = Int64(Date().timeIntervalSince1970)
        let requeued = try store.retryFailed(ids: ids.isEmpty ? nil : ids, failedSince: since, now: now)
        for id in ids where !requeued.contains(id) {
            context.output.error(
                "mentor-notify: outbox retry: \(id) was not re-queued: it is not a failed message, or its moment has passed"
            )
        }
        for id in requeued {
            context.logger.info("outbox-retry", ["outbox": String(id)])
            context.output.line(String(id))
        }
        if requeued.isEmpty {
            throw CLIError(.dataError, "outbox retry: nothing to re-queue")
        }
    }
}
