import Foundation
import MentorModel
public import MentorStore
public import Transport

// Here, not in Transport: rewriting builds the email from an outbox row as the deliverer does, and a
// transport sees neither rows nor the deliverer.
extension SpoolTransport {
    /// Writes `row`'s message again over its spool files (`forget` scrubbed a name from its text).
    public func rewrite(_ row: OutboxRow, to address: String, from: String, now: Int64) throws(DeliveryError) {
        let old = SpoolTransport.files(in: directory, outboxIDs: [row.id])
        guard !old.isEmpty else { return }
        switch row.channel {
        case .email:
            let composer = EmailComposer(from: from)
            _ = try send(
                try composer.payload(
                    row, to: address, body: row.body ?? "", now: now, calendar: row.calendar.flatMap(composer.calendar))
            )
        case .sms: _ = try send(SMSPayload(outboxID: row.id, to: address, text: row.body ?? ""))
        }
        for path in old { unlink(path) }
    }
}
