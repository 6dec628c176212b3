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
    /// The current pass's journal of sent messages (see `SentJournal`).
    private var journal: SentJournal?
    /// Calendars prepared in this pass, by stored event: a café evening's invitations all carry the
    /// same one (nil: the event could not be read).
    private var calendars: [String: ICalendar.Prepared?] = [:]
    /// The domain of the sender's address, for Message-IDs.
    private let messageIDDomain: String

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
    }

    /// Postfix-style backoff: 5 minutes, doubling, at most 4000 s (about an hour).
    public static func backoff(attempt: Int) -> Int64 {
        let base: Int64 = 300
        let shift = min(max(attempt - 1, 0), 10)
        return min(base << Int64(shift), 4000)
    }

    /// Delivers what is ready at `now`. `shouldStop` is asked before each message (SIGTERM).
    @discardableResult
    public func deliver(now: Int64, windowOpen: Bool, shouldStop: () -> Bool = { false }) throws -> Stats {
        var stats = Stats()
        let journal = SentJournal(databasePath: store.database.path)
        // Marks left by a process that died go in first, so none of its sent messages is leased again.
        try SentJournal.recover(databasePath: store.database.path, into: store, except: journal?.path)
        try store.relaxDurabilityForDelivery()
        defer {
            email.finishBatch()
            sms.finishBatch()
            try? journal?.commit(to: store)
            try? store.deliveryBarrier()
        }
        self.journal = journal
        defer {
            self.journal = nil
            calendars.removeAll()
        }
        var seen = Set<Int64>()
        while true {
            try journal?.commit(to: store)
            try store.deliveryBarrier()
            try store.relaxDurabilityForDelivery()
            let rows = try store.lease(now: now, leaseSeconds: leaseSeconds, limit: batchSize, windowOpen: windowOpen)
            let fresh = rows.filter { !seen.contains($0.id) }
            if fresh.isEmpty {
                // Give back anything leased twice in one pass (cannot happen, but never hold a lease idle).
                for row in rows { try store.release(row.id, now: now) }
                break
            }
            // One read for the batch's recipients and forløb, not one per message.
            let batch = try store.read {
                (
                    people: try store.people(ids: Array(Set(fresh.compactMap(\.recipient)))),
                    relationships: try store.relationships(ids: Array(Set(fresh.compactMap(\.relationshipID))))
                )
            }
            for (index, row) in fresh.enumerated() {
                if shouldStop() {
                    for rest in fresh[index...] {
                        try store.release(rest.id, now: now)
                        stats.released += 1
                    }
                    return stats
                }
                seen.insert(row.id)
                try process(row, now: now, people: batch.people, relationships: batch.relationships, stats: &stats)
            }
        }
        return stats
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
        let level: Logger.Level = status == .failed ? .warning : .info
        logger.log(
            level, "delivery",
            [
                "outbox": String(row.id), "rule": row.rule, "channel": row.channel.rawValue, "to": Logger.mask(address),
                "result": status.rawValue, "reason": reason,
            ])
    }

    private func process(
        _ row: OutboxRow, now: Int64, people: [Int64: Person], relationships: [Int64: Relationship], stats: inout Stats
    ) throws {
        if let expires = row.expiresAt, expires <= now {
            let reason =
                row.reason.map { "expired before it could be sent (last error: \($0))" }
                ?? "expired before it could be sent"
            return try finish(row, .expired, reason, now: now, address: nil, stats: &stats)
        }
        var address: String?
        if row.role == "leader" {
            address = row.leaderAddress
        } else if let id = row.recipient {
            guard let person = people[id] else {
                return try finish(
                    row, .suppressed, "recipient \(id) no longer exists", now: now, address: nil, stats: &stats)
            }
            if person.forgotten {
                return try finish(row, .suppressed, "the person was forgotten", now: now, address: nil, stats: &stats)
            }
            if person.optedOut.contains(row.channel) {
                return try finish(
                    row, .suppressed, "opted out of \(row.channel.rawValue)", now: now, address: nil, stats: &stats)
            }
            address = person.address(row.channel)
        }
        guard let address else {
            return try finish(
                row, .suppressed, "no \(row.channel.rawValue) address", now: now, address: nil, stats: &stats)
        }
        if let relationshipID = row.relationshipID, !row.afterEnd {
            if let relationship = relationships[relationshipID], relationship.effectiveEnd <= zone.local(now).date {
                return try finish(row, .suppressed, "the forløb has ended", now: now, address: address, stats: &stats)
            }
        }
        guard let body = row.body else {
            return try finish(
                row, .suppressed, "the message text was erased", now: now, address: address, stats: &stats)
        }
        let result: Result<DeliveryReceipt, DeliveryError>
        do {
            switch row.channel {
            case .email:
                let payload = try emailPayload(row, to: address, body: body, now: now)
                result = .success(try email.send(payload))
            case .sms:
                result = .success(try sms.send(SMSPayload(outboxID: row.id, to: address, text: body)))
            }
        } catch let error as DeliveryError {
            result = .failure(error)
        } catch {
            result = .failure(.permanent("\(error)"))
        }
        switch result {
        case .success(let receipt):
            let entry = SentJournal.Entry(
                id: row.id, at: now, segments: receipt.segments, providerID: receipt.providerID)
            if journal?.record(entry) != true {
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
        case .failure(let error) where error.reason == DeliveryError.shutdownReason:
            // Aborted by SIGTERM: given back untouched, to go out with the next start.
            try store.release(row.id, now: now)
            stats.released += 1
            logger.info(
                "delivery",
                [
                    "outbox": String(row.id), "rule": row.rule, "channel": row.channel.rawValue,
                    "to": Logger.mask(address), "result": "released", "reason": error.reason,
                ])
        case .failure(let error):
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

    func emailPayload(_ row: OutboxRow, to address: String, body: String, now: Int64) throws -> EmailPayload {
        let messageID = Deliverer.messageID(row, domain: messageIDDomain)
        let date = Date(timeIntervalSince1970: TimeInterval(now))
        let calendar = row.calendar.flatMap(calendar)?.request(
            attendee: address, stamp: Date(timeIntervalSince1970: TimeInterval(row.createdAt)))
        let message = MailMessage(
            from: from, to: address, subject: row.subject ?? "", body: body, messageID: messageID, date: date,
            calendar: calendar)
        do {
            return EmailPayload(outboxID: row.id, to: address, mime: try message.rendered(), messageID: messageID)
        } catch {
            throw DeliveryError.permanent(error.message)
        }
    }
}
