import Desk
import Dispatch
import Foundation
import MentorModel
import MentorStore
import Notifier
import Transport

/// Sends a leader's sign-in link (rule `desk-login`) at once, outside the send window, straight
/// through the configured email transport (the spool without one). Not through the outbox: an
/// outbox row keeps its rendered text, and the link must be stored nowhere but in its hash.
///
/// Sending happens on a queue of its own, after the page has been answered: a leader's request and
/// a stranger's take the same time, however slow the mail server is.
final class DeskLinkMailer: Sendable {
    let config: Config
    let catalog: TemplateCatalog
    let logger: Logger
    /// The email transport for one message; built per message (a link is rare, a kept
    /// connection would only time out).
    let transport: @Sendable () throws -> any EmailTransport
    private let queue = DispatchQueue(label: "mentor-notify.desk-link-mail")

    init(
        config: Config, catalog: TemplateCatalog, logger: Logger,
        transport: @escaping @Sendable () throws -> any EmailTransport
    ) {
        self.config = config
        self.catalog = catalog
        self.logger = logger
        self.transport = transport
    }

    /// Queues the link to `leader`; logs the outcome with the masked address only (never the link).
    func send(_ link: String, to leader: DeskLeader, now: Int64) {
        queue.async { [self] in
            do {
                let payload = try payload(link, to: leader, now: now)
                let transport = try transport()
                defer { transport.finishBatch() }
                _ = try transport.send(payload)
                logger.info("desk.link-sent", ["to": Logger.mask(leader.email)])
            } catch let error as DeliveryError {
                logger.error(
                    "desk.link-failed", ["to": Logger.mask(leader.email), "reason": ReasonText.masked(error.reason)])
            } catch {
                logger.error(
                    "desk.link-failed",
                    ["to": Logger.mask(leader.email), "reason": ReasonText.masked(CLI.describe(error).1)])
            }
        }
    }

    /// The email: the leader's language, a Message-ID of its own (random, not the link).
    func payload(_ link: String, to leader: DeskLeader, now: Int64) throws -> EmailPayload {
        let message = try catalog.render(
            rule: .deskLogin, role: .leader, channel: .email, language: leader.language,
            variables: ["recipient": leader.name, "link": link, "minutes": String(DeskSignIn.linkSeconds / 60)])
        let from = config.email?.from ?? Cycle.spoolFrom
        let domain =
            EmailSettings.address(of: from).split(separator: "@").last.map(String.init) ?? "mentor-notify.invalid"
        let messageID = "desk-login." + DeskToken.make() + "@" + domain
        let mail = MailMessage(
            from: from, to: leader.email, subject: message.subject, body: message.body, messageID: messageID,
            date: Date(timeIntervalSince1970: TimeInterval(now)), fromMailbox: MailMessage.mailbox(from))
        do {
            return EmailPayload(outboxID: 0, to: leader.email, mime: try mail.rendered(), messageID: messageID)
        } catch {
            throw DeliveryError.permanent(error.message)
        }
    }

    /// Returns when every link queued so far has been handed to the transport (tests).
    func waitUntilSent() {
        queue.sync {}
    }
}
