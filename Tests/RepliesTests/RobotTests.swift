import Foundation
import Testing

@testable import Replies

/// SPEC.md "Never answered, never acted on": automatic mail is told from a person's, by the marks
/// robots put on it (each reason names the mark matched); bounces and feedback reports are read,
/// also when a part of them is damaged.
@Suite struct RobotTests {
    static func read(_ headers: String, body: String = "ja") throws -> InboundMail.Kind {
        try InboundMail.read(Array((headers + "\r\n\r\n" + body).utf8), ownAddresses: ["svar@x.dk"]).kind
    }

    /// Each mark, and the reason it is logged with.
    @Test(arguments: [
        ("From: a@b.dk\r\nSubject: Auto reply: hej", "out-of-office subject"),
        ("From: a@b.dk\r\nSubject: Auto-Reply: hej", "out-of-office subject"),
        ("From: a@b.dk\r\nSubject: AutoReply: hej", "out-of-office subject"),
        ("From: a@b.dk\r\nSubject: Automatic reply: hej", "out-of-office subject"),
        ("From: a@b.dk\r\nSubject: Automatisk svar: hej", "out-of-office subject"),
        ("From: a@b.dk\r\nSubject: AUTOSVAR: hej", "out-of-office subject"),
        ("From: a@b.dk\r\nSubject: Out of Office: hi", "out-of-office subject"),
        ("From: Mail Delivery System <bounce@relay.example.org>", "mailer-daemon"),
        ("From: \"Mail.Delivery.System\" <noreply@relay.example.org>", "mailer-daemon"),
        ("From: Mail.Delivery.System@relay.example.org", "mailer-daemon"),
        ("From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>", "mailer-daemon"),
        ("From: MAILER-DAEMON@x.dk", "mailer-daemon"), ("From: Postmaster <POSTMASTER@x.dk>", "mailer-daemon"),
        ("From: a@b.dk\r\nReturn-Path: <MAILER-DAEMON>", "return-path mailer-daemon"),
        ("From: a@b.dk\r\nReturn-Path: <MAILER-DAEMON@mx.b.dk>", "return-path mailer-daemon"),
        ("From: a@b.dk\r\nReturn-Path: < >", "empty return-path"),
        ("From: a@b.dk\r\nAuto-Submitted: auto-replied (vacation)", "auto-submitted"),
        ("From: a@b.dk\r\nAuto-Submitted: notify-me", "auto-submitted"),
        ("From: a@b.dk\r\nAuto-Submitted: ", "auto-submitted"),
        ("From: a@b.dk\r\nPrecedence: junk", "precedence junk"),
        ("From: a@b.dk\r\nPrecedence: list", "precedence list"),
        ("From: a@b.dk\r\nPrecedence: Bulk (mass mailing)", "precedence bulk"),
        ("From: a@b.dk\r\nX-Autoreply: yes", "autoreply header"),
        ("From: a@b.dk\r\nX-Autorespond: ", "autoreply header"),
        ("From: a@b.dk\r\nX-Failed-Recipients: c@d.dk", "x-failed-recipients"),
        ("From: a@b.dk\r\nList-Id: <l.b.dk>\r\nX-List-Administrivia: yes", "list administrivia"),
        ("From: Mentorer <mentorer-bounces@lists.b.dk>", "list robot"),
        ("From: owner-mentorer@lists.b.dk", "list robot"),
        ("From: L-Soft list server <LISTSERV@LISTS.B.DK>", "list robot"),
        ("From: majordomo@b.dk", "list robot"),
        (
            "From: Mentorer <mentorer@lists.b.dk>\r\nList-Id: <mentorer.lists.b.dk>\r\nSubject: Message rejected",
            "list error"
        ),
        (
            "From: a@b.dk\r\nContent-Type: multipart/report; report-type=disposition-notification; boundary=b",
            "read receipt"
        ),
        ("From: \"Svar\" <SVAR@x.dk>", "our own address"),
    ])
    func robots(_ headers: String, reason: String) throws {
        let body =
            headers.contains("boundary=b")
            ? "--b\r\nContent-Type: text/plain\r\n\r\nDin meddelelse blev læst\r\n--b--\r\n" : "ja"
        #expect(try Self.read(headers, body: body) == .automatic(reason: reason))
    }

    /// What people write is not mistaken for a robot's mark.
    @Test(arguments: [
        "From: a@b.dk\r\nAuto-Submitted: no", "From: a@b.dk\r\nAuto-Submitted: No (a person wrote this)",
        "From: a@b.dk\r\nSubject: Re: Out of Office: hi", "From: Mail Delivery <a@b.dk>",
        "From: postmasteren@b.dk", "From: a@b.dk\r\nList-Unsubscribe: <mailto:x@b.dk>",
        "From: a@b.dk\r\nList-Id: <l.b.dk>\r\nSubject: Re: første møde", "From: a@b.dk\r\nReturn-Path: <a@b.dk>",
        "From: a@b.dk\r\nPrecedence: first-class", "From: owner@b.dk", "From: Jens Mailer <mailer@b.dk>",
    ])
    func people(_ headers: String) throws {
        #expect(try Self.read(headers) == .reply(intent: .yes, viaCalendar: false))
    }

    /// A notification in JSON (Amazon SES through SNS) is a robot's, whatever its headers say.
    @Test func providerJSONIsARobot() throws {
        let body = #"{"Type" : "Notification", "TopicArn" : "arn:aws:sns:eu-west-1:1:b", "Message" : "{}"}"#
        #expect(try Self.read("From: x@b.dk", body: body) == .automatic(reason: "provider notification"))
        let ses = #"  {"eventType":"Complaint","complaint":{},"mail":{}}"#
        #expect(try Self.read("From: x@b.dk", body: ses) == .automatic(reason: "provider notification"))
        // A person's braces are a person's.
        #expect(try Self.read("From: x@b.dk", body: "{3 timer}") == .reply(intent: .other, viaCalendar: false))
    }

    @Test(arguments: [
        ("outlook-read-receipt", "read receipt"), ("exchange-auto-reply", "out-of-office subject"),
        ("amazon-ses-notification", "provider notification"), ("mailman-held", "list administrivia"),
        ("out-of-office", "auto-submitted"),
    ])
    func robotFixtures(_ name: String, reason: String) throws {
        let mail = try FixtureTests.mail(name)
        #expect(mail.kind == .automatic(reason: reason))
        #expect(mail.ownText.isEmpty)
    }

    @Test(arguments: [
        (
            "postfix-bounce", "mn.deadbeef0011223344556677@mentorshoppen.dk", "5.1.1",
            "smtp; 550 5.1.1 <ghost@example.net>"
        ),
        ("exim-bounce", "mn.0a1b2c3d4e5f60718293a4b5@mentorshoppen.dk", "5.1.1", "smtp; 550 5.1.1 <mentee.gone@"),
        // The nested multipart's boundary is on a line of its own without indentation.
        ("exchange-bounce-damaged", "mn.5566778899aabbccddeeff00@mentorshoppen.dk", "5.1.10", "smtp;550 5.1.10"),
        // The report's parameters on an unindented line, and a multipart part with no boundary at all.
        ("bounce-part-without-boundary", "mn.77aa88bb99cc00dd11ee22ff@mentorshoppen.dk", "5.1.1", "smtp; 550 5.1.1"),
    ])
    func bounces(_ name: String, messageID: String, status: String, diagnostic: String) throws {
        let mail = try FixtureTests.mail(name)
        guard case .bounce(let bounce) = mail.kind else {
            Issue.record("\(name) not read as a bounce: \(mail.kind)")
            return
        }
        #expect(bounce.messageID == messageID)
        #expect(bounce.status == status)
        #expect(bounce.isPermanent)
        #expect(bounce.diagnostic?.hasPrefix(diagnostic) == true, "\(bounce.diagnostic ?? "")")
    }

    @Test(arguments: [
        ("yahoo-arf", "mn.a1b2c3d4e5f6a7b8c9d0e1f2@mentorshoppen.dk"),
        ("outlook-com-arf", "mn.0f1e2d3c4b5a69788796a5b4@mentorshoppen.dk"),
    ])
    func feedbackReports(_ name: String, messageID: String) throws {
        let mail = try FixtureTests.mail(name)
        #expect(mail.kind == .complaint(Complaint(messageID: messageID, feedbackType: "abuse")))
        #expect(mail.ownText.isEmpty)
    }

    /// A report about authentication (RFC 6591) or a virus is no person's complaint.
    @Test func aFeedbackReportOfAnotherTypeIsNotAComplaint() throws {
        let report = """
            --b\r\nContent-Type: message/feedback-report\r\n\r\nFeedback-Type: auth-failure\r\nVersion: 1\r\n\r\n\
            --b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <mn.1@x.dk>\r\n\r\n--b--\r\n
            """
        let kind = try Self.read(
            "From: dmarc@b.dk\r\nContent-Type: multipart/report; report-type=feedback-report; boundary=b", body: report)
        #expect(kind == .complaint(Complaint(messageID: "mn.1@x.dk", feedbackType: "auth-failure")))
        if case .complaint(let complaint) = kind { #expect(!complaint.isSpam) }
    }
}

/// Damaged structure is read for what can be read; a message with nothing readable is refused.
@Suite struct DamagedMIMETests {
    @Test func anUnindentedParameterLineContinuesTheContentType() throws {
        let message = try MIMEReader.read(
            Array(
                "Content-Type: multipart/mixed;\r\nboundary=\"a:b\"\r\nFrom: x@y.dk\r\n\r\n--a:b\r\n\r\nja\r\n--a:b--\r\n"
                    .utf8))
        #expect(message.plainText == "ja")
        #expect(message.headers.first("from") == "x@y.dk")
    }

    @Test func aMissingBoundaryIsTakenFromTheFirstDelimiterLine() throws {
        let message = try MIMEReader.read(
            Array("Content-Type: multipart/mixed\r\n\r\npreamble\r\n--zz\r\n\r\nja\r\n--zz--\r\n".utf8))
        #expect(message.plainText == "ja")
    }

    @Test func aNestedPartWithoutABoundaryIsPassedOver() throws {
        let message = try MIMEReader.read(
            Array(
                """
                Content-Type: multipart/mixed; boundary=o\r\n\r\n--o\r\nContent-Type: multipart/alternative\r\n\r\n\
                no delimiters here\r\n--o\r\nContent-Type: text/plain\r\n\r\nja\r\n--o--\r\n
                """.utf8))
        #expect(message.plainText == "ja")
    }

    @Test func aTopLevelMultipartWithNothingToReadIsStillRefused() {
        #expect(throws: MIMEReadError.malformed("a multipart part without a usable boundary")) {
            try MIMEReader.read(Array("Content-Type: multipart/mixed\r\n\r\n--\r\n3\r\n".utf8))
        }
    }
}
