import Dispatch
import Foundation
public import MentorStore

/// Takes ready outbox rows through their state machine: lease, check, send outside any
/// transaction, record sent / retry / failed / expired / suppressed. Nothing is lost: a lease left
/// by a killed process comes back after it expires.
public final class Deliverer {
    public struct Stats: Sendable, Equatable {
        public var sent = 0
        public var retried = 0
        public var failed = 0
        public var expired = 0
        public var suppressed = 0
        public var released = 0
        public init() {}
    }

    let store: Store
    let email: any EmailTransport
    let sms: any SMSTransport
    let from: String
    let zone: Zone
    let logger: Logger
    public var leaseSeconds: Int64 = 300
    /// Rows leased at a time; also how many sent marks one fsync covers (see `deliveryBarrier`).
    public var batchSize = 200
    /// A message still failing this long after it was queued is given up.
    public var giveUpSeconds: Int64 = 5 * 86_400
    /// Calendars prepared in this pass, by stored event: a café evening's invitations all carry the
    /// same one (nil: the event could not be read).
    private var calendars: [String: ICalendar.Prepared?] = [:]
    /// The domain of the sender's address, for Message-IDs.
    private let messageIDDomain: String
    /// The From header, built once rather than per message.
    private let fromMailbox: String

    public init(
        store: Store, email: any EmailTransport, sms: any SMSTransport, from: String, zone: Zone, logger: Logger
    ) {
        self.store = store
        self.email = email
        self.sms = sms
        self.from = from
        self.zone = zone
        self.logger = logger
        self.messageIDDomain = Deliverer.messageIDDomain(from: from)
        self.fromMailbox = MailMessage.mailbox(from)
    }

    /// Postfix-style backoff: 5 minutes, doubling, at most 4000 s (about an hour).
    public static func backoff(attempt: Int) -> Int64 {
        let base: Int64 = 300
        let shift = min(max(attempt - 1, 0), 10)
        return min(base << Int64(shift), 4000)
    }

    /// Delivers what is ready at `now`. `shouldStop` is asked before each message (SIGTERM).
    /// `windowClosesAfter`: seconds from `now` until the send window closes, when it is open; a pass
    /// still running then (a long backlog) starts no more messages meant for the window.
    ///
    /// Two threads share the work. This one leases a batch and prepares its messages (checks,
    /// rendering) while a sender thread transmits the batch before it, and then records that batch's
    /// outcomes in the store. The sender only transmits and writes each sent mark to the journal, so
    /// the network never waits on the bookkeeping, and a kill still finds at most one message in flight.
    @discardableResult
    public func deliver(
        now: Int64, windowOpen: Bool, windowClosesAfter: Int64? = nil,
        shouldStop: @escaping @Sendable () -> Bool = { false }
    ) throws -> Stats {
        var stats = Stats()
        // The pass's own clock: `now` plus real time elapsed (monotonic), for the window's end.
        let started = DispatchTime.now()
        let windowDeadline = windowOpen ? windowClosesAfter.map { started + .seconds(Int(max($0, 0))) } : nil
        func windowStillOpen() -> Bool {
            guard windowOpen else { return false }
            guard let windowDeadline else { return true }
            return DispatchTime.now() < windowDeadline
        }
        let journal = SentJournal(databasePath: store.database.path)
        // Marks left by a process that died go in first, so none of its sent messages is leased again.
        try SentJournal.recover(databasePath: store.database.path, into: store, except: journal?.path)
        try store.relaxDurabilityForDelivery()
        let sender = Sender(email: email, sms: sms, journal: journal, now: now, shouldStop: shouldStop)
        defer {
            // Whatever ended the pass, the sender is idle before the transports and the journal close.
            _ = sender.finish()
            email.finishBatch()
            sms.finishBatch()
            try? journal?.finish(to: store)
            try? store.deliveryBarrier()
            calendars.removeAll()
        }
        var seen = Set<Int64>()
        var inFlight = Batch()
        var stopped = false
        while true {
            Heartbeat.shared.beat()
            var next = Batch()
            stopped = stopped || shouldStop()
            if !stopped {
                try journal?.commit(to: store)
                try store.deliveryBarrier()
                try store.relaxDurabilityForDelivery()
                next = try prepareBatch(now: now, windowOpen: windowStillOpen(), seen: &seen, stats: &stats)
            }
            guard !inFlight.messages.isEmpty else {
                guard !next.messages.isEmpty else { break }
                sender.start(next.messages, leaseDeadline: next.leaseDeadline, windowDeadline: windowDeadline)
                inFlight = next
                continue
            }
            let outcomes = sender.finish()
            stopped = stopped || shouldStop() || outcomes.contains(where: Sender.Outcome.isStop)
            if stopped {
                for outgoing in next.messages { try releaseUnsent(outgoing.row, now: now, stats: &stats) }
                next = Batch()
            }
            // The next batch goes out at once; this batch's outcomes are recorded while it does.
            if !next.messages.isEmpty {
                sender.start(next.messages, leaseDeadline: next.leaseDeadline, windowDeadline: windowDeadline)
            }
            try journal?.commit(to: store)
            for (outgoing, outcome) in zip(inFlight.messages, outcomes) {
                try record(outgoing, outcome, now: now, seen: &seen, stats: &stats)
            }
            inFlight = next
            if inFlight.messages.isEmpty && stopped { break }
        }
        return stats
    }

    /// Messages leased together, and when the sender must stop starting them: halfway through their
    /// lease, so a batch slowed down by a timing-out server never sends a row whose lease another
    /// process could have taken over. Measured on the monotonic clock from the moment of leasing: it
    /// is about real time elapsed, not the injected `now`.
    struct Batch {
        var messages: [Outgoing] = []
        var leaseDeadline = DispatchTime.now()
    }

    /// Leases the next batch and prepares its messages; rows that cannot be sent are finished here.
    /// Empty when nothing new is ready.
    private func prepareBatch(now: Int64, windowOpen: Bool, seen: inout Set<Int64>, stats: inout Stats) throws
        -> Batch
    {
        while true {
            let leased = DispatchTime.now()
            let rows = try store.lease(now: now, leaseSeconds: leaseSeconds, limit: batchSize, windowOpen: windowOpen)
            let fresh = rows.filter { !seen.contains($0.id) }
            // Never send a row twice in one pass. This should not happen (a retry waits at least five
            // minutes, a requeued row leaves `seen`), but if it does, the lease is given back at once.
            for row in rows where seen.contains(row.id) { try store.release(row.id, now: now) }
            guard !fresh.isEmpty else { return Batch() }
            // One read for the batch's recipients and forløb, not one per message.
            let batch = try store.read {
                (
                    people: try store.people(ids: Array(Set(fresh.compactMap(\.recipient)))),
                    relationships: try store.relationships(ids: Array(Set(fresh.compactMap(\.relationshipID))))
                )
            }
            var outgoing: [Outgoing] = []
            for row in fresh {
                seen.insert(row.id)
                if let ready = try prepare(
                    row, now: now, people: batch.people, relationships: batch.relationships, stats: &stats)
                {
                    outgoing.append(ready)
                }
            }
            // A batch of nothing but suppressions: lease the next one rather than end the pass.
            if !outgoing.isEmpty {
                let half = Double(max(leaseSeconds, 2)) / 2
                return Batch(messages: outgoing, leaseDeadline: leased + half)
            }
        }
    }

    private func releaseUnsent(_ row: OutboxRow, now: Int64, stats: inout Stats) throws {
        try store.release(row.id, now: now)
        stats.released += 1
    }

    private func finish(
        _ row: OutboxRow, _ status: OutboxStatus, _ reason: String, now: Int64, address: String?,
        stats: inout Stats
    ) throws {
        try store.markFinal(row.id, status: status, reason: reason, now: now)
        switch status {
        case .failed: stats.failed += 1
        case .expired: stats.expired += 1
        default: stats.suppressed += 1
        }
        log(status == .failed ? .warning : .info, row, to: address, result: status.rawValue, reason: reason)
    }

    /// The delivery event for a row that ended, or went back, with a reason.
    private func log(_ level: Logger.Level, _ row: OutboxRow, to address: String?, result: String, reason: String) {
        logger.log(
            level, "delivery",
            [
                "outbox": String(row.id), "rule": row.rule, "channel": row.channel.rawValue, "to": Logger.mask(address),
                "result": result, "reason": reason,
            ])
    }

    /// The message for a leased row, or nil when the row was finished here instead (expired,
    /// suppressed, or its email could not be built).
    private func prepare(
        _ row: OutboxRow, now: Int64, people: [Int64: Person], relationships: [Int64: Relationship], stats: inout Stats
    ) throws -> Outgoing? {
        if let expires = row.expiresAt, expires <= now {
            let reason =
                row.reason.map { "expired before it could be sent (last error: \($0))" }
                ?? "expired before it could be sent"
            try finish(row, .expired, reason, now: now, address: nil, stats: &stats)
            return nil
        }
        var address: String?
        if row.role == "leader" {
            address = row.leaderAddress
        } else if let id = row.recipient {
            guard let person = people[id] else {
                try finish(row, .suppressed, "recipient \(id) no longer exists", now: now, address: nil, stats: &stats)
                return nil
            }
            if person.forgotten {
                try finish(row, .suppressed, "the person was forgotten", now: now, address: nil, stats: &stats)
                return nil
            }
            if person.optedOut.contains(row.channel) {
                try finish(
                    row, .suppressed, "opted out of \(row.channel.rawValue)", now: now, address: nil, stats: &stats)
                return nil
            }
            address = person.address(row.channel)
        }
        guard let address else {
            try finish(row, .suppressed, "no \(row.channel.rawValue) address", now: now, address: nil, stats: &stats)
            return nil
        }
        if let relationshipID = row.relationshipID, !row.afterEnd {
            if let relationship = relationships[relationshipID], relationship.effectiveEnd <= zone.local(now).date {
                try finish(row, .suppressed, "the forløb has ended", now: now, address: address, stats: &stats)
                return nil
            }
        }
        guard let body = row.body else {
            try finish(row, .suppressed, "the message text was erased", now: now, address: address, stats: &stats)
            return nil
        }
        switch row.channel {
        case .email:
            do {
                return Outgoing(
                    row: row, address: address,
                    message: .email(try emailPayload(row, to: address, body: body, now: now)))
            } catch {
                try finish(row, .failed, error.reason, now: now, address: address, stats: &stats)
                return nil
            }
        case .sms:
            do {
                let payload = try sms.prepare(SMSPayload(outboxID: row.id, to: address, text: body))
                return Outgoing(row: row, address: address, message: .sms(payload))
            } catch {
                try finish(row, .failed, error.reason, now: now, address: address, stats: &stats)
                return nil
            }
        }
    }

    /// What became of one message the sender had.
    private func record(
        _ outgoing: Outgoing, _ outcome: Sender.Outcome, now: Int64, seen: inout Set<Int64>, stats: inout Stats
    ) throws {
        let row = outgoing.row
        let address = outgoing.address
        switch outcome {
        case .sent(let receipt, let journaled):
            if !journaled {
                try store.markSent(row.id, providerID: receipt.providerID, segments: receipt.segments, now: now)
            }
            stats.sent += 1
            logger.info(
                "delivery",
                [
                    "outbox": String(row.id), "rule": row.rule, "channel": row.channel.rawValue,
                    "to": Logger.mask(address),
                    "result": "sent", "attempt": String(row.attempts), "provider": receipt.providerID ?? "-",
                ])
        case .notAttempted(.stopping):
            try releaseUnsent(row, now: now, stats: &stats)
        case .notAttempted(.windowClosed):
            // Back to pending; with the window closed, this pass leases no more rows meant for it.
            try store.release(row.id, now: now)
            log(.info, row, to: address, result: "held", reason: "the send window closed")
        case .notAttempted(.leaseRunningShort):
            // Given back and leased afresh: it goes out later in this pass.
            try store.release(row.id, now: now)
            seen.remove(row.id)
            log(.info, row, to: address, result: "requeued", reason: "half of the lease had passed")
        case .failed(let error) where error.reason == DeliveryError.shutdownReason:
            // Aborted by SIGTERM: given back untouched, to go out with the next start.
            try releaseUnsent(row, now: now, stats: &stats)
            log(.info, row, to: address, result: "released", reason: error.reason)
        case .failed(let error):
            guard case .transient(let retryAfter) = error.kind else {
                return try finish(row, .failed, error.reason, now: now, address: address, stats: &stats)
            }
            let delay = max(Int64(retryAfter ?? 0), Deliverer.backoff(attempt: row.attempts))
            let next = now + delay
            if let expires = row.expiresAt, next >= expires, expires - now < giveUpSeconds {
                return try finish(
                    row, .expired, "expired while retrying: \(error.reason)", now: now, address: address, stats: &stats)
            }
            if next >= row.createdAt + giveUpSeconds {
                return try finish(
                    row, .failed, "gave up after \(row.attempts) attempts over 5 days: \(error.reason)", now: now,
                    address: address, stats: &stats)
            }
            try store.markRetry(row.id, retryAt: next, reason: error.reason, now: now)
            stats.retried += 1
            logger.warning(
                "delivery",
                [
                    "outbox": String(row.id), "rule": row.rule, "channel": row.channel.rawValue,
                    "to": Logger.mask(address),
                    "result": "retry", "attempt": String(row.attempts), "retry_in": String(delay),
                    "reason": error.reason,
                ])
        }
    }

    private func calendar(_ text: String) -> ICalendar.Prepared? {
        if let known = calendars[text] { return known }
        let prepared = StoredEvent.decode(text).flatMap { ICalendar.prepare($0, organizer: from) }
        calendars[text] = .some(prepared)
        return prepared
    }

    static func messageIDDomain(from: String) -> String {
        EmailSettings.address(of: from).split(separator: "@").last.map(String.init) ?? "mentor-notify.invalid"
    }

    /// A Message-ID stable per outbox row, so a resent message is recognisably the same one.
    public static func messageID(_ row: OutboxRow, from: String) -> String {
        messageID(row, domain: messageIDDomain(from: from))
    }

    static func messageID(_ row: OutboxRow, domain: String) -> String {
        "mentor-notify.\(row.id).\(row.createdAt)@\(domain)"
    }

    func emailPayload(_ row: OutboxRow, to address: String, body: String, now: Int64) throws(DeliveryError)
        -> EmailPayload
    {
        let messageID = Deliverer.messageID(row, domain: messageIDDomain)
        let date = Date(timeIntervalSince1970: TimeInterval(now))
        let calendar = row.calendar.flatMap(calendar)?.request(
            attendee: address, stamp: Date(timeIntervalSince1970: TimeInterval(row.createdAt)))
        let message = MailMessage(
            from: from, to: address, subject: row.subject ?? "", body: body, messageID: messageID, date: date,
            calendar: calendar, fromMailbox: fromMailbox)
        do {
            return EmailPayload(outboxID: row.id, to: address, mime: try message.rendered(), messageID: messageID)
        } catch {
            throw DeliveryError.permanent(error.message)
        }
    }
}
