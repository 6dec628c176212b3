import Foundation
import MentorModel
import MentorStore
import Notifier
import Replies
import Scheduler

/// One message that came back, from any channel, already read (SMS: by the web endpoint; email:
/// by `MailboxPoller`). Its text lives only here, for as long as it is acted on.
struct Inbound {
    /// The mailbox's or gateway's identity for the message: acted on once per key.
    var key: String
    var channel: Channel
    var receivedAt: Int64
    /// The sender: an email address (lower-cased) or an E.164 number.
    var from: String
    /// The Message-IDs it names (email only), newest first.
    var references: [String] = []
    /// Its own Message-ID (email only): what the confirmation answers (`In-Reply-To`).
    var messageID: String?
    var kind: InboundMail.Kind
    /// The person's own lines, for a forward.
    var ownText: [String] = []
    /// Our own receiving server found that DMARC passed for the From domain (email only; read by
    /// `AuthenticationResults` with `replies.authservId`).
    var dmarcPass = false
    /// A calendar's answer: the invitation's UID and what the attendee said.
    var calendar: CalendarAnswer?
}

/// What comes back enters here: it is matched to the message it answers and to its sender, read by
/// SPEC.md's table, acted on in one transaction with the record that it was handled (so it acts
/// exactly once), and answered. What a person wrote is never written to the database, except in
/// the forward to the leaders, and never logged.
final class ReplyCore {
    let store: Store
    let config: Config
    let catalog: TemplateCatalog
    let logger: Logger

    /// An answer that names none of our messages belongs to the latest one sent in this time.
    static let matchSeconds: Int64 = 30 * 86_400
    static let confirmationsPerDay = 5
    /// Mentors' answers that are a length of contact, by the rule they answer.
    static let hourRules: Set<Rule> = [
        .monthlyHours, .contactNudge, .firstMeeting, .meetingReminder, .afterFirstMeeting,
    ]

    init(store: Store, config: Config, catalog: TemplateCatalog, logger: Logger) {
        self.store = store
        self.config = config
        self.catalog = catalog
        self.logger = logger
    }

    /// Acts on `inbound` unless it was handled before. Returns the record written (nil: handled before).
    @discardableResult
    func handle(_ inbound: Inbound) throws -> InboundRecord? {
        let record: InboundRecord? = try store.write {
            guard !(try store.inboundHandled(inbound.key)) else { return nil }
            let record = try act(on: inbound)
            try store.recordInbound(record)
            return record
        }
        guard let record else {
            logger.debug("reply", ["channel": inbound.channel.rawValue, "result": "already-handled"])
            return nil
        }
        logger.info(
            "reply",
            [
                "channel": inbound.channel.rawValue, "from": Logger.mask(inbound.from),
                "outbox": record.outboxID.map(String.init) ?? "-", "person": record.personID.map(String.init) ?? "-",
                "action": record.action.rawValue, "detail": record.detail ?? "-",
            ])
        return record
    }

    /// A message that could not be fetched or read three polls in a row, moved to the unreadable
    /// folder (or left where it is, passed over): listed by `replies` and, once, in the leaders'
    /// next digest. Only that it came, when, and where it is; the reason (ours) is logged.
    func recordUnreadable(key: String, _ mail: UnreadableMail, reason: String) throws {
        let written = try store.write {
            try store.recordInbound(
                InboundRecord(key: key, receivedAt: mail.at, channel: .email, action: .unreadable, detail: mail.detail)
            )
        }
        if written {
            logger.warning(
                "reply", ["channel": "email", "action": "unreadable", "detail": mail.detail, "reason": reason])
        }
    }

    private func act(on inbound: Inbound) throws -> InboundRecord {
        var record = InboundRecord(
            key: inbound.key, receivedAt: inbound.receivedAt, channel: inbound.channel, action: .unmatched)
        switch inbound.kind {
        case .automatic(let reason):
            record.action = .ignoredAuto
            record.detail = reason
        case .bounce(let bounce):
            guard let row = try ourMessage(bounce.messageID) else {
                record.detail = "a bounce about a message that is not ours"
                return record
            }
            record.outboxID = row.id
            record.personID = row.recipient
            record.action = .bounce
            record.detail = bounce.status
            if bounce.isPermanent {
                try store.markBounced(row.id, reason: bounce.reason, now: inbound.receivedAt)
            } else {
                record.detail = "\(bounce.status) (delayed; not acted on)"
            }
        case .complaint(let complaint):
            try understand(complaint, into: &record)
        case .reply(let intent, let viaCalendar):
            let (row, person): (OutboxRow, Person)
            switch try match(inbound, optOut: intent == .stop || intent == .start) {
            case .none(let reason):
                record.detail = reason
                return record
            case .unproven(let answered, let sender):
                // Acts on nothing and is never answered: a confirmation would go to a forged address.
                record.outboxID = answered.id
                record.personID = sender.id
                try forwardUnverified(
                    Answer(inbound: inbound, row: answered, person: sender, intent: intent, viaCalendar: viaCalendar),
                    record: &record)
                return record
            case .proven(let answered, let sender): (row, person) = (answered, sender)
            }
            record.outboxID = row.id
            record.personID = person.id
            var answer = Answer(inbound: inbound, row: row, person: person, intent: intent, viaCalendar: viaCalendar)
            try understand(&answer)
            record.action = answer.action
            record.detail = answer.detail
            try confirm(answer)
        }
        return record
    }
}
