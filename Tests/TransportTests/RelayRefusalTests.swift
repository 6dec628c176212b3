import CCurl
import Foundation
import MentorModel
import Notifier
import TestSupport
import Testing

@testable import Transport

/// SPEC.md "A refusal is about the message only when it names the recipient", and `email.heloName`.
@Suite struct RelayRefusalTests {
    /// A transaction that got as far as `verb`, answered with `reply`.
    func dialogue(refusing verb: String, with reply: String) -> SMTPDialogue {
        var dialogue = SMTPDialogue()
        dialogue.received(Array("220 relay.example.test ESMTP\r\n".utf8))
        for (command, answer) in [
            ("EHLO example.dk", "250 relay.example.test"), ("MAIL FROM:<noreply@example.dk>", "250 2.1.0 Ok"),
            ("RCPT TO:<anna@example.dk>", "250 2.1.5 Ok"), ("DATA", "354 End data with <CR><LF>.<CR><LF>"),
        ] {
            dialogue.sent(Array((command + "\r\n").utf8))
            if command.hasPrefix(verb) {
                dialogue.received(Array((reply + "\r\n").utf8))
                break
            }
            dialogue.received(Array((answer + "\r\n").utf8))
        }
        return dialogue
    }

    func classify(_ verb: String, _ reply: String) -> DeliveryError {
        SMTPTransport.classify(
            code: CURLE_SEND_ERROR, response: 0, message: "", dialogue: dialogue(refusing: verb, with: reply),
            cancelled: false)
    }

    /// (stage, reply, fails the message?, words the reason carries)
    static let replies: [(String, String, Bool, String)] = [
        // About the mailbox or the message: that message fails.
        ("RCPT", "550 5.1.1 <anna@example.dk>: Recipient address rejected: User unknown", true, "<a***@example.dk>"),
        ("RCPT", "552 5.2.2 <anna@example.dk>: mailbox full", true, "5.2.2"),
        ("DATA", "552 5.3.4 Message size exceeds fixed limit", true, "refused at DATA"),
        ("RCPT", "550 No such user here", true, "550 No such user"),
        // About us, said at RCPT (Postfix's smtpd_delay_reject): the channel is held.
        (
            "RCPT", "553 5.7.1 <noreply@example.dk>: Sender address rejected: not owned by user mentor", false,
            "refused our sender address at RCPT"
        ),
        (
            "RCPT", "504 5.5.2 <mentorbox>: Helo command rejected: need fully-qualified hostname", false,
            "refused our EHLO name at RCPT"
        ),
        ("RCPT", "554 5.7.1 <anna@example.dk>: Relay access denied", false, "will not relay for us"),
        ("RCPT", "450 4.1.8 <noreply@example.dk>: Sender address rejected: Domain not found", false, "sender"),
        ("RCPT", "550 5.1.8 <noreply@example.dk>: bad sender's system address", false, "sender"),
        (
            "RCPT", "550 5.7.1 Service unavailable; client [192.0.2.1] blocked using zen.spamhaus.org", false,
            "not about the recipient"
        ),
        ("RCPT", "554 5.7.1 Access denied", false, "not about the recipient"),
        ("RCPT", "554 Transaction failed", false, "not about the recipient"),
        ("DATA", "554 5.7.1 Message rejected as spam", false, "at DATA"),
        ("MAIL", "553 5.1.7 The sender address is malformed", false, "refused our sender address"),
        ("EHLO", "501 5.5.2 Syntax: EHLO hostname", false, "refused EHLO"),
    ]

    @Test(arguments: RelayRefusalTests.replies.indices)
    func aRefusalFailsTheMessageOnlyWhenItNamesTheRecipient(index: Int) {
        let (verb, reply, failsMessage, words) = RelayRefusalTests.replies[index]
        let error = classify(verb, reply)
        #expect(error.holdsChannel == !failsMessage, "\(reply): \(error.kind)")
        #expect(error.reason.contains(words), "\(reply): \(error.reason)")
        #expect(!error.reason.contains("anna@") && !error.reason.contains("noreply@"), "\(error.reason)")
        // Only a refusal about the recipient counts toward "three different recipients alike".
        #expect((error.refusal != nil) == failsMessage)
    }

    @Test func refusalsOfDifferentRecipientsAlikeHaveOneShape() {
        let anna = classify("RCPT", "550 5.1.1 <anna@example.dk>: Recipient address rejected: User unknown")
        let bo = classify("RCPT", "550 5.1.1 <bo@example.dk>: Recipient address rejected: User unknown")
        let full = classify("RCPT", "552 5.2.2 <bo@example.dk>: mailbox full")
        #expect(anna.refusal == "SMTP 550 5.1.1 <address> Recipient address rejected: User unknown (refused at RCPT)")
        #expect(anna.refusal == bo.refusal)
        #expect(anna.refusal != full.refusal)
    }

    @Test func theEHLONameIsOursNeverTheShortHostName() throws {
        var settings = EmailSettings(url: "smtps://smtp.example.dk:465", from: "Mentorshoppen <noreply@example.dk>")
        #expect(settings.ehloName == "example.dk")
        #expect(settings.transferURL == "smtps://smtp.example.dk:465/example.dk")
        settings.heloName = "mentor.example.dk"
        settings.url = "smtp://127.0.0.1:2525/"
        #expect(settings.transferURL == "smtp://127.0.0.1:2525/mentor.example.dk")
        for good in ["mentor.example.dk", "a.dk", "mail-1.example.dk."] {
            #expect(EmailSettings.isHostName(good), "\(good)")
        }
        for bad in [
            "mentorbox", "", ".", "-a.example.dk", "a-.example.dk", "a..dk", "192.0.2.1", "a_b.example.dk",
            "ø.dk", String(repeating: "a", count: 64) + ".dk", "mail.example.dk/x", "mail example.dk",
        ] {
            #expect(!EmailSettings.isHostName(bad), "\(bad)")
        }
    }

    /// What a server hears in EHLO: the From domain by default, `heloName` when set (libcurl's own
    /// default is this machine's host name, which relays refuse when it is short).
    @Test func theServerHearsOurEHLOName() throws {
        let scratch = Scratch()
        let server = try TestServer(
            script: "smtp_server.py", arguments: ["--out", scratch.path + "/in"], folder: scratch.path)
        var settings = EmailSettings(
            url: "smtp://127.0.0.1:\(server.port)", from: "Mentorshoppen Holstebro <noreply@example.dk>")
        settings.requireTLS = false
        settings.timeoutSeconds = 5
        let mail = MailMessage(
            from: settings.from, to: "amira@example.dk", subject: "Hej", body: "Hej Amira",
            messageID: "mentor-notify.1.1@example.dk", date: Date(timeIntervalSince1970: 1_795_000_000))
        let payload = EmailPayload(
            outboxID: 1, to: "amira@example.dk", mime: try mail.rendered(), messageID: "mentor-notify.1.1@example.dk")
        _ = try SMTPTransport(settings: settings, password: nil).send(payload)
        settings.heloName = "mentor.example.dk"
        _ = try SMTPTransport(settings: settings, password: nil).send(payload)
        let received = scratch.received(scratch.path + "/in", count: 2)
        #expect(Set(received.compactMap { $0["helo"] as? String }) == ["example.dk", "mentor.example.dk"])
    }
}
