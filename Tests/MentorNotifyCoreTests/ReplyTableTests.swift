import Foundation
import MentorStore
import Replies
import Testing

/// SPEC.md's reading table, row by row, through the command line on the spool: the replies are
/// files in `spool/replies/new`, as the demo feeds them (the IMAP side has its own tests).
@Suite struct ReplyTableTests {
    final class World {
        let cli = CLIHarness()
        var ids: (mentor: Int64, mentee: Int64, forloeb: Int64) = (0, 0, 0)
        var count = 0

        /// What our own receiving server (`authservId` mx.example.dk) writes when DMARC passed.
        static let dmarcPass =
            "Authentication-Results: mx.example.dk; spf=pass smtp.mailfrom=example.dk;\n"
            + " dkim=pass header.d=example.dk; dmarc=pass (p=reject dis=none) header.from=example.dk\n"

        init(
            program: String = "mentorshoppen", menteeEmail: String = "amira@example.dk",
            authservId: String? = "mx.example.dk"
        ) throws {
            let authserv = authservId.map { #", "authservId": "\#($0)""# } ?? ""
            cli.write(
                "config.json",
                """
                { "sendWindow": { "from": "08:00", "to": "21:00" },
                  "replies": { "address": "svar@example.dk"\(authserv) },
                  "programs": [ { "id": "\(program)", "preset": "\(program)",
                                  "leaders": [ { "name": "Louise Berg", "email": "louise@example.dk" },
                                               { "name": "Jens Bo", "phone": "+4512256664" } ] } ] }
                """)
            ids = try cli.forloeb(
                program: program, mentee: ["--name", "Amira Hansen", "--email", menteeEmail])
        }

        /// Contact logged for the forløb, as the leader types it in.
        func contact(_ date: String, minutes: Int = 60) throws {
            let result = try cli.run(["contact", String(ids.forloeb), "--date", date, "--minutes", String(minutes)])
            #expect(result.code == 0, "\(result.err)")
        }

        func tick(_ at: String) throws {
            let result = try cli.run(["tick", "--at", at])
            #expect(result.code == 0, "\(result.err)")
        }

        func database() throws -> Database { try Database(path: cli.folder + "/test.db") }

        /// Our Message-ID of the latest message of `rule` to `person`.
        func messageID(_ rule: String, to person: Int64) throws -> String {
            let token = try database().queryOne(
                "SELECT message_token FROM outbox WHERE rule = ? AND recipient = ? ORDER BY id DESC LIMIT 1",
                [rule, person]
            ) { $0.string(0) }
            return "<mn.\(try #require(token))@localhost>"
        }

        /// A reply into the spool's replies folder.
        func reply(from: String, to messageID: String?, body: String, extraHeaders: String = "") {
            count += 1
            let folder = cli.folder + "/spool/replies/new"
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let references = messageID.map { "In-Reply-To: \($0)\nReferences: \($0)\n" } ?? ""
            let text = """
                From: \(from)
                To: svar@example.dk
                Subject: Re: besked
                Message-ID: <reply-\(count)-\(UUID().uuidString)@example.net>
                \(references)\(extraHeaders)Content-Type: text/plain; charset=utf-8

                \(body)

                """
            _ = FileManager.default.createFile(atPath: "\(folder)/\(count).eml", contents: Data(text.utf8))
        }

        func actions() throws -> [String] {
            try cli.json(["replies", "--json"]).compactMap { $0["action"] as? String }.reversed()
        }

        func rows(_ rule: String) throws -> [[String: Any]] {
            try cli.json(["outbox", "--json"]).filter { ($0["rule"] as? String) == rule }
        }

        /// The text of the newest spool email whose file contains `marker`.
        func bodies(_ rule: String) throws -> [String] {
            try database().query("SELECT coalesce(body, '') FROM outbox WHERE rule = ? ORDER BY id", [rule]) {
                $0.string(0)
            }
        }
    }

    @Test func djoefNoToContinuingAlertsTheLeadersAtOnce() throws {
        let world = try World(program: "djoef")
        try world.contact("2026-03-05")
        try world.tick("2026-03-07T10:00")
        let question = try world.messageID("after-first-meeting", to: world.ids.mentee)
        world.reply(from: "Amira Hansen <AMIRA@example.dk>", to: question, body: "Nej tak.")
        try world.tick("2026-03-07T20:30")
        #expect(try world.actions() == ["continue"])
        let answers = try world.database().query("SELECT question, by, answer FROM forloeb_answer") {
            "\($0.string(0)) \($0.string(1)) \($0.string(2))"
        }
        #expect(answers == ["continue mentee no"])
        // Both leaders, on their own channels; the mentee is told the leader will be in touch.
        let alerts = try world.rows("no-continue")
        #expect(alerts.compactMap { $0["channel"] as? String }.sorted() == ["email", "sms"])
        #expect(try world.bodies("no-continue").allSatisfy { $0.contains("Amira Hansen") })
        // Djøf's own words: its mentor team, and the other party told first (not Mentorshoppen's
        // "den daglige leder").
        let confirmation = try #require(try world.bodies("reply-confirmation").first)
        #expect(confirmation.contains("Vi har givet Djøfs mentorteam besked"), "\(confirmation)")
        #expect(!confirmation.contains("daglige leder"), "\(confirmation)")
    }

    @Test func fkiYesRecordsTheMentorAgreement() throws {
        let world = try World(program: "fki")
        try world.contact("2026-03-05")
        try world.tick("2026-03-07T10:00")
        world.reply(
            from: "soren@example.dk", to: try world.messageID("after-first-meeting", to: world.ids.mentor), body: "Ja")
        try world.tick("2026-03-07T10:05")
        #expect(try world.actions() == ["agreement"])
        // "nej" to the agreement question fits nothing in the table: it goes to the leaders.
        world.reply(
            from: "soren@example.dk", to: try world.messageID("after-first-meeting", to: world.ids.mentor), body: "Nej")
        try world.tick("2026-03-07T10:10")
        #expect(try world.actions() == ["agreement", "forwarded"])
    }

    @Test func cafeAnswersByMailAndCalendarReachTheLeadersList() throws {
        let world = try World()
        let cli = world.cli
        try world.contact("2026-04-10")
        #expect(
            try cli.run(["cafe", "add", "--program", "mentorshoppen", "--at", "2026-04-23T17:00", "--place", "Huset"])
                .code == 0)
        try world.tick("2026-04-20T10:00")
        let invite = try world.messageID("cafe-invite", to: world.ids.mentee)
        // The invitation asks for an answer, in the text and in the calendar.
        let spool = try FileManager.default.contentsOfDirectory(atPath: cli.folder + "/spool").filter {
            $0.hasSuffix(".eml")
        }
        let mails = try spool.map { try String(contentsOfFile: cli.folder + "/spool/" + $0, encoding: .utf8) }
        let invitation = try #require(mails.first { $0.contains("method=REQUEST") })
        #expect(invitation.contains("multipart/alternative"))
        let calendar = try #require(try MIMEReader.read(Array(invitation.utf8)).calendar)
        #expect(calendar.contains("PARTSTAT=NEEDS-ACTION;RSVP=TRUE"))
        #expect(calendar.contains("ORGANIZER:mailto:svar@example.dk"))
        #expect(invitation.contains("Reply-To: <svar@example.dk>"))
        // Yes in the calendar, then no by mail: the later answer counts.
        world.reply(
            from: "amira@example.dk", to: invite, body: "",
            extraHeaders:
                "Content-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/calendar; method=REPLY\n\nBEGIN:VCALENDAR\nMETHOD:REPLY\nBEGIN:VEVENT\nATTENDEE;PARTSTAT=ACCEPTED:mailto:amira@example.dk\nEND:VEVENT\nEND:VCALENDAR\n--b--\n"
        )
        try world.tick("2026-04-20T11:00")
        #expect(try world.database().queryOne("SELECT answer FROM cafe_answer") { $0.string(0) } == "yes")
        world.reply(from: "amira@example.dk", to: invite, body: "Kommer ikke.")
        try world.tick("2026-04-21T11:00")
        #expect(try world.actions() == ["rsvp", "rsvp"])
        #expect(try world.database().queryOne("SELECT answer FROM cafe_answer") { $0.string(0) } == "no")
        // At noon on the day, each leader hears the count.
        try world.tick("2026-04-23T11:59")
        #expect(try world.rows("cafe-rsvp").isEmpty)
        try world.tick("2026-04-23T12:00")
        let lists = try world.bodies("cafe-rsvp")
        #expect(lists.count == 2)
        #expect(lists.contains { $0.contains("- kommer: 0\n- kommer ikke: 1\n- har ikke svaret: 0") }, "\(lists)")
    }

    @Test func doneStopsTheEvaluationReminder() throws {
        let world = try World(program: "symb")
        try world.contact("2026-05-20")
        try world.tick("2026-06-02T10:00")
        let request = try world.messageID("evaluation", to: world.ids.mentor)
        world.reply(from: "soren@example.dk", to: request, body: "Udfyldt!")
        try world.tick("2026-06-03T10:00")
        #expect(try world.actions() == ["evaluated"])
        try world.tick("2026-06-10T10:00")
        let reminders = try world.rows("evaluation-reminder").filter { ($0["recipient"] as? Int64) == world.ids.mentor }
        #expect(reminders.isEmpty)
        #expect(try world.rows("evaluation-reminder").contains { ($0["recipient"] as? Int64) == world.ids.mentee })
    }

    @Test func stopOptsOutAndIsStillConfirmedStartOptsBackIn() throws {
        let world = try World()
        try world.tick("2026-03-09T10:00")
        let reminder = try world.messageID("first-meeting", to: world.ids.mentee)
        world.reply(from: "amira@example.dk", to: reminder, body: "STOP")
        try world.tick("2026-03-09T10:05")
        let optedOutAfterStop = try world.database().queryOne(
            "SELECT opt_out_email FROM person WHERE id = ?", [world.ids.mentee]
        ) { $0.int(0) }
        #expect(optedOutAfterStop == 1)
        let confirmations = try world.rows("reply-confirmation")
        #expect(confirmations.count == 1)
        #expect(confirmations.first?["status"] as? String == "sent")
        #expect(try world.bodies("reply-confirmation").first?.contains("Du får ikke flere e-mails fra os") == true)
        // A start that names none of our messages, vouched for by our own mail server.
        world.reply(from: "amira@example.dk", to: nil, body: "start", extraHeaders: World.dmarcPass)
        try world.tick("2026-03-09T10:10")
        #expect(try world.actions() == ["opt-out", "opt-in"])
        let optedOut = try world.database().queryOne(
            "SELECT opt_out_email FROM person WHERE id = ?", [world.ids.mentee]
        ) {
            $0.int(0)
        }
        #expect(optedOut == 0)
    }

    @Test func anythingElseIsForwardedAndForgetErasesIt() throws {
        let world = try World()
        try world.tick("2026-03-09T10:00")
        world.reply(
            from: "amira@example.dk", to: try world.messageID("first-meeting", to: world.ids.mentee),
            body: "Jeg har det svært derhjemme, kan vi tale?\nAmira")
        try world.tick("2026-03-09T10:05")
        #expect(try world.actions() == ["forwarded"])
        let forward = try #require(try world.bodies("reply-forward").first)
        #expect(forward.contains("Jeg har det svært derhjemme, kan vi tale?"))
        #expect(forward.contains("Amira Hansen har svaret på påmindelsen om det første møde"))
        // Only to the leader with an email address; the text is nowhere else in the database.
        #expect(try world.rows("reply-forward").count == 1)
        let dump = try world.cli.databaseDump()
        #expect(dump.components(separatedBy: "svært derhjemme").count == 2)
        #expect(try world.cli.run(["forget", String(world.ids.mentee)]).code == 0)
        #expect(!(try world.cli.databaseDump()).contains("svært derhjemme"))
    }

    @Test func strangersAndWrongSendersAreNotActedOnAndConfirmationsAreCapped() throws {
        let world = try World()
        try world.contact("2026-04-03", minutes: 30)
        try world.tick("2026-04-20T10:00")
        let question = try world.messageID("monthly-hours", to: world.ids.mentor)
        world.reply(from: "amira@example.dk", to: question, body: "3")
        world.reply(from: "nobody@example.org", to: nil, body: "3")
        try world.tick("2026-04-20T10:05")
        // Naming the mentor's message from another address proves nothing: only forwarded.
        #expect(try world.actions() == ["unverified", "unmatched"])
        // Without a reference, a proven sender's reply belongs to the latest message it got.
        for hours in ["1", "1", "1", "1", "1", "1"] {
            world.reply(from: "soren@example.dk", to: nil, body: hours, extraHeaders: World.dmarcPass)
        }
        try world.tick("2026-04-20T10:10")
        #expect(try world.actions().filter { $0 == "hours" }.count == 6)
        #expect(try world.rows("reply-confirmation").count == 5)
        let minutes = try world.database().queryOne(
            "SELECT sum(minutes) FROM contact WHERE kind = 'other'"
        ) { $0.int(0) }
        #expect(minutes == 360)
    }
}
