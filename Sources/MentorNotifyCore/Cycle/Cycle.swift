import Foundation
import MentorModel
import MentorStore
import Notifier
import Scheduler
import Transport

/// One cycle of the daemon: plan, render, enqueue by dedupe key, expire what stopped being due,
/// deliver what is ready. `tick` runs one; `run` runs them until SIGTERM.
final class Cycle {
    struct Report {
        var planned = 0
        var enqueued = 0
        var withdrawn = 0
        var closed = 0
        var bodiesDeleted = 0
        var delivery = Deliverer.Stats()
        /// The keys that were due at this cycle's moment.
        var dueKeys: Set<String> = []
        /// Forløb nobody would hear about (see `Watch`).
        var problems: [String] = []
        /// Days ahead without a leader on duty (see `Watch.warnings`).
        var warnings: [String] = []
        /// The moment was earlier than the last cycle's: nothing was planned.
        var clockBehind = false
        /// The last cycle's moment the skipped cycle was behind (set with `clockBehind`).
        var behind: Int64?
        /// Follow-ups that fell due and went stale while no cycle ran, recorded as expired now.
        var stale = 0
        var staleKeys: Set<String> = []
        /// What the replies mailbox held (nil: answers are not read).
        var replies: MailboxPoller.Report?
        /// Planning was left out: nothing it reads changed since the last plan (`IdlePlan`).
        var idle = false
    }

    let store: Store
    var config: Config { didSet { planFingerprint = nil } }
    var catalog: TemplateCatalog { didSet { planFingerprint = nil } }
    /// `IdlePlan.fingerprint` of `config` and `catalog`, worked out once (by `Composition.cycle(store:)`
    /// for a tick, which needs it first).
    var planFingerprint: String?
    /// Off: every cycle plans (the year simulation compares both ways).
    var skipsIdlePlanning = true
    let logger: Logger
    let email: any EmailTransport
    let sms: any SMSTransport
    /// The real time, whatever moment a cycle is asked to act at (`tick --at`): `status` judges
    /// health by it, so a cycle run for a future moment cannot make a dead daemon look alive.
    var wallClock: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }
    /// Beaten during long delivery passes (the daemon feeds systemd's watchdog from it).
    var heartbeat = Heartbeat()
    /// Reads the replies mailbox each cycle, before delivery (so confirmations go out at once).
    var poller: MailboxPoller?

    init(
        store: Store, config: Config, catalog: TemplateCatalog, logger: Logger, email: any EmailTransport,
        sms: any SMSTransport
    ) {
        self.store = store
        self.config = config
        self.catalog = catalog
        self.logger = logger
        self.email = email
        self.sms = sms
    }

    /// Enqueues and delivers; `shouldStop` lets SIGTERM end delivery between messages.
    ///
    /// - real: `now` is the wall clock's (the daemon, a plain `tick`); false for `tick --at`, a
    ///   what-if moment that real cycles then neither compare with nor catch up from.
    func run(
        now: Int64, real: Bool = true, deliver: Bool = true, shouldStop: @escaping @Sendable () -> Bool = { false }
    ) throws -> Report {
        var report = Report()
        // What the cycle itself cost (not the process around a `tick`): an idle one should be a
        // small constant, whatever the number of forløb (`bench/plan.sh` reads it).
        let started = ContinuousClock.now
        let today = config.zone.local(now).date
        let wallNow = wallClock()
        var warnNow = false
        try store.write {
            // Time going backwards (`tick --at` before the last cycle, a wall clock set back) plans
            // nothing: what was due then was planned then, and an earlier rule must never follow a
            // later one.
            let last = try CycleMarks.previous(store, real: real, wallNow: wallNow)
            if let last, now < last {
                report.clockBehind = true
                report.behind = last
                logger.warning(
                    "cycle-skipped",
                    [
                        "at": config.zone.iso8601(now), "last_cycle": config.zone.iso8601(last),
                        "reason": "clock behind",
                        "kind": real ? "real" : "tick-at",
                    ])
                if real {
                    try CycleMarks.skippedReal(
                        store,
                        description: "cycles skipped since \(config.zone.iso8601(now)): the clock is behind the last "
                            + "cycle (\(config.zone.iso8601(last)))")
                }
            } else {
                if !real, now > wallNow + 60 {
                    // What fell due by then is enqueued and sent now, like any message (and not again
                    // when the day comes); only `plan --at` looks without acting.
                    logger.warning("tick-ahead", ["at": config.zone.iso8601(now), "reason": "tick --at in the future"])
                }
                try plan(now: now, since: last, today: today, report: &report)
                try CycleMarks.planned(store, now: now, real: real, wallNow: wallNow)
            }
            // An idle cycle's forløb and config are the last plan's, on the same day: so are its problems.
            report.problems =
                report.idle
                ? (try store.meta("problems") ?? "").split(separator: "\n").map(String.init)
                : try Watch.problems(config: config, store: store, today: today)
            try store.setMeta("problems", report.problems.joined(separator: "\n"))
            report.warnings = Watch.warnings(config: config, today: today)
            try store.setMeta("warnings", report.warnings.joined(separator: "\n"))
            // Once a day is enough to be heard: the same warning every minute drowns the log.
            if !report.warnings.isEmpty, try store.meta("warned_day") != today.description {
                warnNow = true
                try store.setMeta("warned_day", today.description)
            }
            // Health is the real cycles' alone: a what-if must not make a stopped daemon look alive.
            if real { try store.setMeta(CycleMarks.ranAt, String(wallNow)) }
        }
        for problem in report.problems { logger.error("unwatched", ["problem": problem]) }
        if warnNow {
            for warning in report.warnings { logger.warning("no-leader-ahead", ["warning": warning]) }
        }
        if let poller, !report.clockBehind { report.replies = try poller.poll(now: now) }
        let local = config.zone.local(now)
        let window = config.schedulerSettings.isInWindow(local)
        // A pass that runs on past the window's end (a long backlog) must stop there, not send into
        // the evening.
        let windowClosesAfter = config.zone.instant(local.date, config.schedulerSettings.windowTo) - now
        // A lease is a write (and an fsync): only take one when there is something to send.
        // A held channel is left alone until its retry time.
        let open = ChannelHold.openChannels(try store.channelHolds(), now: now)
        if deliver, !report.clockBehind, try store.hasReadyRows(now: now, windowOpen: window, channels: open) {
            let deliverer = Deliverer(
                store: store, email: email, sms: sms, from: config.email?.from ?? Cycle.spoolFrom, zone: config.zone,
                logger: logger, heartbeat: heartbeat)
            deliverer.replyTo = config.replies?.address
            deliverer.publicURL = config.http?.publicURL
            report.delivery = try deliverer.deliver(
                now: now, windowOpen: window, windowClosesAfter: windowClosesAfter, shouldStop: shouldStop)
        }
        // A skipped cycle said so (`cycle-skipped`): a `cycle` line would claim it planned.
        if report.clockBehind { return report }
        logger.info(
            "cycle",
            [
                "at": config.zone.iso8601(now), "planned": String(report.planned), "enqueued": String(report.enqueued),
                "withdrawn": String(report.withdrawn), "sent": String(report.delivery.sent),
                "retried": String(report.delivery.retried), "failed": String(report.delivery.failed),
                "expired": String(report.delivery.expired), "suppressed": String(report.delivery.suppressed),
                "idle": report.idle ? "yes" : "no", "ms": Cycle.milliseconds(since: started),
            ])
        return report
    }

    static let spoolFrom = "mentor-notify <mentor-notify@localhost>"

    /// Milliseconds since `start`, with one decimal.
    static func milliseconds(since start: ContinuousClock.Instant) -> String {
        let elapsed = ContinuousClock.now - start
        let micros = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        return String(micros / 1000) + "." + String(micros % 1000 / 100)
    }

    /// Reads, plans and enqueues, inside the cycle's write transaction: two cycles at once (the
    /// daemon and a manual tick) then cannot plan from different snapshots, e.g. list the same
    /// failure twice.
    ///
    /// - since: the last cycle, to catch up from (`CycleMarks.previous`).
    private func plan(now: Int64, since: Int64?, today: LocalDate, report: inout Report) throws {
        let fingerprint = planFingerprint ?? IdlePlan.fingerprint(config: config, catalog: catalog)
        planFingerprint = fingerprint
        if skipsIdlePlanning,
            var idle = try IdlePlan.unchanged(store, fingerprint: fingerprint, since: since, now: now)
        {
            report.idle = true
            // This cycle had the last plan's outcome: the next one catches up from here.
            idle.plannedAt = now
            try idle.record(store)
            return
        }
        // Read before this plan writes: what it writes (rows enqueued, forløb closed) is seen by the
        // next cycle, which plans once more.
        let changeMark = try store.changeMark()
        let (state, followUps, stale, nextChange) = try StateLoader.plan(
            store, config: config, now: now, lastCycle: since)
        report.planned = followUps.count
        report.stale = try recordStale(stale, now: now)
        report.staleKeys = Set(stale.map(\.key.description))
        let due = Set(followUps.map(\.key.description))
        report.dueKeys = due
        let existing = try store.existingKeys(followUps.map(\.key.description))
        let new = followUps.filter { !existing.contains($0.key.description) }
        let delivered = try LeaderHandover.alreadyDelivered(new, config: config, store: store)
        var rows: [OutboxRow] = []
        for followUp in new where !delivered.contains(followUp.key) {
            rows += try rendering.rows(try MentorContact.added(to: followUp, store: store, config: config))
        }
        report.enqueued = try store.enqueue(rows, now: now)
        let toLeaders = Set(followUps.compactMap { LeaderHandover.anyLeader($0.key) })
        report.withdrawn = try withdraw(notIn: due, handedOver: toLeaders, now: now, today: today)
        // The failures listed in a delivery-failed message enqueued now are reported, and no others.
        let reportedPrograms = Set(followUps.filter { $0.rule == .deliveryFailed }.map(\.program))
        try store.markFailuresReported(
            state.failures.filter { reportedPrograms.contains($0.program) }.map(\.outboxID))
        report.closed = try store.closeCompleted(today: today)
        // Retention once a day: it looks at every sent row, which need not happen every minute.
        if try store.meta("retention_day") != today.description {
            report.bodiesDeleted = try store.deleteSentBodies(
                sentBefore: now - Int64(config.retentionDays) * 86_400)
            // Who opted out when is kept as long as texts, and at least until the digest listed it.
            try store.deleteOptOutEvents(before: now - Int64(max(config.retentionDays, 62)) * 86_400)
            try store.setMeta("retention_day", today.description)
        }
        if let changeMark {
            try IdlePlan(fingerprint: fingerprint, changeMark: changeMark, plannedAt: now, nextChange: nextChange)
                .record(store)
        } else {
            try IdlePlan.clear(store)
        }
    }

    /// Pending rows whose follow-up is no longer due (a contact was logged, the end moved, the
    /// forløb ended): suppressed when the forløb ended, else expired, each with its reason.
    /// `handedOver`: leader messages still due, to the leaders on duty today (`LeaderHandover.anyLeader`).
    private func withdraw(notIn due: Set<String>, handedOver: Set<MessageKey>, now: Int64, today: LocalDate) throws
        -> Int
    {
        var count = 0
        for row in try store.pendingRows()
        where !due.contains(row.key) && row.rule != .deliveryFailed && !row.rule.answersAReply {
            if let id = row.relationshipID, let relationship = try? store.relationship(id),
                !MessagePolicy.forloebAllows(relationship, afterEnd: row.afterEnd, on: today)
            {
                try store.markFinal(row.id, status: .suppressed, reason: "the forløb has ended", now: now)
            } else if let other = MessageKey.parse(row.key).flatMap(LeaderHandover.anyLeader),
                handedOver.contains(other)
            {
                try store.markFinal(
                    row.id, status: .expired,
                    reason: "handed over: its leader is not on duty on \(today), it goes to who is", now: now)
            } else if !MessagePolicy.stillWorthSending(expiresAt: row.expiresAt, now: now) {
                // Its moment passed while it waited (a held channel, the send window): say so.
                try store.markFinal(
                    row.id, status: .expired, reason: MessagePolicy.expiredReason(lastError: row.reason), now: now)
            } else {
                try store.markFinal(row.id, status: .expired, reason: Store.withdrawnReason, now: now)
            }
            logger.info("withdrawn", ["outbox": String(row.id), "rule": row.rule.rawValue])
            count += 1
        }
        return count
    }

    private var rendering: MessageRendering { MessageRendering(config: config, catalog: catalog) }

    /// What fell due and went stale while no cycle ran becomes an `expired` row saying so: never
    /// silently missing.
    private func recordStale(_ followUps: [FollowUp], now: Int64) throws -> Int {
        guard !followUps.isEmpty else { return 0 }
        let zone = config.zone
        let rows = followUps.flatMap { followUp in
            followUp.channels.map { channel in
                var row = MessageRendering.outboxRow(followUp, channel: channel)
                row.status = .expired
                row.reason =
                    "went stale while mentor-notify was not running: due \(zone.iso8601(followUp.notBefore)), "
                    + "useless after \(followUp.expiresAt.map { zone.iso8601($0) } ?? "-")"
                return row
            }
        }
        let recorded = try store.enqueue(rows, now: now)
        if recorded > 0 { logger.warning("caught-up", ["stale": String(recorded), "at": zone.iso8601(now)]) }
        return recorded
    }
}
