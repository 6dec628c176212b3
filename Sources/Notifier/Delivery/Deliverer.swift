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
    /// Calendars prepared in this pass, by stored event: a café evening's invitations all carry the
    /// same one (nil: the event could not be read).
    var calendars: [String: ICalendar.Prepared?] = [:]
    /// What every email of ours shares, built once rather than per message.
    var composer: EmailComposer
    /// The replies address, when answers are read: Reply-To of every email and ORGANIZER of every
    /// invitation, which then asks for an answer.
    public var replyTo: String? {
        get { composer.replyTo }
        set { composer.replyTo = newValue }
    }
    /// The public address of the web endpoint (`http.publicURL`, without a trailing slash: the
    /// config takes it off), for the unsubscribe link.
    public var publicURL: String? {
        get { composer.publicURL }
        set { composer.publicURL = newValue }
    }

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
        self.composer = EmailComposer(from: from)
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

    func releaseUnsent(_ row: OutboxRow, now: Int64, stats: inout Stats) throws {
        try store.release(row.id, now: now)
        stats.released += 1
    }
}
