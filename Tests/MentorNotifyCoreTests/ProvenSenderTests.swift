import Foundation
import MentorStore
import Replies
import Testing

/// SPEC.md "Who is speaking": a reply changes something only when its sender is proven — by our
/// Message-ID (or invitation UID) from the address it went to, or by `dmarc=pass` in the topmost
/// `Authentication-Results` of our own server. Anything else is forwarded marked unverified,
/// capped, and never answered. Through the command line on the spool, as ReplyTableTests.
@Suite struct ProvenSenderTests {
    typealias World = ReplyTableTests.World

    /// April's monthly question to the mentor (Søren).
    static func askedForHours(_ world: World) throws {
        try world.contact("2026-04-03", minutes: 30)
        try world.tick("2026-04-20T10:00")
    }

    static func contactMinutes(_ world: World) throws -> Int {
        try world.database().queryOne("SELECT coalesce(sum(minutes), 0) FROM contact WHERE kind = 'other'") {
            $0.int(0)
        } ?? 0
    }

    static func optedOut(_ world: World, _ person: Int64) throws -> Int {
        try world.database().queryOne("SELECT opt_out_email FROM person WHERE id = ?", [person]) { $0.int(0) } ?? -1
    }

    @Test func aForgedFromWithNoReferenceLogsNoHoursAndIsForwardedUnverifiedNeverAnswered() throws {
        let world = try World()
        try Self.askedForHours(world)
        world.reply(from: "Søren <soren@example.dk>", to: nil, body: "24")
        try world.tick("2026-04-20T10:05")
        #expect(try world.actions() == ["unverified"])
        #expect(try Self.contactMinutes(world) == 0)
        #expect(try world.rows("reply-confirmation").isEmpty)
        let forward = try #require(try world.bodies("reply-forward").first)
        #expect(forward.contains("men afsenderen kunne ikke bekræftes"), "\(forward)")
        #expect(forward.contains("soren@example[.]dk"), "\(forward)")
        #expect(forward.contains("| 24"), "\(forward)")
        // Forgotten with the person it is about, like every forward.
        #expect(try world.cli.run(["forget", String(world.ids.mentor)]).code == 0)
        #expect(try world.bodies("reply-forward").allSatisfy { $0.isEmpty })
    }

    @Test func aForgedStopOrStartChangesNothing() throws {
        let world = try World()
        try world.tick("2026-03-09T10:00")
        world.reply(from: "amira@example.dk", to: nil, body: "stop")
        try world.tick("2026-03-09T10:05")
        #expect(try Self.optedOut(world, world.ids.mentee) == 0)
        // Proven (by our Message-ID) she stops; a forged start does not undo it.
        world.reply(
            from: "amira@example.dk", to: try world.messageID("first-meeting", to: world.ids.mentee), body: "stop")
        try world.tick("2026-03-09T10:10")
        #expect(try Self.optedOut(world, world.ids.mentee) == 1)
        world.reply(from: "amira@example.dk", to: nil, body: "start")
        try world.tick("2026-03-09T10:15")
        #expect(try Self.optedOut(world, world.ids.mentee) == 1)
        #expect(try world.actions() == ["unverified", "opt-out", "unverified"])
        // Only the proven stop was confirmed.
        #expect(try world.rows("reply-confirmation").count == 1)
    }

    @Test func ourMessageIDFromAnotherAddressActsOnNothingButReachesTheLeaders() throws {
        let world = try World()
        try Self.askedForHours(world)
        let question = try world.messageID("monthly-hours", to: world.ids.mentor)
        world.reply(from: "soren.privat@example.net", to: question, body: "3")
        try world.tick("2026-04-20T10:05")
        #expect(try world.actions() == ["unverified"])
        #expect(try Self.contactMinutes(world) == 0)
        #expect(try world.rows("reply-confirmation").isEmpty)
        let forward = try #require(try world.bodies("reply-forward").first)
        #expect(forward.contains("soren[.]privat@example[.]net"), "\(forward)")
        #expect(forward.contains("Søren Mikkelsen"), "\(forward)")
    }

    /// Someone's own Message-ID proves only their own address: Amira, writing as Søren to the
    /// message she got, stops nobody, and her own stop is not his.
    @Test func aMessageIDOfOneProvesNothingForAnother() throws {
        let world = try World()
        try world.tick("2026-03-09T10:00")
        let toAmira = try world.messageID("first-meeting", to: world.ids.mentee)
        world.reply(from: "Søren <SOREN@example.dk>", to: toAmira, body: "stop")
        try world.tick("2026-03-09T10:05")
        #expect(try world.actions() == ["unverified"])
        #expect(try Self.optedOut(world, world.ids.mentor) == 0)
        #expect(try Self.optedOut(world, world.ids.mentee) == 0)
        #expect(try world.rows("reply-confirmation").isEmpty)
    }

    @Test(arguments: [
        // Ours, topmost: proven.
        ("Authentication-Results: mx.example.dk; dmarc=pass header.from=example.dk\n", "hours"),
        // Ours, case and comments as servers write them.
        (
            "Authentication-Results: MX.Example.DK 1; dkim=pass (good) header.d=example.dk;\n dmarc=pass (p=none)\n"
                + " header.from=Example.DK\n", "hours"
        ),
        // Someone else's server says pass: anyone can write that header.
        ("Authentication-Results: mx.evil.example; dmarc=pass header.from=example.dk\n", "unverified"),
        // Ours says fail on top; a pass below it was in the mail when it arrived.
        (
            "Authentication-Results: mx.example.dk; dmarc=fail header.from=example.dk\n"
                + "Authentication-Results: mx.example.dk; dmarc=pass header.from=example.dk\n", "unverified"
        ),
        // A pass for another domain than the From's.
        ("Authentication-Results: mx.example.dk; dmarc=pass header.from=evil.example\n", "unverified"),
        // No verdict at all.
        ("Authentication-Results: mx.example.dk; spf=pass smtp.mailfrom=example.dk\n", "unverified"),
    ])
    func dmarcPassCountsOnlyFromOurOwnServersTopmostHeader(header: String, action: String) throws {
        let world = try World()
        try Self.askedForHours(world)
        world.reply(from: "soren@example.dk", to: nil, body: "2", extraHeaders: header)
        try world.tick("2026-04-20T10:05")
        #expect(try world.actions() == [action])
        #expect(try Self.contactMinutes(world) == (action == "hours" ? 120 : 0))
    }

    /// The address is read as a DMARC verifier reads it: an encoded word is display text, never an
    /// address (RFC 2047 5). Decoded first, `=?utf-8?q?=3Csoren@example.dk=3E?=` after someone
    /// else's address on the same domain would make our server's pass for that address speak for Søren.
    @Test func anEncodedWordInFromIsNeverTheAddress() throws {
        let world = try World()
        try Self.askedForHours(world)
        world.reply(
            from: "Mallory <mallory@example.dk> =?utf-8?q?=3Csoren@example.dk=3E?=", to: nil, body: "stop",
            extraHeaders: World.dmarcPass)
        world.reply(
            from: "=?utf-8?q?=3Csoren@example.dk=3E?=", to: nil, body: "2", extraHeaders: World.dmarcPass)
        try world.tick("2026-04-20T10:05")
        #expect(try Self.contactMinutes(world) == 0)
        #expect(try Self.optedOut(world, world.ids.mentor) == 0)
        let actions = try world.actions()
        #expect(!actions.contains { $0 == "hours" || $0 == "opt-out" }, "\(actions)")
    }

    /// The address is the mailbox as RFC 5322 writes it: a comment or a second `<…>` is not the
    /// address, so our server's pass for mallory@example.dk never speaks for soren@example.dk.
    @Test(arguments: [
        "mallory@example.dk (<soren@example.dk>)",
        "Mallory <mallory@example.dk> <soren@example.dk>",
        "Mallory <mallory@example.dk>, Søren <soren@example.dk>",
    ])
    func aCommentOrASecondAddressInFromIsNeverTheAddress(from: String) throws {
        let world = try World()
        try Self.askedForHours(world)
        world.reply(from: from, to: nil, body: "2", extraHeaders: World.dmarcPass)
        try world.tick("2026-04-20T10:05")
        #expect(try Self.contactMinutes(world) == 0)
        #expect(try world.rows("reply-confirmation").isEmpty)
    }

    /// A mail has one From (RFC 5322 3.6). With two, a verifier may judge one and we read the
    /// other: `dmarc=pass` for mallory@example.dk must not speak for soren@example.dk.
    @Test func aMailWithTwoFromLinesHasNoProvenSender() throws {
        let world = try World()
        try Self.askedForHours(world)
        world.reply(
            from: "soren@example.dk", to: nil, body: "2", extraHeaders: "From: mallory@example.dk\n" + World.dmarcPass)
        try world.tick("2026-04-20T10:05")
        #expect(try Self.contactMinutes(world) == 0)
        #expect(try world.rows("reply-confirmation").isEmpty)
        #expect(try world.bodies("reply-forward").isEmpty)
    }

    @Test func withoutAuthservIdMailNamingNothingOfOursIsNeverTrusted() throws {
        let world = try World(authservId: nil)
        try Self.askedForHours(world)
        world.reply(from: "soren@example.dk", to: nil, body: "2", extraHeaders: World.dmarcPass)
        world.reply(from: "soren@example.dk", to: nil, body: "stop", extraHeaders: World.dmarcPass)
        try world.tick("2026-04-20T10:05")
        #expect(try world.actions() == ["unverified", "unverified"])
        #expect(try Self.contactMinutes(world) == 0)
        #expect(try Self.optedOut(world, world.ids.mentor) == 0)
    }

    @Test(arguments: ["", "mx.example.dk; dmarc=pass", "mx example.dk"])
    func anAuthservIdThatIsNoServerNameIsAConfigError(id: String) throws {
        let cli = CLIHarness()
        cli.write(
            "config.json",
            #"{"replies": {"address": "svar@example.dk", "authservId": "\#(id)"}, "programs": [{"id": "symb", "preset": "symb"}]}"#
        )
        let check = try cli.run(["check"])
        #expect(check.code == 78, "\(check.out)")
        #expect(check.err.contains("replies.authservId"), "\(check.err)")
    }

    @Test func atMostThreeForwardsAboutOneSenderADayThenOneLineSayingHowManyMore() throws {
        let world = try World()
        try Self.askedForHours(world)
        for number in 1...6 { world.reply(from: "soren@example.dk", to: nil, body: "Besked \(number)") }
        try world.tick("2026-04-20T10:05")
        #expect(try world.actions() == Array(repeating: "unverified", count: 6))
        let forwards = try world.bodies("reply-forward")
        #expect(forwards.count == 3)
        #expect(!forwards.contains { $0.contains("Besked 4") })
        // The count knows the sender only by a keyed hash.
        let senders = try world.database().query("SELECT sender, forwarded, held FROM unverified_sender") {
            "\($0.string(0)) \($0.int(1)) \($0.int(2))"
        }
        #expect(senders.count == 1)
        #expect(senders.allSatisfy { !$0.contains("soren") && $0.hasSuffix(" 3 3") }, "\(senders)")
        // The next day: one line, and only once.
        try world.tick("2026-04-21T10:00")
        try world.tick("2026-04-21T10:05")
        let after = try world.bodies("reply-forward")
        #expect(after.count == 4)
        let summary = try #require(after.last)
        #expect(summary.contains("Samme dag kom der 3 mere fra den samme afsender"), "\(summary)")
        #expect(!summary.contains("Besked"))
    }

    /// The cap is about the person a forward speaks for, not the address written on it: one
    /// Message-ID of ours and a new From line (another case, a plus-tag, any address) for each
    /// mail must not reach the leaders more than three times a day.
    @Test func theCapHoldsWhateverAddressTheMailIsSentFrom() throws {
        let world = try World()
        try Self.askedForHours(world)
        let question = try world.messageID("monthly-hours", to: world.ids.mentor)
        let senders = [
            "soren+1@example.dk", "SOREN+2@example.dk", "Soren.Privat@example.net", "x1@evil.example",
            "x2@evil.example", "x3@evil.example",
        ]
        for (number, sender) in senders.enumerated() {
            world.reply(from: sender, to: question, body: "Besked \(number + 1)")
        }
        try world.tick("2026-04-20T10:05")
        #expect(try world.actions() == Array(repeating: "unverified", count: 6))
        #expect(try world.bodies("reply-forward").count == 3)
    }

    @Test func aForwardHasOnlyThePersonsOwnLinesAndNoClickableLink() throws {
        let world = try World()
        try world.tick("2026-03-09T10:00")
        let reminder = try world.messageID("first-meeting", to: world.ids.mentee)
        world.reply(
            from: "amira@example.dk", to: reminder,
            body: """
                Kan I se på https://evil.example/login og www.phish.dk? Skriv til hjaelp@example.dk. Vi ses kl. 3.5
                Amira

                Sendt fra min iPhone

                Den 9. mar. 2026 kl. 10.00 skrev Mentorshoppen <svar@example.dk>:
                > Hej Amira
                > Husk det første møde
                """)
        try world.tick("2026-03-09T10:05")
        #expect(try world.actions() == ["forwarded"])
        let forward = try #require(try world.bodies("reply-forward").first)
        #expect(forward.contains("| Kan I se på https[:]//evil[.]example/login og www[.]phish[.]dk?"), "\(forward)")
        #expect(forward.contains("hjaelp@example[.]dk"))
        #expect(forward.contains("kl. 3.5\n| Amira"), "\(forward)")
        for link in ["https://", "evil.example", "www.phish.dk", "@example.dk"] {
            #expect(!forward.contains(link), "\(link) in \(forward)")
        }
        for quoted in ["Hej Amira", "Husk det første møde", "skrev Mentorshoppen", "Sendt fra min iPhone"] {
            #expect(!forward.contains(quoted), "\(quoted) in \(forward)")
        }
    }

    /// An iMIP REPLY as calendar programs send it: often without In-Reply-To.
    static func calendarAnswer(uid: String, partstat: String, attendee: String = "amira@example.dk") -> String {
        """
        Content-Type: multipart/alternative; boundary=b

        --b
        Content-Type: text/calendar; method=REPLY

        BEGIN:VCALENDAR
        METHOD:REPLY
        BEGIN:VEVENT
        UID:\(uid)
        ATTENDEE;PARTSTAT=\(partstat):mailto:\(attendee)
        END:VEVENT
        END:VCALENDAR
        --b--

        """
    }

    /// The UID of the invitation sent for the evening at `time`, read from the spool's email.
    static func invitationUID(_ world: World, evening: String) throws -> String {
        let spool = world.cli.folder + "/spool/"
        for name in try FileManager.default.contentsOfDirectory(atPath: spool) where name.hasSuffix(".eml") {
            let text = try String(contentsOfFile: spool + name, encoding: .utf8)
            guard text.contains("method=REQUEST"), let calendar = try MIMEReader.read(Array(text.utf8)).calendar,
                calendar.contains("DTSTART;TZID=Europe/Copenhagen:\(evening)")
            else { continue }
            let unfolded = calendar.replacingOccurrences(of: "\r\n ", with: "").replacingOccurrences(
                of: "\n ", with: "")
            if let line = unfolded.split(whereSeparator: \.isNewline).first(where: { $0.hasPrefix("UID:") }) {
                return String(line.dropFirst(4))
            }
        }
        throw CocoaError(.fileNoSuchFile)
    }

    @Test func aCalendarYesWithoutInReplyToFindsItsInvitationByUID() throws {
        let world = try World()
        try world.contact("2026-04-10")
        for at in ["2026-04-23T17:00", "2026-04-24T17:00"] {
            #expect(try world.cli.run(["cafe", "add", "--program", "mentorshoppen", "--at", at]).code == 0)
        }
        try world.tick("2026-04-20T10:00")
        try world.tick("2026-04-21T10:00")
        let first = try Self.invitationUID(world, evening: "20260423T170000")
        #expect(first.range(of: #"^mi\.[0-9a-f]{32}\."#, options: .regularExpression) != nil, "\(first)")
        #expect(first != (try Self.invitationUID(world, evening: "20260424T170000")))
        // The answer to the first evening, arriving after the second invitation went out.
        world.reply(
            from: "amira@example.dk", to: nil, body: "",
            extraHeaders: Self.calendarAnswer(uid: first, partstat: "ACCEPTED"))
        // The same UID from someone else proves nothing.
        world.reply(
            from: "mallory@example.net", to: nil, body: "",
            extraHeaders: Self.calendarAnswer(uid: first, partstat: "DECLINED", attendee: "amira@example.dk"))
        try world.tick("2026-04-21T12:00")
        #expect(try world.actions() == ["rsvp", "unverified"])
        let answers = try world.database().query("SELECT at, answer FROM cafe_answer") {
            "\($0.string(0)) \($0.string(1))"
        }
        #expect(answers == ["2026-04-23T17:00 yes"])
        let forward = try #require(try world.bodies("reply-forward").first)
        #expect(forward.contains("(et svar i kalenderen: nej)"), "\(forward)")
    }

    @Test func aCalendarAnswerIsForwardedAsWhatItSaid() throws {
        let world = try World()
        try world.tick("2026-03-09T10:00")
        try world.contact("2026-04-10")
        #expect(try world.cli.run(["cafe", "add", "--program", "mentorshoppen", "--at", "2026-04-23T17:00"]).code == 0)
        try world.tick("2026-04-20T10:00")
        let invite = try world.messageID("cafe-invite", to: world.ids.mentee)
        let uid = try Self.invitationUID(world, evening: "20260423T170000")
        // Tentative is neither yes nor no: the leaders hear "maybe".
        world.reply(
            from: "amira@example.dk", to: invite, body: "",
            extraHeaders: Self.calendarAnswer(uid: uid, partstat: "TENTATIVE"))
        // A yes to a message that asks no yes/no question: the leaders hear "yes".
        world.reply(
            from: "amira@example.dk", to: try world.messageID("first-meeting", to: world.ids.mentee), body: "",
            extraHeaders: Self.calendarAnswer(uid: "someone-elses-event@example.net", partstat: "ACCEPTED"))
        try world.tick("2026-04-20T11:00")
        #expect(try world.actions() == ["forwarded", "forwarded"])
        #expect(try world.database().scalarInt("SELECT count(*) FROM cafe_answer") == 0)
        let forwards = try world.bodies("reply-forward")
        #expect(forwards.contains { $0.contains("(et svar i kalenderen: måske)") }, "\(forwards)")
        #expect(forwards.contains { $0.contains("(et svar i kalenderen: ja)") }, "\(forwards)")
    }
}
