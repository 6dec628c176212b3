import Foundation
import Testing

@testable import Replies

@Suite struct DurationTests {
    @Test(arguments: [
        ("3", 180), ("3,5", 210), ("3.5", 210), ("3½", 210), ("½", 30), ("3 timer", 180), ("3 t", 180),
        ("3t", 180), ("2 t 30 min", 150), ("2 timer og 30 minutter", 150), ("1:30", 90), ("90 min", 90),
        ("90 minutter", 90), ("2 hours", 120), ("1½ time", 90), ("  3,5 timer.  ", 210), ("24", 1440),
        ("1 min", 1), ("0,25", 15), ("4,75 t", 285),
    ])
    func reads(_ text: String, minutes: Int) {
        #expect(ReplyReading.intent(ofLine: text) == .duration(minutes: minutes))
    }

    @Test(arguments: [
        "0", "25", "0 min", "3 dage", "3,5,5", "vi mødtes 3 timer", "3 timer og lidt", "99999", "1:75", "t 3", "-3",
        "3e2", "٣", "3 3", "",
    ])
    func refuses(_ text: String) {
        #expect(ReplyReading.intent(ofLine: text) != .duration(minutes: 0))
        if case .duration = ReplyReading.intent(ofLine: text) { Issue.record("\(text) read as a duration") }
    }
}

@Suite struct WordTests {
    @Test(arguments: [
        ("Ja", ReplyIntent.yes), ("ja tak!", .yes), ("Kommer", .yes), ("YES", .yes), ("Nej", .no),
        ("nej tak.", .no), ("kommer ikke", .no), ("Kan ikke", .no), ("no", .no), ("Udfyldt", .done),
        ("færdig!", .done), ("sendt", .done), ("done", .done), ("STOP", .stop), ("afmeld", .stop),
        ("Unsubscribe", .stop), ("start", .start), ("ja men kun en time", .other), ("måske", .other),
    ])
    func reads(_ text: String, intent: ReplyIntent) {
        #expect(ReplyReading.intent(ofLine: text) == intent)
    }

    @Test func theFirstOwnLineIsRead() {
        let text =
            "\n\n  Ja  \nJeg glæder mig\n\nOn Mon, 16 Mar 2026 at 09:00, Mentorshoppen <svar@x.dk> wrote:\n> Kommer du?"
        #expect(ReplyReading.ownLines(text) == ["Ja", "Jeg glæder mig"])
        #expect(ReplyReading.intent(ofText: text) == .yes)
    }

    @Test func aWrappedAttributionIsQuoteEvenWithNothingAbove() {
        let text = "On Mon, 16 Mar 2026 at 09:00 Mentorshoppen <\nsvar@x.dk> wrote:\n> 3,5"
        #expect(ReplyReading.ownLines(text).isEmpty)
        #expect(ReplyReading.intent(ofText: text) == .other)
    }
}

/// SPEC.md "Reading": the person's own lines wherever they wrote them, around and between what is
/// quoted, and never the quoted message, its attribution or a signature.
@Suite struct OwnLinesTests {
    static let question = "> Hej Søren\n>\n> Hvor mange timer var I sammen i marts?\n> Svar med antal timer, fx 3,5\n"

    @Test(arguments: [
        "Den 20. mar. 2026 kl. 09.00 skrev Mentorshoppen <svar@x.dk>:\n",
        "Den 20. mar. 2026 kl. 09.00 skrev Mentorshoppen <\nsvar@x.dk>:\n",
        "Den 20. mar. 2026 kl. 09.00 skrev\nMentorshoppen Holstebro\n<svar@x.dk>:\n",
        "On Fri, 20 Mar 2026 at 09:00, Mentorshoppen <svar@x.dk>\nwrote:\n\n",
        "Am 20.03.2026 um 09:00 schrieb Mentorshoppen <svar@x.dk>:\n",
        "Le ven. 20 mars 2026 à 09:00, Mentorshoppen <svar@x.dk> a écrit :\n",
        "Op 20 mrt. 2026 om 09:00 schreef Mentorshoppen <svar@x.dk>:\n",
        "",
    ])
    func bottomPostedBelowTheQuote(_ attribution: String) {
        let text = attribution + Self.question + "\n3,5\n\nMvh Søren\n"
        #expect(ReplyReading.ownLines(text) == ["3,5", "", "Mvh Søren"])
        #expect(ReplyReading.intent(ofText: text) == .duration(minutes: 210))
    }

    @Test func inlineBetweenQuotedLines() {
        let text = """
            Den 20. mar. 2026 kl. 09.00 skrev Mentorshoppen <svar@x.dk>:
            > Der er caféaften torsdag.

            nej

            > Kommer du? Svar ja eller nej.
            Jeg er på ferie.
            > Venlig hilsen
            """
        #expect(ReplyReading.ownLines(text) == ["nej", "", "Jeg er på ferie."])
        #expect(ReplyReading.intent(ofText: text) == .no)
    }

    @Test func anAttributionBeforeAnUnquotedMessageEndsTheOwnLines() {
        let text = "Ja\n\nOn Fri, 20 Mar 2026 at 09:00, Mentorshoppen <svar@x.dk> wrote:\nKommer du? Svar nej.\n"
        #expect(ReplyReading.ownLines(text) == ["Ja"])
    }

    /// Outlook writes the old message below a header block without `>`: nothing below it is read.
    @Test(arguments: [
        "Fra: Mentorshoppen <svar@x.dk>\nSendt: 20. marts 2026 09:00\nTil: Søren\nEmne: Timer",
        "From: Mentorshoppen <svar@x.dk>\nSent: Friday, March 20, 2026 9:00 AM\nTo: Søren\nSubject: Timer",
        "Von: Mentorshoppen <svar@x.dk>\nGesendet: Freitag, 20. März 2026 09:00\nAn: Søren\nBetreff: Timer",
        "De : Mentorshoppen <svar@x.dk>\nEnvoyé : vendredi 20 mars 2026 09:00\nÀ : Søren\nObjet : Timer",
        "Van: Mentorshoppen <svar@x.dk>\nVerzonden: vrijdag 20 maart 2026 09:00\nAan: Søren\nOnderwerp: Timer",
        "Från: Mentorshoppen <svar@x.dk>\nSkickat: den 20 mars 2026 09:00\nTill: Søren\nÄmne: Timer",
        "*Fra:* Mentorshoppen <svar@x.dk>\n*Sendt:* 20. marts 2026 09:00\n*Til:* Søren",
        "*From:* Mentorshoppen <svar@x.dk>\n*Date:* Friday, March 20, 2026 9:00 AM",
        "________________________________\nFra: Mentorshoppen <svar@x.dk>\nSendt: 20. marts 2026 09:00",
        "-----Original Message-----\nFrom: Mentorshoppen",
        "-----Oprindelig meddelelse-----\nFra: Mentorshoppen",
        "-----Ursprüngliche Nachricht-----\nVon: Mentorshoppen",
        "-----Message d'origine-----\nDe : Mentorshoppen",
        "-----Oorspronkelijk bericht-----\nVan: Mentorshoppen",
        "-----Ursprungligt meddelande-----\nFrån: Mentorshoppen",
    ])
    func outlookOldMessage(_ header: String) {
        let text = "2 timer\n\nVh Karin\n\n" + header + "\n\nHvor mange timer? Svar fx\n3,5\n"
        #expect(ReplyReading.ownLines(text) == ["2 timer", "", "Vh Karin"])
        #expect(ReplyReading.intent(ofText: text) == .duration(minutes: 120))
    }

    /// One "Fra:" line with no header below it is the person's (they may write "Fra: i morgen").
    @Test func aFromLineAloneIsOwn() {
        #expect(
            ReplyReading.ownLines("Fra: i morgen kan jeg\nHilsen Anne") == ["Fra: i morgen kan jeg", "Hilsen Anne"])
    }

    @Test(arguments: [
        ("Hej\n\n3,5\n", ReplyIntent.duration(minutes: 210)), ("Hej Elias,\nJa tak", .yes), ("Kære Karin\n\nnej", .no),
        ("Hi!\nyes", .yes), ("Hej, ja tak", .yes), ("Hej Elias, 3 timer", .duration(minutes: 180)),
        ("hej anne marie\n\nUdfyldt", .done), ("Hej\nJeg har et spørgsmål\n3", .other), ("Hej\n", .other),
        ("Hej Elias, hvornår er caféen?\nja", .other), ("Hej ja tak", .yes), ("Hej. 3", .duration(minutes: 180)),
    ])
    func greetingsArePassedOver(_ text: String, intent: ReplyIntent) {
        #expect(ReplyReading.intent(ofText: text) == intent)
    }

    @Test(arguments: [
        "Sendt fra min iPhone", "Hent Outlook til Android", "Sent from my Galaxy", "Get Outlook for iOS",
        "Gesendet von meinem iPhone", "Von meinem iPhone gesendet", "Envoyé de mon iPhone", "Skickat från min iPhone",
    ])
    func deviceSignatureEndsTheOwnLines(_ signature: String) {
        for above in ["", "> Kommer du?\n\n"] {
            let text = above + "Ja\n\n" + signature + "\n\nnej\n> Svar ja eller nej"
            #expect(ReplyReading.ownLines(text) == ["Ja"])
            #expect(ReplyReading.intent(ofText: text) == .yes)
        }
    }

    @Test func theSignatureDelimiterEndsTheOwnLines() {
        #expect(ReplyReading.ownLines("> Timer?\n3\n-- \nLars\n4") == ["3"])
    }
}

@Suite struct FixtureTests {
    static func mail(_ name: String, own: Set<String> = ["svar@mentorshoppen.dk"]) throws -> InboundMail {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "eml", subdirectory: "Fixtures"))
        return try InboundMail.read(Array(try Data(contentsOf: url)), ownAddresses: own)
    }

    @Test func gmail() throws {
        let mail = try Self.mail("gmail-hours")
        #expect(mail.kind == .reply(intent: .duration(minutes: 210), viaCalendar: false))
        #expect(mail.from == "soeren.kjaer@gmail.com")
        #expect(mail.references == ["mn.3f9c2a7be01d44c1a6b2e1f0@mentorshoppen.dk"])
        #expect(mail.ownText == ["3,5"])
    }

    @Test func outlookPlainTextInLatin1() throws {
        let mail = try Self.mail("outlook-hours")
        #expect(mail.kind == .reply(intent: .duration(minutes: 150), viaCalendar: false))
        #expect(mail.ownText == ["2 t 30 min", "", "Med venlig hilsen", "Lars"])
    }

    @Test func outlookOriginalMessageInWindows1252() throws {
        let mail = try Self.mail("outlook-original-message")
        #expect(mail.kind == .reply(intent: .done, viaCalendar: false))
        #expect(mail.from == "jette.hansen@kommune.dk")
    }

    @Test func outlookHTMLOnlyForwardsOnlyTheOwnText() throws {
        let mail = try Self.mail("outlook-html-only")
        #expect(mail.kind == .reply(intent: .other, viaCalendar: false))
        #expect(mail.ownText.first == "Vi sas sammen i 1 time og 45 minutter, og det gik rigtig godt.")
        #expect(!mail.ownText.joined().contains("svar med ja eller nej"))
        #expect(!mail.ownText.joined().contains("Fra:"))
    }

    @Test func appleMailWithDeviceSignature() throws {
        let mail = try Self.mail("apple-mail-yes")
        #expect(mail.kind == .reply(intent: .yes, viaCalendar: false))
        #expect(mail.ownText == ["Ja tak!"])
    }

    @Test func thunderbirdWithSignature() throws {
        let mail = try Self.mail("thunderbird-stop")
        #expect(mail.kind == .reply(intent: .stop, viaCalendar: false))
        #expect(mail.ownText == ["STOP"])
    }

    @Test func thunderbirdBottomPostedUnderAWrappedDanishAttribution() throws {
        let mail = try Self.mail("thunderbird-bottom-posted")
        #expect(mail.kind == .reply(intent: .duration(minutes: 150), viaCalendar: false))
        #expect(
            mail.ownText == ["Hej", "", "2 timer og 30 minutter", "", "Vi var i svømmehallen to gange.", "", "Peter"])
    }

    /// What is forwarded to a leader is the own lines: never the quoted message or its attribution.
    @Test func gmailInlineForwardsOnlyTheOwnLines() throws {
        let mail = try Self.mail("gmail-inline")
        #expect(mail.kind == .reply(intent: .yes, viaCalendar: false))
        #expect(mail.ownText == ["Ja tak", "", "Jeg tager min søster med, hvis det er i orden."])
        let forward = ForwardText.setApart(mail.ownText)
        for quoted in ["wrote", "Mentorshoppen", "Kommer du", "caféaften", ">"] { #expect(!forward.contains(quoted)) }
    }

    @Test func calendarAnswer() throws {
        let mail = try Self.mail("calendar-accept")
        #expect(mail.kind == .reply(intent: .yes, viaCalendar: true))
        #expect(mail.references == ["mn.c0ffee00112233445566778899@mentorshoppen.dk"])
    }

    @Test func outOfOfficeIsAutomatic() throws {
        let mail = try Self.mail("out-of-office")
        #expect(mail.kind == .automatic(reason: "auto-submitted"))
        #expect(mail.ownText.isEmpty)
    }

    @Test func postfixBounce() throws {
        let mail = try Self.mail("postfix-bounce")
        guard case .bounce(let bounce) = mail.kind else {
            Issue.record("not read as a bounce: \(mail.kind)")
            return
        }
        #expect(bounce.messageID == "mn.deadbeef0011223344556677@mentorshoppen.dk")
        #expect(bounce.status == "5.1.1")
        #expect(bounce.isPermanent)
        // Masked like every reason: the diagnostic echoes the address that failed.
        #expect(bounce.reason.hasPrefix("bounced: 5.1.1 smtp; 550 5.1.1 <g***@example.net>: Recipient address"))
        #expect(!bounce.reason.contains("ghost"))
    }

    @Test func ourOwnMailIsIgnored() throws {
        let mail = try Self.mail("gmail-hours", own: ["soeren.kjaer@gmail.com"])
        #expect(mail.kind == .automatic(reason: "our own address"))
    }
}

@Suite struct AutomaticTests {
    static func read(_ headers: String, body: String = "ja") throws -> InboundMail.Kind {
        try InboundMail.read(Array((headers + "\r\n\r\n" + body).utf8), ownAddresses: ["svar@x.dk"]).kind
    }

    @Test(arguments: [
        "From: a@b.dk\r\nAuto-Submitted: auto-replied", "From: a@b.dk\r\nPrecedence: bulk",
        "From: a@b.dk\r\nPrecedence: auto_reply", "From: a@b.dk\r\nX-Autoreply: yes",
        "From: a@b.dk\r\nX-Autorespond: yes", "From: a@b.dk\r\nReturn-Path: <>",
        "From: MAILER-DAEMON@x.dk", "From: postmaster@x.dk", "From: a@b.dk\r\nSubject: Autosvar: hej",
        "From: a@b.dk\r\nSubject: Fraværende: hej", "From: a@b.dk\r\nSubject: Out of Office: hi",
        "From: a@b.dk\r\nSubject: =?utf-8?Q?Frav=C3=A6rende?=", "From: svar@x.dk", "Subject: no sender",
    ])
    func neverAnswered(_ headers: String) throws {
        guard case .automatic = try Self.read(headers) else {
            Issue.record("answered: \(headers)")
            return
        }
    }

    /// A mail client's `List-Unsubscribe` mailto: an empty message whose subject is the word. Only
    /// stop and start are read from a subject; the body wins when there is one.
    @Test func aSubjectStopWithNothingWrittenIsAStop() throws {
        #expect(try Self.read("From: a@b.dk\r\nSubject: stop", body: "") == .reply(intent: .stop, viaCalendar: false))
        #expect(
            try Self.read("From: a@b.dk\r\nSubject: START", body: "\r\n") == .reply(intent: .start, viaCalendar: false))
        #expect(try Self.read("From: a@b.dk\r\nSubject: ja", body: "") == .reply(intent: .other, viaCalendar: false))
        #expect(
            try Self.read("From: a@b.dk\r\nSubject: stop", body: "3,5")
                == .reply(intent: .duration(minutes: 210), viaCalendar: false))
    }

    @Test func autoSubmittedNoIsAPerson() throws {
        #expect(try Self.read("From: a@b.dk\r\nAuto-Submitted: no") == .reply(intent: .yes, viaCalendar: false))
    }
}

@Suite struct MIMETests {
    @Test func encodedWords() {
        #expect(EncodedWords.decode("=?UTF-8?Q?S=C3=B8ren_Kj=C3=A6r?= <a@b>") == "Søren Kjær <a@b>")
        #expect(EncodedWords.decode("=?iso-8859-1?q?J=F8rgen?= =?iso-8859-1?q?_Hansen?=") == "Jørgen Hansen")
        #expect(EncodedWords.decode("=?utf-8?B?Q2Fmw6lhZnRlbg==?= i dag") == "Caféaften i dag")
        #expect(EncodedWords.decode("=?bogus") == "=?bogus")
    }

    @Test func charsets() {
        #expect(Charset.decode([0xE6, 0xF8, 0xE5][...], charset: "ISO-8859-1") == "æøå")
        #expect(Charset.decode([0x80, 0x96][...], charset: "windows-1252") == "€–")
        #expect(Charset.decode([0xA4][...], charset: "iso-8859-15") == "€")
        #expect(Charset.decode([0xFF, 0x41][...], charset: "utf-8") == "\u{FFFD}A")
    }

    @Test func quotedPrintableAndBase64() {
        #expect(TransferEncoding.quotedPrintable(Array("a=3D=\r\nb=C3=A6 =ZZ".utf8)[...]) == Array("a=bæ =ZZ".utf8))
        #expect(TransferEncoding.base64(Array("SGVq\r\nIGRlcg==".utf8)[...]) == Array("Hej der".utf8))
    }

    @Test func limits() {
        var limits = MIMEReader.Limits()
        limits.parts = 3
        let nested =
            "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\n1\r\n--b\r\n\r\n2\r\n--b\r\n\r\n3\r\n--b--\r\n"
        #expect(throws: MIMEReadError.tooLarge("more than 3 MIME parts")) {
            try MIMEReader.read(Array(nested.utf8), limits: limits)
        }
        var deep = "Content-Type: multipart/mixed; boundary=x0\r\n\r\n"
        for level in 0..<20 { deep += "--x\(level)\r\nContent-Type: multipart/mixed; boundary=x\(level + 1)\r\n\r\n" }
        #expect(throws: MIMEReadError.malformed("MIME parts nested deeper than 8")) {
            try MIMEReader.read(Array(deep.utf8))
        }
        #expect(throws: MIMEReadError.self) {
            try MIMEReader.read(Array(("X-A: " + String(repeating: "a", count: 300_000) + "\r\n\r\nja").utf8))
        }
    }

    @Test func quotedParameterWithSemicolon() {
        let type = ContentType("multipart/mixed; boundary=\"a;b\\\"c\"; charset=utf-8")
        #expect(type.parameters["boundary"] == "a;b\"c")
        #expect(type.parameters["charset"] == "utf-8")
    }
}
