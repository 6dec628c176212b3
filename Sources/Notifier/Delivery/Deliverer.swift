import Dispatch
import Foundation
public import MentorModel
public import MentorStore
public import Transport

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
    /// Beaten after each message: a long pass is alive (systemd's watchdog).
    let heartbeat: Heartbeat
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
    /// The replies address, when answers are read: Reply-To of every email and ORGANIZER of every
    /// invitation, which then asks for an answer.
    public var replyTo: String?
    /// The public address of the web endpoint (`http.publicURL`, without a trailing slash: the
    /// config takes it off), for the unsubscribe link.
    public var publicURL: String?

    public init(
        store: Store, email: any EmailTransport, sms: any SMSTransport, from: String, zone: Zone, logger: Logger,
        heartbeat: Heartbeat = Heartbeat()
    ) {
        self.heartbeat = heartbeat
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
    /// Each channel is a lane of its own, so a hanging SMTP server never holds up a wake-up SMS. In a
    /// lane, this thread leases a batch and prepares its messages (checks, rendering) while the lane's
    /// sender thread transmits the batch before it, and then records that batch's outcomes in the
    /// store. A sender only transmits and writes each sent mark to the journal, so the network never
    /// waits on the bookkeeping, and a kill still finds at most one message per lane in flight.
    /// A channel whose server fails is held: the rest of its lane waits, one timeout per pass.
    @discardableResult
    public func deliver(
        now: Int64, windowOpen: Bool, windowClosesAfter: Int64? = nil,
        shouldStop: @escaping @Sendable () -> Bool = { false }
    ) throws -> Stats {
        // The pass's own clock: `now` plus real time elapsed (monotonic), for the window's end.
        let started = DispatchTime.now()
        let windowDeadline = windowOpen ? windowClosesAfter.map { started + .seconds(Int(max($0, 0))) } : nil
        let journal = SentJournal(databasePath: store.database.path)
        // Marks left by a process that died go in first, so none of its sent messages is leased again.
        try SentJournal.recover(databasePath: store.database.path, into: store, except: journal?.path)
        let holds = try store.channelHolds()
        try store.relaxDurabilityForDelivery()
        let completions = DispatchSemaphore(value: 0)
        var pass = Pass(
            now: now, windowOpen: windowOpen, windowDeadline: windowDeadline, journal: journal, holds: holds,
            shouldStop: shouldStop)
        for channel in ChannelHold.openChannels(holds, now: now).sorted() {
            try resumeRefusals(&pass, channel: channel)
            let sender = Sender(
                email: email, sms: sms, journal: journal, now: now, shouldStop: shouldStop, heartbeat: heartbeat,
                completions: completions)
            pass.lanes.append(Lane(channel: channel, sender: sender))
        }
        defer {
            // Whatever ended the pass, the senders are idle before the transports and the journal close.
            for lane in pass.lanes { _ = lane.sender.finish() }
            email.finishBatch()
            sms.finishBatch()
            try? journal?.finish(to: store)
            try? store.deliveryBarrier()
            calendars.removeAll()
        }
        for index in pass.lanes.indices { try advance(&pass, lane: index, outcomes: nil) }
        while pass.lanes.contains(where: { $0.sender.busy }) {
            completions.wait()
            for index in pass.lanes.indices {
                guard let outcomes = pass.lanes[index].sender.finishIfDone() else { continue }
                try advance(&pass, lane: index, outcomes: outcomes)
                break
            }
        }
        for lane in pass.lanes { try keepRefusals(pass, channel: lane.channel) }
        return pass.stats
    }

    /// One channel's share of a pass: the batch its sender has out, and the one prepared behind it.
    struct Lane {
        let channel: Channel
        let sender: Sender
        var inFlight = Batch()
        var next = Batch()
        /// The channel failed in this pass: nothing more is leased for it.
        var held = false
    }

    /// What the lanes of a pass share.
    struct Pass {
        let now: Int64
        let windowOpen: Bool
        let windowDeadline: DispatchTime?
        let journal: SentJournal?
        var holds: [Channel: ChannelHold]
        let shouldStop: @Sendable () -> Bool
        var lanes: [Lane] = []
        var stats = Stats()
        var seen = Set<Int64>()
        var stopped = false
        /// Per channel, the refusals about the recipient in a row with the same reply.
        var refusals: [Channel: RefusalStreak] = [:]
        /// The refusal rows an earlier pass left for each channel (kept in the store).
        var refusalsBefore: [Channel: [Int64]] = [:]

        func windowStillOpen() -> Bool {
            guard windowOpen else { return false }
            guard let windowDeadline else { return true }
            return DispatchTime.now() < windowDeadline
        }
    }

    /// A lane's sender finished `outcomes` (nil: the pass begins): the batch behind goes out at once,
    /// the outcomes are recorded while it does, and the batch after it is prepared.
    private func advance(_ pass: inout Pass, lane index: Int, outcomes: [Sender.Outcome]?) throws {
        let now = pass.now
        if let outcomes {
            pass.stopped = pass.stopped || pass.shouldStop() || outcomes.contains(where: Sender.Outcome.isStop)
            if outcomes.contains(where: Sender.Outcome.isChannelFailure) { pass.lanes[index].held = true }
        } else {
            pass.stopped = pass.stopped || pass.shouldStop()
        }
        if pass.stopped || pass.lanes[index].held {
            for outgoing in pass.lanes[index].next.messages {
                try releaseUnsent(outgoing.row, now: now, stats: &pass.stats)
            }
            pass.lanes[index].next = Batch()
        }
        let lane = pass.lanes[index]
        if !lane.next.messages.isEmpty {
            lane.sender.start(
                lane.next.messages, leaseDeadline: lane.next.leaseDeadline, windowDeadline: pass.windowDeadline)
        }
        if let outcomes {
            try pass.journal?.commit(to: store)
            for (outgoing, outcome) in zip(lane.inFlight.messages, outcomes) {
                try record(outgoing, outcome, pass: &pass)
            }
            if pass.refusals[lane.channel]?.tripped == true { pass.lanes[index].held = true }
        }
        pass.lanes[index].inFlight = lane.next
        pass.lanes[index].next = Batch()
        guard !pass.stopped, !pass.lanes[index].held else { return }
        // The batch after this one is prepared while this one is out; with nothing out, look once
        // more: rows requeued while recording may be ready again.
        let prepared = try prepareNext(&pass, channel: lane.channel)
        guard pass.lanes[index].inFlight.messages.isEmpty else {
            pass.lanes[index].next = prepared
            return
        }
        guard !prepared.messages.isEmpty else { return }
        lane.sender.start(prepared.messages, leaseDeadline: prepared.leaseDeadline, windowDeadline: pass.windowDeadline)
        pass.lanes[index].inFlight = prepared
        pass.lanes[index].next = try prepareNext(&pass, channel: lane.channel)
    }

    /// Refusals in a row on one channel, each "about the recipient" and with the same reply bar the
    /// address. When three different recipients are refused alike, the server refuses everyone
    /// (a relay that takes us for its final destination, or refuses us in words it calls the
    /// recipient's): the channel is held and those rows, and every further one refused alike, go
    /// back to waiting rather than fail (SPEC.md "A refusal is about the message only when it names
    /// the recipient").
    struct RefusalStreak {
        static let limit = 3
        var shape: String
        /// Who was refused: `p` and a person's id, or `l` and a leader's address (as the store has it).
        var recipients: Set<String> = []
        /// The rows of the streak recorded as failed so far.
        var failed: [Int64] = []
        /// `limit` recipients were refused alike: the channel is held.
        var tripped = false
        /// How many of `failed` were counted as failed in this pass's stats.
        var failedThisPass = 0

        /// The hold's reason, with the shape in it for the passes after (`shape(ofHold:)`).
        static func holdReason(shape: String) -> String {
            "the SMTP server refused \(limit) different recipients in a row alike (\(shape))"
                + holdReasonEnd
        }

        private static let holdReasonEnd =
            ": it refuses everyone, so the fault is the server's or our account's, not the messages'; "
            + "check the server's log and its rules for us"

        /// The shape a hold for refusals alike was made for; nil for any other hold.
        static func shape(ofHold reason: String) -> String? {
            let start = "the SMTP server refused \(limit) different recipients in a row alike ("
            guard reason.hasPrefix(start), reason.hasSuffix(")" + holdReasonEnd) else { return nil }
            return String(reason.dropFirst(start.count).dropLast(holdReasonEnd.count + 1))
        }
    }

    /// The journal's marks reach SQLite, durably, before the next lease.
    private func prepareNext(_ pass: inout Pass, channel: Channel) throws -> Batch {
        try pass.journal?.commit(to: store)
        try store.deliveryBarrier()
        try store.relaxDurabilityForDelivery()
        return try prepareBatch(
            now: pass.now, channel: channel, windowOpen: pass.windowStillOpen(), seen: &pass.seen, stats: &pass.stats)
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
    private func prepareBatch(
        now: Int64, channel: Channel, windowOpen: Bool, seen: inout Set<Int64>, stats: inout Stats
    ) throws -> Batch {
        while true {
            let leased = DispatchTime.now()
            let rows = try store.lease(
                now: now, leaseSeconds: leaseSeconds, limit: batchSize, windowOpen: windowOpen, channel: channel)
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
                "outbox": String(row.id), "rule": row.rule.rawValue, "channel": row.channel.rawValue,
                "to": Logger.mask(address),
                "result": result, "reason": reason,
            ])
    }

    /// The message for a leased row, or nil when the row was finished here instead (expired,
    /// suppressed, or its email could not be built).
    private func prepare(
        _ row: OutboxRow, now: Int64, people: [Int64: Person], relationships: [Int64: Relationship], stats: inout Stats
    ) throws -> Outgoing? {
        guard MessagePolicy.stillWorthSending(expiresAt: row.expiresAt, now: now) else {
            try finish(
                row, .expired, MessagePolicy.expiredReason(lastError: row.reason), now: now, address: nil, stats: &stats
            )
            return nil
        }
        var address: String?
        if row.role == .leader {
            address = row.leaderAddress
        } else if let id = row.recipient {
            guard let person = people[id] else {
                try finish(row, .suppressed, "recipient \(id) no longer exists", now: now, address: nil, stats: &stats)
                return nil
            }
            if let reason = MessagePolicy.unreachable(person, on: row.channel, rule: row.rule, program: row.program) {
                try finish(row, .suppressed, reason, now: now, address: nil, stats: &stats)
                return nil
            }
            address = person.address(row.channel)
        }
        guard let address else {
            try finish(row, .suppressed, "no \(row.channel.rawValue) address", now: now, address: nil, stats: &stats)
            return nil
        }
        if let relationship = row.relationshipID.flatMap({ relationships[$0] }),
            !MessagePolicy.forloebAllows(relationship, afterEnd: row.afterEnd, on: zone.local(now).date)
        {
            try finish(row, .suppressed, "the forløb has ended", now: now, address: address, stats: &stats)
            return nil
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
    private func record(_ outgoing: Outgoing, _ outcome: Sender.Outcome, pass: inout Pass) throws {
        let row = outgoing.row
        let address = outgoing.address
        let now = pass.now
        switch outcome {
        case .sent(let receipt, let journaled):
            if !journaled {
                try store.markSent(row.id, providerID: receipt.providerID, segments: receipt.segments, now: now)
            }
            pass.stats.sent += 1
            pass.refusals[row.channel] = nil
            logger.info(
                "delivery",
                [
                    "outbox": String(row.id), "rule": row.rule.rawValue, "channel": row.channel.rawValue,
                    "to": Logger.mask(address),
                    "result": "sent", "attempt": String(row.attempts), "provider": receipt.providerID ?? "-",
                ])
            if pass.holds[row.channel] != nil, let hold = try store.liftHold(row.channel, now: now) {
                pass.holds[row.channel] = nil
                logger.info(
                    "channel",
                    [
                        "channel": row.channel.rawValue, "result": "working",
                        "held_seconds": String(max(now - hold.since, 0)),
                    ])
            }
        case .notAttempted(.stopping):
            try releaseUnsent(row, now: now, stats: &pass.stats)
        case .notAttempted(.channelHeld):
            // Waits with the hold's reason, like every other message on the channel.
            try store.release(row.id, now: now, reason: pass.holds[row.channel]?.reason)
            pass.stats.released += 1
        case .notAttempted(.windowClosed):
            // Back to pending; with the window closed, this pass leases no more rows meant for it.
            try store.release(row.id, now: now)
            log(.info, row, to: address, result: "held", reason: "the send window closed")
        case .notAttempted(.leaseRunningShort):
            // Given back and leased afresh: it goes out later in this pass.
            try store.release(row.id, now: now)
            pass.seen.remove(row.id)
            log(.info, row, to: address, result: "requeued", reason: "half of the lease had passed")
        case .failed(let error):
            try recordFailure(outgoing, error, pass: &pass)
        }
    }

    private func recordFailure(_ outgoing: Outgoing, _ error: DeliveryError, pass: inout Pass) throws {
        let row = outgoing.row
        let address = outgoing.address
        let now = pass.now
        switch error.kind {
        case .stopped:
            // Aborted by SIGTERM: given back untouched, to go out with the next start.
            try releaseUnsent(row, now: now, stats: &pass.stats)
            log(.info, row, to: address, result: "released", reason: error.reason)
        case .permanent:
            if let shape = error.refusal, try refusedAlike(outgoing, shape: shape, pass: &pass) { return }
            try finish(row, .failed, error.reason, now: now, address: address, stats: &pass.stats)
        case .channel(let retryAfter):
            pass.refusals[row.channel] = nil
            // The channel, not the message: held, and every message on it waits without counting.
            // This one waits a little longer than the hold, so that a message the server keeps
            // refusing for a reason of its own does not stand first in line at every probe.
            let (hold, began) = try store.holdChannel(
                row.channel, reason: error.reason, retryAfter: retryAfter.map(Int64.init), now: now)
            pass.holds[row.channel] = hold
            let delay = max(hold.retryAt - now, Deliverer.backoff(attempt: row.attempts))
            try store.release(row.id, now: now, notBefore: now + delay, reason: error.reason)
            pass.stats.released += 1
            logger.log(
                began ? .error : .warning, "channel",
                [
                    "channel": row.channel.rawValue, "result": "held", "outbox": String(row.id),
                    "retry_in": String(hold.retryAt - now), "since": String(hold.since), "reason": error.reason,
                ])
        case .transient(let retryAfter):
            pass.refusals[row.channel] = nil
            let delay = max(Int64(retryAfter ?? 0), Deliverer.backoff(attempt: row.attempts))
            let next = now + delay
            if let expires = row.expiresAt, next >= expires, expires - now < giveUpSeconds {
                return try finish(
                    row, .expired, "expired while retrying: \(error.reason)", now: now, address: address,
                    stats: &pass.stats)
            }
            if next >= row.createdAt + row.heldSeconds + giveUpSeconds {
                return try finish(
                    row, .failed, "gave up after \(row.attempts) attempts over 5 days: \(error.reason)", now: now,
                    address: address, stats: &pass.stats)
            }
            try store.markRetry(row.id, retryAt: next, reason: error.reason, now: now)
            pass.stats.retried += 1
            logger.warning(
                "delivery",
                [
                    "outbox": String(row.id), "rule": row.rule.rawValue, "channel": row.channel.rawValue,
                    "to": Logger.mask(address),
                    "result": "retry", "attempt": String(row.attempts), "retry_in": String(delay),
                    "reason": error.reason,
                ])
        }
    }

    /// Takes up the refusals in a row that earlier passes left on `channel`: the run of the newest
    /// alike, as long as those rows still stand failed.
    private func resumeRefusals(_ pass: inout Pass, channel: Channel) throws {
        // The channel is held because it refused everyone: while it still does, a refusal alike
        // (the probe's) waits with the others rather than fail.
        if let hold = pass.holds[channel], let shape = RefusalStreak.shape(ofHold: hold.reason) {
            pass.refusals[channel] = RefusalStreak(shape: shape, tripped: true)
            return
        }
        let run = try store.refusalRun(channel)
        pass.refusalsBefore[channel] = run.map(\.id)
        guard let last = run.last else { return }
        let shape = DeliveryError.refusalShape(last.reason)
        var streak = RefusalStreak(shape: shape)
        for refused in run.reversed() {
            guard DeliveryError.refusalShape(refused.reason) == shape else { break }
            streak.recipients.insert(refused.recipient)
            streak.failed.insert(refused.id, at: 0)
        }
        pass.refusals[channel] = streak
    }

    /// Keeps the run of refusals for the next pass, when it changed (a tripped run ended in a hold).
    private func keepRefusals(_ pass: Pass, channel: Channel) throws {
        let ids = pass.refusals[channel].flatMap { $0.tripped ? nil : $0.failed } ?? []
        if ids != pass.refusalsBefore[channel] ?? [] { try store.setRefusalRun(channel, ids: ids) }
    }

    /// Counts a refusal about the recipient toward its channel's `RefusalStreak`. True when the row
    /// went back to waiting on the held channel; false when it fails as refused.
    private func refusedAlike(_ outgoing: Outgoing, shape: String, pass: inout Pass) throws -> Bool {
        let row = outgoing.row
        let now = pass.now
        var streak = pass.refusals[row.channel].flatMap { $0.shape == shape ? $0 : nil } ?? RefusalStreak(shape: shape)
        defer { pass.refusals[row.channel] = streak }
        if !streak.tripped {
            streak.recipients.insert(row.recipient.map { "p\($0)" } ?? "l" + (row.leaderAddress ?? "").lowercased())
            guard streak.recipients.count >= RefusalStreak.limit else {
                streak.failed.append(row.id)
                streak.failedThisPass += 1
                return false
            }
            streak.tripped = true
            // The reply without the address: the reason lands on every waiting row.
            let reason = RefusalStreak.holdReason(shape: shape)
            let (hold, began) = try store.holdChannel(row.channel, reason: reason, retryAfter: nil, now: now)
            pass.holds[row.channel] = hold
            try store.requeueRefused(streak.failed, notBefore: hold.retryAt, reason: reason, now: now)
            pass.stats.failed -= streak.failedThisPass
            pass.stats.released += streak.failed.count
            logger.log(
                began ? .error : .warning, "channel",
                [
                    "channel": row.channel.rawValue, "result": "held", "outbox": String(row.id),
                    "requeued": String(streak.failed.count), "retry_in": String(hold.retryAt - now),
                    "since": String(hold.since), "reason": reason,
                ])
        }
        // A probe of the held channel refused alike: held again, for longer.
        if pass.holds[row.channel].map({ $0.retryAt <= now }) ?? true {
            pass.holds[row.channel] = try store.holdChannel(
                row.channel, reason: RefusalStreak.holdReason(shape: shape), retryAfter: nil, now: now
            ).hold
        }
        let hold = pass.holds[row.channel]
        try store.release(row.id, now: now, notBefore: hold?.retryAt, reason: hold?.reason)
        pass.stats.released += 1
        return true
    }

    private func calendar(_ text: String) -> ICalendar.Prepared? {
        if let known = calendars[text] { return known }
        let prepared = StoredEvent.decode(text).flatMap {
            ICalendar.prepare($0, organizer: replyTo ?? from, rsvp: replyTo != nil)
        }
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
        guard let token = row.messageToken else { return "mentor-notify.\(row.id).\(row.createdAt)@\(domain)" }
        return MessageToken.prefix + token + "@" + domain
    }

    func emailPayload(_ row: OutboxRow, to address: String, body: String, now: Int64) throws(DeliveryError)
        -> EmailPayload
    {
        try Deliverer.emailPayload(
            row, to: address, body: body, now: now, from: from, fromMailbox: fromMailbox, domain: messageIDDomain,
            calendar: row.calendar.flatMap(calendar), replyTo: replyTo, publicURL: publicURL)
    }

    /// The email for `row` outside a delivery pass (`forget` rewrites a spool file with it).
    public static func emailPayload(
        _ row: OutboxRow, to address: String, from: String, now: Int64, replyTo: String? = nil,
        publicURL: String? = nil
    ) throws(DeliveryError) -> EmailPayload {
        try emailPayload(
            row, to: address, body: row.body ?? "", now: now, from: from, fromMailbox: MailMessage.mailbox(from),
            domain: messageIDDomain(from: from),
            calendar: row.calendar.flatMap(StoredEvent.decode).flatMap {
                ICalendar.prepare($0, organizer: replyTo ?? from, rsvp: replyTo != nil)
            }, replyTo: replyTo, publicURL: publicURL)
    }

    static func emailPayload(
        _ row: OutboxRow, to address: String, body: String, now: Int64, from: String, fromMailbox: String,
        domain: String, calendar: ICalendar.Prepared?, replyTo: String?, publicURL: String?
    ) throws(DeliveryError) -> EmailPayload {
        let messageID = Deliverer.messageID(row, domain: domain)
        let date = Date(timeIntervalSince1970: TimeInterval(now))
        let invitation = calendar?.request(
            attendee: address, stamp: Date(timeIntervalSince1970: TimeInterval(row.createdAt)),
            token: row.invitationToken)
        var message = MailMessage(
            from: from, to: address, subject: row.subject ?? "", body: body, messageID: messageID, date: date,
            calendar: invitation, fromMailbox: fromMailbox)
        message.calendarMethod = calendar?.method ?? "REQUEST"
        message.replyTo = replyTo
        if let (value, oneClick) = listUnsubscribe(row, publicURL: publicURL, replyTo: replyTo) {
            message.listUnsubscribe = value
            message.oneClickUnsubscribe = oneClick
        }
        do {
            return EmailPayload(outboxID: row.id, to: address, mime: try message.rendered(), messageID: messageID)
        } catch {
            throw DeliveryError.permanent(error.message)
        }
    }

    /// `List-Unsubscribe` for a message to a mentor, mentee or person: the one-click link when the
    /// web endpoint is public, the mailto "stop" when replies are read, both when both. Leaders'
    /// messages carry none: their alerts are their job, changed in the config, not by a click.
    public static func listUnsubscribe(_ row: OutboxRow, publicURL: String?, replyTo: String?) -> (String, Bool)? {
        guard row.role != .leader else { return nil }
        var uris: [String] = []
        var oneClick = false
        if let publicURL, let token = row.unsubscribeToken {
            uris.append("<\(publicURL)/u/\(token)>")
            oneClick = true
        }
        if let replyTo { uris.append("<mailto:\(EmailSettings.address(of: replyTo))?subject=stop>") }
        return uris.isEmpty ? nil : (uris.joined(separator: ", "), oneClick)
    }
}
