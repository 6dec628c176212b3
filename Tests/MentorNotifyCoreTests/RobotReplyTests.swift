import Foundation
import HTTPServer
import MentorStore
import Testing
import Transport

@testable import MentorNotifyCore

extension ReplyTableTests.World {
    /// A message into the spool's replies folder as it came.
    func deliver(raw text: String) {
        count += 1
        let folder = cli.folder + "/spool/replies/new"
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: "\(folder)/\(count).eml", contents: Data(text.utf8))
    }

    /// A fixture of `Tests/RepliesTests/Fixtures`, with its strings replaced (its Message-ID by
    /// one of ours, its sender by one of our people).
    func deliver(fixture name: String, replacing: [(String, String)]) throws {
        let path = CLIHarness.repository.appendingPathComponent("Tests/RepliesTests/Fixtures/\(name).eml").path
        var text = try String(contentsOfFile: path, encoding: .utf8)
        for (old, new) in replacing {
            #expect(text.contains(old), "\(name) has no \(old)")
            text = text.replacingOccurrences(of: old, with: new)
        }
        deliver(raw: text)
    }

    func optOutEvents() throws -> [String] {
        try database().query("SELECT via, opted_out, coalesce(program, '-'), channel FROM opt_out_event ORDER BY id") {
            "\($0.string(0)) \($0.int(1)) \($0.string(2)) \($0.string(3))"
        }
    }
}

/// SPEC.md "Never answered, never acted on", "Bounces" and "Complaints", through the command line:
/// what robots send is never answered or forwarded, a damaged bounce still fails its message, and a
/// complaint stops that program's email until the leader says otherwise.
@Suite struct RobotReplyTests {
    /// Each comes from the person's own address and names our message: only its marks tell it
    /// from an answer, and it must never be forwarded to the leaders or confirmed.
    @Test func everyKindOfRobotIsIgnoredAndNeverAnsweredOrForwarded() throws {
        let world = try ReplyTableTests.World()
        try world.tick("2026-03-09T10:00")
        let ours = try world.messageID("first-meeting", to: world.ids.mentee)
        let id = String(ours.dropFirst().dropLast())
        try world.deliver(
            fixture: "outlook-read-receipt",
            replacing: [
                ("mn.5566778899aabbccddeeff00@mentorshoppen.dk", id), ("lars.moeller@kommune.dk", "amira@example.dk"),
            ])
        try world.deliver(
            fixture: "exchange-auto-reply",
            replacing: [
                ("mn.99887766554433221100ffee@mentorshoppen.dk", id), ("jette.hansen@kommune.dk", "amira@example.dk"),
            ])
        try world.deliver(fixture: "amazon-ses-notification", replacing: [])
        try world.deliver(fixture: "mailman-held", replacing: [])
        let robots = [
            "Subject: Auto reply: Husk jeres første møde", "Subject: Automatic reply: Husk jeres første møde",
            "Subject: Re: besked\nReturn-Path: <MAILER-DAEMON>", "Subject: Re: besked\nPrecedence: bulk (automatic)",
            "Subject: Undeliverable: besked\nList-Id: <mentorer.lists.example.org>",
        ]
        for (index, headers) in robots.enumerated() {
            world.deliver(
                raw: """
                    From: Amira Hansen <amira@example.dk>
                    To: svar@example.dk
                    \(headers)
                    Message-ID: <robot-\(index)@example.net>
                    In-Reply-To: \(ours)
                    Content-Type: text/plain; charset=utf-8

                    Jeg er væk til og med 16. marts.

                    """)
        }
        world.deliver(
            raw: """
                From: Mail Delivery System <amira@example.dk>
                Subject: Re: besked
                Message-ID: <robot-mds@example.net>
                In-Reply-To: \(ours)

                Your message could not be delivered.

                """)
        world.deliver(
            raw: """
                From: amira@example.dk
                Subject: Re: besked
                Message-ID: <robot-json@example.net>
                In-Reply-To: \(ours)

                {"notificationType":"Complaint","complaint":{"complainedRecipients":[]},"mail":{}}

                """)
        try world.tick("2026-03-09T10:05")
        let actions = try world.actions()
        #expect(actions.count == 11)
        #expect(actions.allSatisfy { $0 == "ignored-auto" }, "\(actions)")
        #expect(try world.rows("reply-forward").isEmpty)
        #expect(try world.rows("reply-confirmation").isEmpty)
    }

    @Test func aComplaintStopsThatProgramsEmailTheDigestListsItAndOptInLiftsIt() throws {
        let world = try ReplyTableTests.World()
        try world.tick("2026-03-09T10:00")
        let ours = try world.messageID("first-meeting", to: world.ids.mentee)
        let report = [("mn.a1b2c3d4e5f6a7b8c9d0e1f2@mentorshoppen.dk", String(ours.dropFirst().dropLast()))]
        try world.deliver(fixture: "yahoo-arf", replacing: report)
        try world.tick("2026-03-09T10:05")
        #expect(try world.actions() == ["complaint"])
        #expect(try world.optOutEvents() == ["complaint 1 mentorshoppen email"])
        // Never answered, never forwarded.
        #expect(try world.rows("reply-forward").isEmpty)
        #expect(try world.rows("reply-confirmation").isEmpty)
        #expect(try world.cli.run(["person", "list"]).out.contains("email(off for mentorshoppen)"))
        // The same report again (a second copy) acts once; another copy of it, once more, changes nothing.
        try world.deliver(fixture: "yahoo-arf", replacing: report)
        try world.tick("2026-03-09T10:10")
        #expect(try world.actions() == ["complaint"])
        #expect(try world.optOutEvents().count == 1)

        func digests() throws -> [String] {
            try world.database().query(
                "SELECT coalesce(body, '') FROM outbox WHERE rule = 'monthly-digest' AND channel = 'email' ORDER BY id"
            ) { $0.string(0) }
        }
        try world.tick("2026-04-01T09:00")
        let digest = try #require(try digests().first)
        #expect(
            digest.contains(
                "- Amira Hansen (mentee) markerede en af vores e-mails som spam mandag den 9. marts og får derfor "
                    + "ikke flere e-mails fra os"), "\(digest)")

        // The leader's word undoes it, and is recorded once.
        let optIn = try world.cli.run([
            "person", "opt-in", String(world.ids.mentee), "--channel", "email", "--at", "2026-04-02T10:00",
        ])
        #expect(optIn.code == 0, "\(optIn.err)")
        #expect(optIn.out.contains("gets email again"))
        let again = try world.cli.run(["person", "opt-in", String(world.ids.mentee), "--channel", "email"])
        #expect(again.out.contains("was not opted out"))
        #expect(try world.optOutEvents() == ["complaint 1 mentorshoppen email", "leader 0 - email"])
        #expect(
            try world.database().scalarInt(
                "SELECT count(*) FROM program_opt_out WHERE person_id = ?", [world.ids.mentee])
                == 0)
        #expect(!(try world.cli.run(["person", "list"]).out.contains("email(off")))
        try world.tick("2026-05-01T09:00")
        let may = try digests().last ?? ""
        #expect(
            may.contains("- Amira Hansen (mentee) blev tilmeldt e-mails igen af en leder torsdag den 2. april"),
            "\(may)"
        )
    }

    @Test func aBounceWithADamagedPartStillFailsItsMessage() throws {
        let world = try ReplyTableTests.World()
        try world.tick("2026-03-09T10:00")
        let toMentee = try world.messageID("first-meeting", to: world.ids.mentee)
        let toMentor = try world.messageID("first-meeting", to: world.ids.mentor)
        try world.deliver(
            fixture: "exchange-bounce-damaged",
            replacing: [("mn.5566778899aabbccddeeff00@mentorshoppen.dk", String(toMentee.dropFirst().dropLast()))])
        try world.deliver(
            fixture: "bounce-part-without-boundary",
            replacing: [("mn.77aa88bb99cc00dd11ee22ff@mentorshoppen.dk", String(toMentor.dropFirst().dropLast()))])
        try world.tick("2026-03-09T10:05")
        #expect(try world.actions() == ["bounce", "bounce"])
        let reasons = try world.database().query(
            "SELECT recipient, status, reason FROM outbox WHERE rule = 'first-meeting' AND recipient IS NOT NULL ORDER BY recipient"
        ) { "\($0.int64(0)) \($0.string(1)) \($0.optionalString(2) ?? "")" }
        #expect(
            reasons == [
                "\(world.ids.mentor) failed bounced: 5.1.1 smtp; 550 5.1.1 <j***@example.org>: Recipient address",
                "\(world.ids.mentee) failed bounced: 5.1.10 smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not",
            ], "\(reasons)")
    }

    /// A bounce proves only which message it is about (by our token, which its recipient knows):
    /// its diagnostic is anyone's words, and it reaches the leaders in `delivery-failed` under our
    /// name. Like a forward, it must never become a link there.
    @Test func aBouncesWordsNeverBecomeALinkInTheLeadersNotice() throws {
        let world = try ReplyTableTests.World()
        try world.tick("2026-03-09T10:00")
        let toMentee = try world.messageID("first-meeting", to: world.ids.mentee)
        try world.deliver(
            fixture: "postfix-bounce",
            replacing: [
                ("mn.deadbeef0011223344556677@mentorshoppen.dk", String(toMentee.dropFirst().dropLast())),
                ("<ghost@example.net>: Recipient address", "Mailbox full: renew at https://evil.example/renew"),
            ])
        try world.tick("2026-03-09T10:05")
        try world.tick("2026-03-09T10:10")
        #expect(try world.actions() == ["bounce"])
        let notices = try world.bodies("delivery-failed")
        let notice = try #require(notices.first { $0.contains("Amira Hansen") }, "\(notices)")
        for link in ["https://", "evil.example"] {
            #expect(!notice.contains(link), "\(link) in \(notice)")
        }
    }

    /// The link, the leader and a "stop" by email each change the opt-out through the one store
    /// call, which records exactly one event per change and none when nothing changed.
    @Test func everyRouteRecordsExactlyOneOptOutEvent() throws {
        let world = try UnsubscribeTests.World()
        let token = try #require(
            try world.database().queryOne(
                "SELECT unsubscribe_token FROM outbox WHERE recipient = ? AND channel = 'email' LIMIT 1",
                [world.ids.mentee]
            ) { $0.string(0) })
        #expect(world.request("POST", "/u/\(token)").status == 200)
        #expect(world.request("POST", "/u/\(token)").status == 200)
        let mentee = String(world.ids.mentee)
        #expect(
            try world.cli.run(["person", "opt-out", mentee, "--channel", "sms", "--at", "2026-04-20T16:00"]).code == 0)
        let twice = try world.cli.run(["person", "opt-out", mentee, "--channel", "sms"])
        #expect(twice.code == 0 && twice.out.contains("already gets no sms"), "\(twice.out)")
        world.mail(subject: "stop", number: 1)
        try world.tick("2026-04-21T10:00")
        #expect(
            try world.cli.run(["person", "opt-in", mentee, "--channel", "email", "--at", "2026-04-22T10:00"]).code == 0)
        #expect(try world.cli.run(["person", "opt-in", mentee, "--channel", "email"]).code == 0)
        let events = try world.database().query("SELECT via, opted_out, channel FROM opt_out_event ORDER BY id") {
            "\($0.string(0)) \($0.int(1)) \($0.string(2))"
        }
        #expect(events == ["link 1 email", "leader 1 sms", "reply 1 email", "leader 0 email"])
        // The opt-in lifted the link's stop and the reply's; the SMS stays off.
        let state = try world.database().queryOne(
            """
            SELECT opt_out_email || ' ' || opt_out_sms || ' '
                || (SELECT count(*) FROM program_opt_out WHERE person_id = person.id) FROM person WHERE id = ?
            """, [world.ids.mentee]
        ) { $0.string(0) }
        #expect(state == "0 1 0")
        // An unknown person is refused, and nothing is recorded.
        let unknown = try world.cli.run(["person", "opt-in", "999", "--channel", "email"])
        #expect(unknown.code != 0)
        #expect(try world.database().scalarInt("SELECT count(*) FROM opt_out_event") == 4)
    }

    @Test func anSMSStopRecordsOneEvent() throws {
        let world = try WebhookTests.World(provider: .twilio)
        for sid in ["SM1", "SM1", "SM2"] {
            let fields = [("From", "+4512256664"), ("To", "+4512345678"), ("Body", "STOP"), ("MessageSid", sid)]
            #expect(world.twilio("/hooks/twilio/inbound", fields).status == 200)
        }
        let events = try world.database().query("SELECT via, opted_out, channel FROM opt_out_event") {
            "\($0.string(0)) \($0.int(1)) \($0.string(2))"
        }
        #expect(events == ["reply 1 sms"])
    }
}
