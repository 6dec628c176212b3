import Foundation
import MentorModel
import Notifier
import TestSupport
import Testing

@testable import Transport

/// Email through libcurl to a real SMTP server (aiosmtpd) on loopback, checked with a real MIME parser.
@Suite(.serialized) struct SMTPIntegrationTests {
    func message(
        to: String = "amira@example.dk", subject: String = "Caféaften på onsdag – kom og vær med æøå",
        calendar: String? = nil, id: String = "mentor-notify.1.1@example.dk"
    ) throws -> EmailPayload {
        let mail = MailMessage(
            from: "Mentorshoppen Holstebro <noreply@example.dk>", to: to, subject: subject,
            body:
                "Hej Amira\n\nDu er inviteret til caféaften.\n.\nEn linje med et punktum.\nVenlig hilsen\nMentorshoppen",
            messageID: id, date: Date(timeIntervalSince1970: 1_795_000_000), calendar: calendar)
        return EmailPayload(outboxID: 1, to: to, mime: try mail.rendered(), messageID: id)
    }

    func settings(_ port: Int, scheme: String = "smtp", tls: Bool = false) -> EmailSettings {
        var settings = EmailSettings(
            url: "\(scheme)://127.0.0.1:\(port)", from: "Mentorshoppen Holstebro <noreply@example.dk>")
        settings.requireTLS = tls
        settings.timeoutSeconds = 5
        return settings
    }

    @Test func aMessageArrivesWithHeadersPartsAndCalendarIntact() throws {
        let scratch = Scratch()
        let server = try TestServer(
            script: "smtp_server.py", arguments: ["--out", scratch.path + "/in"], folder: scratch.path)
        let event = StoredEvent(
            uid: "cafe-holstebro-2026-11-25T18:00@mentor-notify", start: "2026-11-25T18:00", minutes: 180,
            summary: "Caféaften · Mentorshoppen", place: "Mentorshoppen, Nørregade 10", timeZone: "Europe/Copenhagen")
        let calendar = try #require(
            ICalendar.request(
                event, organizer: "noreply@example.dk", attendee: "amira@example.dk",
                stamp: Date(timeIntervalSince1970: 1_795_000_000)))
        let transport = SMTPTransport(settings: settings(server.port), password: nil)
        let receipt = try transport.send(try message(calendar: calendar))
        #expect(receipt.providerID?.contains("250") == true)
        let received = try #require(scratch.received(scratch.path + "/in", count: 1).first)
        let headers = try #require(received["headers"] as? [String: String])
        #expect(headers["Subject"] == "Caféaften på onsdag – kom og vær med æøå")
        #expect(headers["From"] == "Mentorshoppen Holstebro <noreply@example.dk>")
        #expect(headers["To"] == "<amira@example.dk>" || headers["To"] == "amira@example.dk")
        #expect(headers["Message-ID"] == "<mentor-notify.1.1@example.dk>")
        #expect(headers["Auto-Submitted"] == "auto-generated")
        #expect(headers["Date"] != nil)
        #expect((received["defects"] as? [String])?.isEmpty == true)
        #expect(received["raw_has_crlf_only"] as? Bool == true)
        #expect(received["mail_from"] as? String == "noreply@example.dk")
        let parts = try #require(received["parts"] as? [[String: Any]])
        let text = try #require(parts.first { $0["type"] as? String == "text/plain" })
        #expect((text["params"] as? [String: String])?["charset"]?.lowercased() == "utf-8")
        #expect(text["encoding"] as? String == "quoted-printable")
        // On the wire lines end in CRLF (RFC 5322); compare the text itself.
        let body = try #require(text["text"] as? String).replacingOccurrences(of: "\r\n", with: "\n")
        #expect(body.contains("Du er inviteret til caféaften.\n.\nEn linje"), "\(body.debugDescription)")
        let ics = try #require(parts.first { $0["type"] as? String == "text/calendar" })
        #expect((ics["params"] as? [String: String])?["method"] == "REQUEST")
        let icsText = try #require(ics["text"] as? String)
        for line in [
            "METHOD:REQUEST", "UID:cafe-holstebro-2026-11-25T18:00@mentor-notify",
            "DTSTART;TZID=Europe/Copenhagen:20261125T180000",
            "DTSTAMP:", "SUMMARY:Caféaften · Mentorshoppen", "LOCATION:Mentorshoppen\\, Nørregade 10",
            "BEGIN:VTIMEZONE",
            "TZOFFSETTO:+0200", "TZOFFSETTO:+0100",
        ] {
            #expect(icsText.contains(line), "calendar lacks \(line)")
        }
    }

    @Test func starttlsWithAuthAndACertificateWeTrust() throws {
        let scratch = Scratch()
        let (cert, key) = try scratch.certificate()
        let server = try TestServer(
            script: "smtp_server.py",
            arguments: ["--out", scratch.path + "/in", "--cert", cert, "--key", key, "--auth", "mentor:s3cret-pw"],
            folder: scratch.path)
        var config = settings(server.port, tls: true)
        config.username = "mentor"
        config.caFile = cert
        _ = try SMTPTransport(settings: config, password: "s3cret-pw").send(try message())
        let received = try #require(scratch.received(scratch.path + "/in", count: 1).first)
        #expect(received["tls"] as? Bool == true)
        #expect(received["auth"] as? Bool == true)
    }

    @Test func implicitTLSOnSmtps() throws {
        let scratch = Scratch()
        let (cert, key) = try scratch.certificate()
        let server = try TestServer(
            script: "smtp_server.py",
            arguments: ["--out", scratch.path + "/in", "--cert", cert, "--key", key, "--implicit-tls"],
            folder: scratch.path)
        var config = settings(server.port, scheme: "smtps")
        config.caFile = cert
        _ = try SMTPTransport(settings: config, password: nil).send(try message())
        #expect(scratch.received(scratch.path + "/in", count: 1).first?["tls"] as? Bool == true)
    }

    /// The fault table at the SMTP edge: each failure classified as transient or permanent.
    @Test func faultsAreClassified() throws {
        let scratch = Scratch()
        let (cert, key) = try scratch.certificate()
        func attempt(
            _ arguments: [String], tls: Bool = false, ca: String? = nil, user: String? = nil, password: String? = nil,
            timeout: Int = 5
        ) throws -> DeliveryError? {
            let server = try TestServer(
                script: "smtp_server.py", arguments: ["--out", scratch.path + "/x"] + arguments, folder: scratch.path)
            var config = settings(server.port, tls: tls)
            config.caFile = ca
            config.username = user
            config.timeoutSeconds = timeout
            let payload = try message()
            do {
                _ = try SMTPTransport(settings: config, password: password).send(payload)
                return nil
            } catch {
                return error
            }
        }
        // Only a 5xx about the message (RCPT, DATA) fails it; everything else holds the channel.
        let rejected = try #require(try attempt(["--mode", "reject"]))
        #expect(rejected.kind == .permanent)
        #expect(rejected.reason == "SMTP 550 5.1.1 mailbox unavailable (refused at RCPT)")
        let later = try #require(try attempt(["--mode", "fail-once"]))
        #expect(later.holdsChannel && later.reason == "SMTP 451 4.3.0 try again later (at DATA)")
        let dropped = try #require(try attempt(["--mode", "drop"]))
        #expect(dropped.holdsChannel)
        let slow = try #require(try attempt(["--mode", "slow"], timeout: 2))
        #expect(slow.holdsChannel && slow.reason.contains("timed out"))
        let untrusted = try #require(try attempt(["--cert", cert, "--key", key], tls: true))
        #expect(untrusted.holdsChannel && untrusted.reason.contains("not trusted"))
        let noTLS = try #require(try attempt([], tls: true))
        #expect(noTLS.holdsChannel && noTLS.reason.contains("STARTTLS"))
        let badLogin = try #require(
            try attempt(
                ["--cert", cert, "--key", key, "--auth", "mentor:right"], tls: true, ca: cert,
                user: "mentor", password: "wrong"))
        #expect(badLogin.holdsChannel && badLogin.reason.contains("refused the login: SMTP 535"))
        #expect(!badLogin.reason.contains("wrong"), "the password never reaches a reason")
        let greeting = try #require(try attempt(["--mode", "greet-421"]))
        #expect(greeting.holdsChannel && greeting.reason.contains("refused the connection: SMTP 421 4.3.2"))
        let authLater = try #require(try attempt(["--mode", "auth-454"], user: "mentor", password: "secret"))
        #expect(authLater.holdsChannel && authLater.reason.contains("refused the login: SMTP 454 4.7.0"))
        // Nothing listening: connection refused.
        var config = settings(1, tls: false)
        config.url = "smtp://127.0.0.1:1"
        let payload = try message()
        do {
            _ = try SMTPTransport(settings: config, password: nil).send(payload)
            Issue.record("a send to a closed port succeeded")
        } catch {
            #expect(error.holdsChannel)
        }
    }

    @Test func oneConnectionCarriesTheMessagesOfACycle() throws {
        let scratch = Scratch()
        let server = try TestServer(
            script: "smtp_server.py", arguments: ["--out", scratch.path + "/in"], folder: scratch.path)
        let transport = SMTPTransport(settings: settings(server.port), password: nil)
        for index in 0..<5 {
            _ = try transport.send(try message(id: "mentor-notify.\(index).1@example.dk"))
        }
        #expect(transport.connectionsOpened == 1)
        #expect(scratch.received(scratch.path + "/in", count: 5).count == 5)
    }
}
