import MentorModel
import MentorStore
import Transport

/// The checks a leased row passes before it is sent: still worth sending, a recipient who is
/// there and reachable, a forløb that allows it, a text; then its message is built.
extension Deliverer {
    /// What the checks found: the row goes to `address` with `body`, or it ends here.
    enum Check: Equatable {
        case send(address: String, body: String)
        case finish(OutboxStatus, reason: String, address: String?)
    }

    /// The message for a leased row, or nil when the row was finished here instead (expired,
    /// suppressed, or its email could not be built).
    func prepare(
        _ row: OutboxRow, now: Int64, people: [Int64: Person], relationships: [Int64: Relationship], stats: inout Stats
    ) throws -> Outgoing? {
        switch check(row, now: now, people: people, relationships: relationships) {
        case .finish(let status, let reason, let address):
            try finish(row, status, reason, now: now, address: address, stats: &stats)
            return nil
        case .send(let address, let body):
            do {
                return Outgoing(
                    row: row, address: address, message: try message(row, to: address, body: body, now: now))
            } catch {
                try finish(row, .failed, error.reason, now: now, address: address, stats: &stats)
                return nil
            }
        }
    }

    /// Whether `row` still goes, and where; reads only its arguments.
    func check(_ row: OutboxRow, now: Int64, people: [Int64: Person], relationships: [Int64: Relationship]) -> Check {
        guard MessagePolicy.stillWorthSending(expiresAt: row.expiresAt, now: now) else {
            return .finish(.expired, reason: MessagePolicy.expiredReason(lastError: row.reason), address: nil)
        }
        var address: String?
        if row.role == .leader {
            address = row.leaderAddress
        } else if let id = row.recipient {
            guard let person = people[id] else {
                return .finish(.suppressed, reason: "recipient \(id) no longer exists", address: nil)
            }
            if let reason = MessagePolicy.unreachable(person, on: row.channel, rule: row.rule, program: row.program) {
                return .finish(.suppressed, reason: reason, address: nil)
            }
            address = person.address(row.channel)
        }
        guard let address else {
            return .finish(.suppressed, reason: "no \(row.channel.rawValue) address", address: nil)
        }
        if let relationship = row.relationshipID.flatMap({ relationships[$0] }),
            !MessagePolicy.forloebAllows(relationship, afterEnd: row.afterEnd, on: zone.local(now).date)
        {
            return .finish(.suppressed, reason: "the forløb has ended", address: address)
        }
        guard let body = row.body else {
            return .finish(.suppressed, reason: "the message text was erased", address: address)
        }
        return .send(address: address, body: body)
    }

    /// The email or SMS for a row that passed its checks.
    func message(_ row: OutboxRow, to address: String, body: String, now: Int64) throws(DeliveryError)
        -> Outgoing.Message
    {
        switch row.channel {
        case .email:
            .email(
                try composer.payload(
                    row, to: address, body: body, now: now, calendar: row.calendar.flatMap(calendar)))
        case .sms:
            .sms(try sms.prepare(SMSPayload(outboxID: row.id, to: address, text: body)))
        }
    }
}
