import MentorModel
import MentorStore
import Notifier
import Replies

/// Which of our messages a reply answers and who wrote it (SPEC.md "Matching", "Who is speaking"):
/// by the unguessable Message-ID it names, a calendar answer's `UID`, or else its sender.
extension ReplyCore {
    /// The message a reply answers and the person it is from, and whether that person is proven
    /// to have written it (SPEC.md "Matching", "Who is speaking").
    enum Matched {
        case proven(OutboxRow, Person)
        /// It may act on nothing: it is only forwarded, marked unverified.
        case unproven(OutboxRow, Person)
        /// Why it belongs to nothing of ours.
        case none(String)
    }

    func match(_ inbound: Inbound, optOut: Bool) throws -> Matched {
        if let row = try named(inbound) {
            guard let recipient = row.recipient, let person = try? store.person(recipient), !person.forgotten else {
                return .none("a reply to a message of ours to nobody we know")
            }
            // The unguessable token proves the sender only from the address the message went to.
            let fromRecipient = person.address(inbound.channel)?.lowercased() == inbound.from
            return fromRecipient ? .proven(row, person) : .unproven(row, person)
        }
        let people =
            inbound.channel == .email ? try store.people(email: inbound.from) : try store.people(phone: inbound.from)
        guard !people.isEmpty else { return .none("a sender we do not know, naming no message of ours") }
        // An SMS came through a webhook whose signature was checked, from the number the gateway
        // names; an email naming nothing of ours only when our own server vouches for its domain.
        let proven = inbound.channel == .sms || inbound.dmarcPass
        // A proven stop is honoured however old the message (a mail client's unsubscribe of an old
        // newsletter, a STOP to an old SMS); everything else looks back 30 days.
        let since = proven && optOut ? 0 : inbound.receivedAt - ReplyCore.matchSeconds
        var best: (OutboxRow, Person)?
        for person in people {
            guard let row = try store.latestSent(to: person.id, channel: inbound.channel, since: since) else {
                continue
            }
            if (best?.0.sentAt ?? Int64.min) < (row.sentAt ?? 0) { best = (row, person) }
        }
        guard let (row, person) = best else { return .none("no message of ours to this sender in 30 days") }
        return proven ? .proven(row, person) : .unproven(row, person)
    }

    /// The outbox row whose unguessable Message-ID `messageID` is, or nil for anyone else's: what a
    /// reply, a bounce or a complaint must name to be about one of our messages.
    func ourMessage(_ messageID: String?) throws -> OutboxRow? {
        guard let token = messageID.flatMap(MessageToken.token(in:)) else { return nil }
        return try store.outboxRow(messageToken: token)
    }

    /// Our message a reply names: by a Message-ID in `In-Reply-To`/`References`, or, for a
    /// calendar's answer (often sent without either), by its invitation's `UID`.
    func named(_ inbound: Inbound) throws -> OutboxRow? {
        for id in inbound.references {
            if let row = try ourMessage(id) { return row }
        }
        guard let uid = inbound.calendar?.uid, let token = InvitationToken.token(inUID: uid) else { return nil }
        return try store.outboxRow(invitationToken: token)
    }
}
