import Foundation
import MentorStore
import TestSupport
import Testing

/// Meetings, café evenings and personal reminders corrected through the command line: what each
/// list shows, what each correction refuses, and, end to end on a real SMTP server and the spool,
/// what reached people after each correction.
@Suite(.serialized) struct EventCorrectionTests {
    /// Mentorshoppen with a café every Wednesday at 18:00; Søren (mentor, email) and Amira
    /// (mentee, email and SMS) matched from 2026-03-02; email through aiosmtpd, SMS to the spool.
    final class World {
        let cli = CLIHarness()
        let scratch = Scratch()
        let smtp: TestServer
        var mentor: Int64 = 0
        var mentee: Int64 = 0
        var forloeb: Int64 = 0
        private var seen = 0
        private var seenSMS = Set<String>()

        /// `smsOnly`: Amira has no email address and reads SMS only. `settings`: more of the
        /// program's settings (JSON members, each followed by a comma). `people`: how the pair comes
        /// to be, returning the mentor's, the mentee's and the forløb's ids (by default `cli.forloeb`).
        init(
            smsOnly: Bool = false, settings: String = "",
            people: ((CLIHarness) throws -> (mentor: Int64, mentee: Int64, forloeb: Int64))? = nil
        ) throws {
            smtp = try TestServer(
                script: "smtp_server.py", arguments: ["--out", scratch.path + "/in"], folder: scratch.path)
            cli.write(
                "config.json",
                """
                { "email": { "url": "smtp://127.0.0.1:\(smtp.port)", "from": "Mentorshoppen <noreply@example.dk>",
                             "starttls": "none" },
                  "programs": [ { "id": "mentorshoppen", "preset": "mentorshoppen", \(settings)
                                  "cafe": { "weekday": "wednesday", "time": "18:00", "from": "2026-03-04",
                                            "place": "Huset" },
                                  "leaders": [ { "name": "Louise Berg", "email": "louise@example.dk" } ] } ] }
                """)
            if let people {
                (mentor, mentee, forloeb) = try people(cli)
                return
            }
            (mentor, mentee, forloeb) = try cli.forloeb(
                mentee: smsOnly
                    ? ["--name", "Amira Hansen", "--phone", "13 24 35 46", "--channels", "sms"]
                    : [
                        "--name", "Amira Hansen", "--email", "amira@example.dk", "--phone", "13 24 35 46",
                        "--channels", "email,sms",
                    ])
        }

        /// Runs a cycle at `at`; returns the emails that reached the server and the SMS that reached
        /// the spool during it (`sms` their texts, `spooled` with the numbers they went to).
        func tick(_ at: String) throws -> (mail: [Mail], sms: [String], spooled: [(to: String, text: String)]) {
            let result = try cli.run(["tick", "--at", at])
            #expect(result.code == 0, "tick \(at): \(result.err)")
            let all = scratch.received(scratch.path + "/in", count: 0, timeout: 0)
            let new = all.dropFirst(seen).map(Mail.init)
            seen = all.count
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: cli.folder + "/spool")) ?? []).filter {
                $0.hasSuffix(".sms.json") && !seenSMS.contains($0)
            }.sorted()
            seenSMS.formUnion(names)
            let spooled = names.compactMap { name -> (to: String, text: String)? in
                guard let data = FileManager.default.contents(atPath: cli.folder + "/spool/" + name),
                    let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                    let text = object["text"] as? String
                else { return nil }
                return (object["to"] as? String ?? "", text)
            }
            return (Array(new), spooled.map(\.text), spooled)
        }

        func run(_ arguments: [String]) throws -> CLIHarness.Result {
            let result = try cli.run(arguments)
            #expect(result.code == 0, "\(arguments): \(result.err)")
            return result
        }
    }

    /// One email as the server received it.
    struct Mail {
        var to: [String]
        var text: String
        var calendar: String?
        var calendarType: String?

        init(_ json: [String: Any]) {
            to = json["rcpt_tos"] as? [String] ?? []
            let parts = json["parts"] as? [[String: Any]] ?? []
            text = parts.first { $0["type"] as? String == "text/plain" }?["text"] as? String ?? ""
            let calendarPart = parts.first { $0["type"] as? String == "text/calendar" }
            calendar = calendarPart?["text"] as? String
            calendarType = (calendarPart?["params"] as? [String: String])?["method"]
        }

        /// A calendar property's value (`UID`, `SEQUENCE`, `METHOD`, `DTSTART;TZID=…`).
        func property(_ name: String) -> String? {
            let unfolded = (calendar ?? "").replacingOccurrences(of: "\r\n ", with: "")
            return unfolded.split(whereSeparator: \.isNewline).first { $0.hasPrefix(name + ":") }.map {
                String($0.dropFirst(name.count + 1))
            }
        }

        var start: String? { property("DTSTART;TZID=Europe/Copenhagen") }
    }

    @Test func aLeadersMonthOfCorrectionsReachesPeopleAsItShould() throws {
        let world = try World()
        let rel = String(world.forloeb)
        let meetingA = try #require(
            try world.run(["meeting", rel, "--at", "2026-03-12T16:00", "--place", "Biblioteket"]).id)
        let meetingB = try #require(try world.run(["meeting", rel, "--at", "2026-03-19T07:30"]).id)
        let meetingC = try #require(try world.run(["meeting", rel, "--at", "2026-03-26T16:00"]).id)
        let wakeUp = try #require(
            try world.run([
                "reminder", "add", "--person", String(world.mentee), "--time", "07:00", "--days", "mon,tue,wed,thu,fri",
                "--text", "Godmorgen Amira, husk praktik kl. 8",
            ]).id)
        _ = try world.run([
            "reminder", "add", "--person", String(world.mentor), "--time", "07:00", "--days", "thu", "--text",
            "Husk Amira i dag", "--on-holidays",
        ])

        // Meeting A: the reminder goes out the day before, with its invitation, to both.
        let invited = try world.tick("2026-03-11T16:00").mail.filter { $0.start == "20260312T160000" }
        #expect(Set(invited.flatMap(\.to)) == ["soren@example.dk", "amira@example.dk"])
        let uids = Dictionary(
            invited.compactMap { mail in mail.property("UID").map { (mail.to.first ?? "", $0) } },
            uniquingKeysWith: { first, _ in first })
        #expect(
            uids.count == 2
                && uids.values.allSatisfy { $0.hasPrefix("mi.") && $0.hasSuffix(".meeting-\(meetingA)@mentor-notify") })
        #expect(invited.allSatisfy { $0.property("SEQUENCE") == "0" })

        // Moved: the same people get the update under the UID their calendar knows, SEQUENCE 1.
        #expect(try world.run(["meeting", "move", String(meetingA), "--at", "2026-03-13T10:00"]).out.contains("moved"))
        let updates = try world.tick("2026-03-11T16:05").mail
        #expect(Set(updates.flatMap(\.to)) == ["soren@example.dk", "amira@example.dk"])
        for update in updates {
            #expect(update.property("METHOD") == "REQUEST")
            #expect(update.calendarType == "REQUEST")
            #expect(update.property("SEQUENCE") == "1")
            #expect(update.start == "20260313T100000")
            #expect(update.property("UID") == uids[update.to.first ?? ""], "\(update.to)")
            #expect(update.property("LOCATION") == "Biblioteket")
        }
        // Reminded at the new time only, its calendar still the same event.
        let newTime = try world.tick("2026-03-12T10:00").mail.filter { $0.calendar != nil }
        #expect(Set(newTime.flatMap(\.to)) == ["soren@example.dk", "amira@example.dk"])
        #expect(newTime.allSatisfy { $0.start == "20260313T100000" && $0.property("SEQUENCE") == "1" })
        #expect(newTime.allSatisfy { $0.property("UID") == uids[$0.to.first ?? ""] })
        #expect(try world.tick("2026-03-12T16:00").mail.filter { $0.calendar != nil }.isEmpty)

        // Meeting B: its reminder waits for the send window, then the meeting moves. Nothing goes out
        // for the old time, by email or SMS; the new time is reminded.
        let early = try world.tick("2026-03-18T08:00")
        #expect(
            early.mail.allSatisfy { $0.start != "20260319T073000" } && early.sms.allSatisfy { !$0.contains("07.30") })
        _ = try world.run(["meeting", "move", String(meetingB), "--at", "2026-03-20T16:00"])
        let window = try world.tick("2026-03-18T09:30")
        #expect(
            window.mail.allSatisfy { $0.start != "20260319T073000" && !$0.text.contains("07.30") },
            "\(window.mail.map(\.text))")
        #expect(window.sms.allSatisfy { !$0.contains("07.30") }, "\(window.sms)")
        let moved = try world.tick("2026-03-19T16:00")
        #expect(
            Set(moved.mail.filter { $0.start == "20260320T160000" }.flatMap(\.to)) == [
                "soren@example.dk", "amira@example.dk",
            ])
        #expect(moved.sms.contains { $0.contains("kl. 16.00") }, "\(moved.sms)")
        let outbox = try world.cli.json(["outbox", "--json"])
        #expect(
            outbox.contains {
                ($0["key"] as? String)?.hasSuffix("2026-03-19T07:30") == true && $0["status"] as? String == "expired"
            })
        #expect(
            !outbox.contains {
                ($0["key"] as? String)?.hasSuffix("2026-03-19T07:30") == true && $0["status"] as? String == "sent"
            })

        // Meeting C: invited, then cancelled: METHOD:CANCEL reaches both, and nothing more after.
        let invitedC = try world.tick("2026-03-25T16:00").mail.filter { $0.start == "20260326T160000" }
        #expect(invitedC.count == 2)
        _ = try world.run(["meeting", "cancel", String(meetingC)])
        let cancels = try world.tick("2026-03-25T16:05").mail
        #expect(Set(cancels.flatMap(\.to)) == ["soren@example.dk", "amira@example.dk"])
        for cancel in cancels {
            #expect(cancel.property("METHOD") == "CANCEL")
            #expect(cancel.calendarType == "CANCEL")
            #expect(cancel.property("STATUS") == "CANCELLED")
            #expect(cancel.property("SEQUENCE") == "1")
            #expect(cancel.property("UID") == invitedC.first { $0.to == cancel.to }?.property("UID"))
            #expect(cancel.text.contains("aflyst"))
        }
        let list = try world.run(["meeting", "list", rel]).out
        #expect(list.contains("Søren Mikkelsen") && list.contains("Amira Hansen"))
        #expect(list.contains("cancelled") && list.contains("moved"))

        // Café: the evening of 1 April is invited to, then cancelled; that of 8 April is cancelled
        // before its invitation and never invited to.
        let cafeInvite = try world.tick("2026-03-29T10:00").mail.filter { $0.start == "20260401T180000" }
        #expect(cafeInvite.map(\.to) == [["amira@example.dk"]])
        _ = try world.run(["cafe", "cancel", "--program", "mentorshoppen", "--at", "2026-04-01T18:00"])
        _ = try world.run(["cafe", "cancel", "--program", "mentorshoppen", "--at", "2026-04-08T18:00"])
        let cafeCancel = try world.tick("2026-03-29T10:05").mail
        #expect(cafeCancel.map(\.to) == [["amira@example.dk"]])
        #expect(cafeCancel.first?.property("METHOD") == "CANCEL")
        #expect(cafeCancel.first?.property("UID") == cafeInvite.first?.property("UID"))
        let cafes = try world.cli.json(["cafe", "list", "--program", "mentorshoppen", "--from", "2026-03-30", "--json"])
        #expect(
            cafes.filter { $0["cancelled"] as? Bool == true }.compactMap { $0["at"] as? String }.prefix(2) == [
                "2026-04-01T18:00", "2026-04-08T18:00",
            ])

        // The wake-up SMS: Wednesday yes, skærtorsdag and langfredag no (the mentor's, added
        // --on-holidays, comes on skærtorsdag); Tuesday after Easter yes; stopped, nothing more.
        func wakeUps(_ at: String) throws -> Int {
            let sent = try world.tick(at)
            return sent.sms.filter { $0.contains("Godmorgen") }.count
                + sent.mail.filter { $0.text.contains("Godmorgen") }.count
        }
        #expect(try wakeUps("2026-04-01T07:05") == 2)
        let thursday = try world.tick("2026-04-02T07:05")
        #expect(!thursday.sms.contains { $0.contains("Godmorgen") })
        #expect(thursday.mail.map(\.to) == [["soren@example.dk"]])
        #expect(thursday.mail.first?.text.contains("Husk Amira i dag") == true)
        #expect(try wakeUps("2026-04-03T07:05") == 0)
        let noInvite = try world.tick("2026-04-05T10:00").mail
        #expect(!noInvite.contains { $0.start == "20260408T180000" })
        #expect(try wakeUps("2026-04-07T07:05") == 2)
        #expect(try world.run(["reminder", "stop", String(wakeUp)]).out.contains("stopped"))
        #expect(try wakeUps("2026-04-08T07:05") == 0)
        #expect(try wakeUps("2026-04-09T07:05") == 0)
        let reminders = try world.cli.json(["reminder", "list", "--json"])
        #expect(reminders.first { $0["id"] as? Int == Int(wakeUp) }?["status"] as? String == "stopped")
        #expect(reminders.first { $0["id"] as? Int == Int(wakeUp) }?["name"] as? String == "Amira Hansen")
    }

    /// Amira reads SMS only: what she was told by SMS is corrected by SMS, once, naming the time
    /// she was told; what she was never told is not cancelled to her.
    @Test func anSMSOnlyMenteeHearsOfMovesAndCancellationsOfWhatSheWasToldBySMS() throws {
        let world = try World(smsOnly: true)
        let rel = String(world.forloeb)
        let meetingA = try #require(
            try world.run(["meeting", rel, "--at", "2026-03-12T16:00", "--place", "Biblioteket"]).id)
        let meetingB = try #require(try world.run(["meeting", rel, "--at", "2026-03-19T16:00"]).id)
        let meetingC = try #require(try world.run(["meeting", rel, "--at", "2026-03-26T16:00"]).id)

        // Meeting A: reminded by SMS, then moved: the update by SMS names both times.
        let reminded = try world.tick("2026-03-11T16:00")
        #expect(reminded.sms.contains { $0.contains("torsdag den 12. marts kl. 16.00") }, "\(reminded.sms)")
        _ = try world.run(["meeting", "move", String(meetingA), "--at", "2026-03-13T10:00"])
        let moved = try world.tick("2026-03-11T16:05")
        #expect(
            moved.sms == [
                "Mødet med Søren er flyttet fra torsdag den 12. marts kl. 16.00 til fredag den 13. marts kl. 10.00, "
                    + "Biblioteket. Hilsen mentorshoppen"
            ], "\(moved.sms)")
        // Søren's email update says the same, with its calendar.
        #expect(moved.mail.map(\.to) == [["soren@example.dk"]])
        #expect(
            moved.mail.first?.text.contains(
                "flyttet fra torsdag den 12. marts 2026 kl. 16.00 til fredag den 13. marts 2026 kl. 10.00") == true,
            "\(moved.mail.map(\.text))")
        // Once.
        #expect(try world.tick("2026-03-11T16:10").sms.isEmpty)

        // Meeting B: reminded by SMS, then cancelled: the cancellation by SMS.
        #expect(try world.tick("2026-03-18T16:00").sms.contains { $0.contains("torsdag den 19. marts kl. 16.00") })
        _ = try world.run(["meeting", "cancel", String(meetingB)])
        let cancelled = try world.tick("2026-03-18T16:05")
        #expect(
            cancelled.sms == [
                "Hej Amira. Mødet med Søren torsdag den 19. marts kl. 16.00 er aflyst. Aftal gerne en ny tid. "
                    + "Hilsen mentorshoppen"
            ],
            "\(cancelled.sms)")
        #expect(try world.tick("2026-03-18T16:10").sms.isEmpty)

        // Meeting C: cancelled before she was told of it: nothing, then or at its reminder time.
        _ = try world.run(["meeting", "cancel", String(meetingC)])
        #expect(try world.tick("2026-03-20T10:00").sms.allSatisfy { !$0.contains("aflyst") })
        #expect(try world.tick("2026-03-25T16:00").sms.allSatisfy { !$0.contains("26. marts") })

        // Café of 1 April: invited by SMS, then cancelled: the cancellation by SMS.
        let invite = try world.tick("2026-03-29T10:00").sms
        #expect(invite.contains { $0.contains("1. april") }, "\(invite)")
        _ = try world.run(["cafe", "cancel", "--program", "mentorshoppen", "--at", "2026-04-01T18:00"])
        let cafeCancel = try world.tick("2026-03-29T10:05").sms
        #expect(
            cafeCancel.count == 1 && cafeCancel.first?.contains("1. april kl. 18.00 er desværre aflyst") == true,
            "\(cafeCancel)"
        )
    }

    @Test func listsNameThePeopleAndRefusalsSayWhatToDo() throws {
        let cli = CLIHarness()
        let (mentor, mentee, forloeb) = try cli.forloeb()
        let meeting = try cli.create(["meeting", String(forloeb), "--at", "2026-04-10T16:00", "--place", "Huset"])
        let reminder = try cli.create([
            "reminder", "add", "--person", String(mentee), "--time", "07:00", "--days", "mon", "--text", "Op",
        ])
        let meetings = try cli.json(["meeting", "list", String(forloeb), "--json"])
        #expect(meetings.count == 1)
        #expect(meetings.first?["mentor"] as? String == "Søren Mikkelsen")
        #expect(meetings.first?["mentee"] as? String == "Amira Hansen")
        #expect(meetings.first?["status"] as? String == "planned")
        let before = try cli.databaseDump()
        for (arguments, code, phrase) in [
            (["meeting", "move", "999", "--at", "2026-04-11T10:00"], Int32(65), "no meeting with id 999"),
            (["meeting", "move", String(meeting), "--at", "2026-04-31T10:00"], 65, "at"),
            (["meeting", "move", String(meeting), "--at", "2030-01-01T10:00"], 65, "outside forløb"),
            (["meeting", "move", String(meeting)], 64, "--at is required"),
            (["cafe", "cancel", "--program", "mentorshoppen", "--at", "2099-01-01T18:00"], 65, "cafe list"),
            (["reminder", "pause", String(reminder), "--from", "2026-05-10", "--until", "2026-05-01"], 65, "before"),
            (["reminder", "stop", "999"], 65, "reminder list"),
        ] {
            let result = try cli.run(arguments)
            #expect(result.code == code, "\(arguments): \(result.err)")
            #expect(result.err.contains(phrase), "\(arguments): \(result.err)")
        }
        #expect(try cli.databaseDump() == before)
        #expect(try cli.run(["meeting", "cancel", String(meeting)]).code == 0)
        let again = try cli.run(["meeting", "cancel", String(meeting)])
        #expect(again.code == 65 && again.err.contains("already cancelled"))
        #expect(try cli.run(["meeting", "move", String(meeting), "--at", "2026-04-11T10:00"]).code == 65)
        #expect(
            try cli.run(["reminder", "pause", String(reminder), "--from", "2026-05-01", "--until", "2026-05-10"]).code
                == 0)
        // A forgotten person is named as such, never by an id alone.
        #expect(try cli.run(["forget", String(mentee)]).code == 0)
        let reminders = try cli.run(["reminder", "list", "--person", String(mentee)]).out
        #expect(reminders.contains("(forgotten)"), "\(reminders)")
        let forgotten = try cli.json(["meeting", "list", String(forloeb), "--json"])
        #expect(forgotten.first?["mentee"] as? String == "(forgotten)")
        #expect(forgotten.first?["mentor"] as? String == "Søren Mikkelsen")
        _ = mentor
        for command in [
            "meeting list", "meeting move", "meeting cancel", "cafe list", "cafe cancel", "reminder list",
            "reminder stop", "reminder pause",
        ] {
            let help = try cli.run(command.split(separator: " ").map(String.init) + ["--help"])
            #expect(help.code == 0 && help.out.contains("usage: mentor-notify \(command)"), "\(command)")
        }
    }
}
