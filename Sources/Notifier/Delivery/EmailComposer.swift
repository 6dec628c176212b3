import Foundation
import MentorModel
public import MentorStore
public import Transport

/// Builds our emails: what every one of them shares (the sender, the Message-ID domain, Reply-To,
/// the unsubscribe link's base), built once, and the one way a row becomes an email.
struct EmailComposer: Sendable {
    let from: String
    /// The From header, built once rather than per message.
    let fromMailbox: String
    /// The domain of the sender's address, for Message-IDs.
    let messageIDDomain: String
    /// The replies address, when answers are read: Reply-To of every email and ORGANIZER of every
    /// invitation, which then asks for an answer.
    var replyTo: String?
    /// The public address of the web endpoint, without a trailing slash, for the unsubscribe link.
    var publicURL: String?

    init(from: String, replyTo: String? = nil, publicURL: String? = nil) {
        self.from = from
        self.fromMailbox = MailMessage.mailbox(from)
        self.messageIDDomain = Deliverer.messageIDDomain(from: from)
        self.replyTo = replyTo
        self.publicURL = publicURL
    }

    /// The invitation a stored event becomes; nil when the event cannot be read.
    func calendar(_ stored: String) -> ICalendar.Prepared? {
        StoredEvent.decode(stored).flatMap { ICalendar.prepare($0, organizer: replyTo ?? from, rsvp: replyTo != nil) }
    }

    /// The email for `row` to `address`, with `body` as its text and `calendar` (from `calendar(_:)`)
    /// attached as an invitation.
    func payload(_ row: OutboxRow, to address: String, body: String, now: Int64, calendar: ICalendar.Prepared?)
        throws(DeliveryError) -> EmailPayload
    {
        let messageID = Deliverer.messageID(row, domain: messageIDDomain)
        let date = Date(timeIntervalSince1970: TimeInterval(now))
        let invitation = calendar?.request(
            attendee: address, stamp: Date(timeIntervalSince1970: TimeInterval(row.createdAt)),
            token: row.invitationToken)
        var message = MailMessage(
            from: from, to: address, subject: row.subject ?? "", body: body, messageID: messageID, date: date,
            calendar: invitation, fromMailbox: fromMailbox)
        message.calendarMethod = calendar?.method ?? "REQUEST"
        message.replyTo = replyTo
        if let thread = MailThread.headers(row.thread) {
            message.inReplyTo = thread.inReplyTo
            message.references = thread.references
        }
        if let (value, oneClick) = Deliverer.listUnsubscribe(row, publicURL: publicURL, replyTo: replyTo) {
            message.listUnsubscribe = value
            message.oneClickUnsubscribe = oneClick
        }
        do {
            return EmailPayload(outboxID: row.id, to: address, mime: try message.rendered(), messageID: messageID)
        } catch {
            throw DeliveryError.permanent(error.message)
        }
    }
}

extension Deliverer {
    /// The invitation for a stored event, prepared once per pass: a café evening's invitations all
    /// carry the same one.
    func calendar(_ text: String) -> ICalendar.Prepared? {
        if let known = calendars[text] { return known }
        let prepared = composer.calendar(text)
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
