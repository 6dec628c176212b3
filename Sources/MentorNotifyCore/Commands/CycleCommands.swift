import Foundation
import MentorModel
import MentorStore
import Notifier
import Scheduler

enum CycleCommands {
    /// `--at` as an instant in the configured zone, or the real clock.
    static func now(_ args: Arguments, _ config: Config) throws -> Int64 {
        guard let raw = args.value("at") else { return Int64(Date().timeIntervalSince1970) }
        return config.zone.instant(try Validate.dateTime(raw, field: "at"))
    }

    static func makeCycle(_ context: Context, store: Store, control: TransferControl = TransferControl()) throws
        -> Cycle
    {
        let config = context.config
        let catalog = try TemplateCatalog.load(directory: Paths.templates(config.templates))
        // A text edited so that a long name would push an SMS past two segments stops the start.
        try SMSLength.check(catalog, longest: config.smsLongest)
        let (email, sms) = try Transports.make(config, environment: context.environment, control: control)
        let cycle = Cycle(
            store: store, config: config, catalog: catalog, logger: context.logger, email: email, sms: sms)
        cycle.heartbeat = control.heartbeat
        if let replies = config.replies {
            cycle.poller = try makePoller(replies, context: context, store: store, catalog: catalog, control: control)
        }
        return cycle
    }

    /// The replies mailbox: IMAP when configured, else the spool's `replies` folder (the demo).
    static func makePoller(
        _ replies: RepliesSettings, context: Context, store: Store, catalog: TemplateCatalog,
        control: TransferControl
    ) throws -> MailboxPoller {
        let config = context.config
        let mailbox: any ReplyMailbox
        if let imap = replies.imap {
            mailbox = IMAPMailbox(
                settings: imap, password: try Transports.imapPassword(imap, environment: context.environment),
                control: control)
        } else {
            mailbox = SpoolMailbox(directory: config.spool + "/replies")
        }
        let core = ReplyCore(store: store, config: config, catalog: catalog, logger: context.logger)
        var own: Set<String> = [replies.address]
        if let from = config.email?.from { own.insert(EmailSettings.address(of: from).lowercased()) }
        return MailboxPoller(mailbox: mailbox, core: core, ownAddresses: own)
    }

    static func plan(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "plan", options: ["at"], switches: ["json"])
        try args.noPositionals()
        let config = context.config
        let now = try now(args, config)
        let store = try context.openStore()
        let (state, followUps, _) = try StateLoader.plan(store, config: config, now: now)
        let zone = config.zone
        let names = Names(people: state.people, programs: config.schedulerSettings.programs)
        func name(_ followUp: FollowUp) -> String {
            names.recipient(
                role: followUp.role, recipient: followUp.recipient, program: followUp.program,
                leaderIndex: followUp.leaderIndex)
        }
        if args.flag("json") {
            context.output.json(
                array: followUps.map { followUp in
                    .object([
                        ("channels", .array(followUp.channels.map { .string($0.rawValue) })),
                        ("expiresAt", .optional(followUp.expiresAt.map { zone.iso8601($0) })),
                        ("key", .string(followUp.key.description)),
                        ("name", .string(name(followUp))),
                        ("notBefore", .string(zone.iso8601(followUp.notBefore))),
                        ("program", .string(followUp.program)),
                        ("recipient", .optional(followUp.recipient)),
                        ("role", .string(followUp.role.rawValue)),
                        ("rule", .string(followUp.rule.rawValue)),
                    ])
                })
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
        let real = args.value("at") == nil
        if !real { try refuseAhead(now, store: store, zone: context.config.zone) }
        let cycle = try makeCycle(context, store: store)
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

        var healthy: Bool {
            fresh && notPlanning == nil && problems.isEmpty && held.isEmpty && mailbox?.failingSince == nil
        }
    }

    static func status(_ context: Context, _ words: [String]) throws {
        let args = try Arguments(words, command: "status", options: [], switches: ["json"])
        try args.noPositionals()
        let store = try context.openStore()
        let config = context.config
        var report = try statusReport(store, maxAgeMinutes: config.statusMaxAgeMinutes)
        if config.replies != nil { report.mailbox = try store.mailboxState(MailboxPoller.stateName) }
        if args.flag("json") {
            printStatusJSON(report, context: context)
        } else {
            printStatusText(report, context: context)
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
    }

    /// Health is judged by when the last cycle really ran, not by the moment it acted for: a
    /// `tick --at` in the future must not make a stopped daemon look alive.
    /// A daemon that runs but does not plan (its cycles skipped) is not healthy either.
    static func statusReport(_ store: Store, maxAgeMinutes: Int) throws -> StatusReport {
        func number(_ key: String) throws -> Int64? { try store.meta(key).flatMap { Int64($0) } }
        func lines(_ key: String) throws -> [String] {
            (try store.meta(key) ?? "").split(separator: "\n").map(String.init)
        }
        let (summary, last, lastReal, wall, planned, skipped, holds, problems, warnings) = try store.read {
            (
                try store.outboxSummary(), try number(CycleMarks.lastCycle), try number(CycleMarks.lastRealCycle),
                try number(CycleMarks.ranAt),
                try number(CycleMarks.plannedAt), try store.meta(CycleMarks.skipped), try store.channelHolds(),
                try lines("problems"), try lines("warnings")
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
            fresh: recent(ranAt), notPlanning: notPlanning)
    }

    static func printStatusJSON(_ report: StatusReport, context: Context) {
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
        context.output.json(
            .object([
                ("config", .string(context.config.source)), ("counts", .object(counts)),
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

    static func printStatusText(_ report: StatusReport, context: Context) {
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
