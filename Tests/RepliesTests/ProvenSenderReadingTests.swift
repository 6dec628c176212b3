import Foundation
import Testing

@testable import Replies

/// RFC 8601 `Authentication-Results`, as far as "did our server see dmarc=pass for the From domain".
@Suite struct AuthenticationResultsTests {
    @Test func readsAServersHeaderWithCommentsVersionsAndQuotes() throws {
        let header = try #require(
            AuthenticationResults.parse(
                #"MX.Example.DK 1; spf=pass (sender SPF authorized) smtp.mailfrom=amira@example.dk;"#
                    + "\r\n\tdkim/1=pass header.d=example.dk header.s=\"s(1);x\"; dmarc = pass (p=reject (nested))"
                    + " header.from=example.dk; arc=none"))
        #expect(header.authservID == "mx.example.dk")
        #expect(header.results.map(\.method) == ["spf", "dkim", "dmarc", "arc"])
        #expect(header.results[1].properties["header.s"] == "s(1);x")
        #expect(header.results[2].value == "pass")
        #expect(header.results[2].properties["header.from"] == "example.dk")
    }

    @Test(arguments: [
        ([] as [String], false),
        (["mx.example.dk; dmarc=pass header.from=example.dk"], true),
        (["mx.example.dk; dmarc=pass header.from=example.dk."], true),
        (["mx.example.dk; dmarc=pass"], false),
        (
            ["mx.example.dk; dmarc=fail header.from=example.dk", "mx.example.dk; dmarc=pass header.from=example.dk"],
            false
        ),
        (["other.example; dmarc=fail header.from=x", "mx.example.dk; dmarc=pass header.from=example.dk"], true),
        (["other.example; dmarc=pass header.from=example.dk"], false),
        (["mx.example.dk.evil; dmarc=pass header.from=example.dk"], false),
        (["\"mx.example.dk\"; dmarc=pass header.from=example.dk"], true),
        (["mx.example.dk; none"], false),
        (["mx.example.dk; dmarc=pass header.from=evil.example"], false),
        (["mx.example.dk; dmarc=pass header.from=example.dk; dmarc=fail header.from=example.dk"], false),
        (["(mx.example.dk; dmarc=pass header.from=example.dk)"], false),
    ])
    func dmarcPassOnlyFromTheTopmostHeaderOfOurServer(headers: [String], pass: Bool) {
        #expect(AuthenticationResults.dmarcPass(headers, authservID: "mx.example.dk", fromDomain: "example.dk") == pass)
    }

    @Test func withoutAnAuthservIdNothingIsTrusted() {
        let headers = ["mx.example.dk; dmarc=pass header.from=example.dk"]
        #expect(!AuthenticationResults.dmarcPass(headers, authservID: nil, fromDomain: "example.dk"))
        #expect(!AuthenticationResults.dmarcPass(headers, authservID: "", fromDomain: "example.dk"))
    }

    @Test func aHeaderPastTheLimitIsNotRead() {
        let long = "mx.example.dk; dmarc=pass header.from=example.dk; " + String(repeating: "x", count: 9000)
        #expect(AuthenticationResults.parse(long) == nil)
        #expect(!AuthenticationResults.dmarcPass([long], authservID: "mx.example.dk", fromDomain: "example.dk"))
    }

    @Test func theMailKeepsTheHeadersTopFirst() throws {
        let mail = try InboundMail.read(
            Array(
                """
                Authentication-Results: mx.example.dk; dmarc=pass header.from=example.dk
                Authentication-Results: mx.evil.example; dmarc=fail
                From: amira@example.dk
                Message-ID: <a@example.dk>

                3
                """.utf8), ownAddresses: [])
        #expect(mail.authenticationResults.count == 2)
        #expect(mail.authenticationResults.first?.hasPrefix("mx.example.dk") == true)
    }
}

@Suite struct ForwardTextTests {
    @Test(arguments: [
        ("https://evil.example/login", "https[:]//evil[.]example/login"),
        ("se www.phish.dk nu", "se www[.]phish[.]dk nu"),
        ("skriv til a.b@example.dk", "skriv til a[.]b@example[.]dk"),
        ("3.5 timer, kl. 8. Tak.", "3.5 timer, kl. 8. Tak."),
        ("example\u{3002}com", "example[.]com"),
        ("ftp://1.2.3.4/x", "ftp[:]//1.2.3.4/x"),
        ("", ""),
        // Invisible characters beside a dot: shown as `www.evil.com`, and a browser's IDNA
        // mapping drops them, so the dot must not be left as it was.
        ("www\u{AD}.evil\u{AD}.com", "www[.]evil[.]com"),
        ("evil.\u{200B}com", "evil[.]com"),
        ("evil.\u{200D}com", "evil[.]com"),
        ("https\u{2060}://x", "https[:]//x"),
        ("\u{202E}moc.live", "moc[.]live"),
        // A dot IDNA maps to a dot.
        ("evil\u{2024}com", "evil[.]com"),
        // What is not a link stays as written, emoji sequences included.
        ("Tak \u{1F469}\u{200D}\u{1F4BB} kl. 8.", "Tak \u{1F469}\u{200D}\u{1F4BB} kl. 8."),
    ])
    func linksAreWrittenSoNoMailProgramLinksThem(text: String, expected: String) {
        #expect(ForwardText.unlinked(text) == expected)
    }

    @Test func theSendersLinesAreSetApart() {
        #expect(ForwardText.setApart(["Hej", "se x.dk"]) == "| Hej\n| se x[.]dk")
    }
}

@Suite struct CalendarAnswerTests {
    static func reply(_ partstat: String, uid: String = "mi.0123456789abcdef0123456789abcdef.cafe@mentor-notify")
        throws -> InboundMail
    {
        try InboundMail.read(
            Array(
                """
                From: amira@example.dk
                Content-Type: text/calendar; method=REPLY

                BEGIN:VCALENDAR
                METHOD:REPLY
                BEGIN:VEVENT
                UID:\(uid)
                ATTENDEE;CN=Amira;PARTSTAT=\(partstat);RSVP=FALSE:mailto:amira@example.dk
                END:VEVENT
                END:VCALENDAR
                """.utf8), ownAddresses: [])
    }

    @Test func theUIDAndWhatTheAttendeeSaid() throws {
        let yes = try Self.reply("ACCEPTED")
        #expect(yes.kind == .reply(intent: .yes, viaCalendar: true))
        #expect(
            yes.calendarAnswer
                == CalendarAnswer(uid: "mi.0123456789abcdef0123456789abcdef.cafe@mentor-notify", partstat: "ACCEPTED"))
        #expect(try Self.reply("DECLINED").kind == .reply(intent: .no, viaCalendar: true))
        // Tentative is neither yes nor no, and is kept as what it was.
        let maybe = try Self.reply("TENTATIVE")
        #expect(maybe.kind == .reply(intent: .other, viaCalendar: true))
        #expect(maybe.calendarAnswer?.partstat == "TENTATIVE")
    }
}
