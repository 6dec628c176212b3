import Foundation
import MentorModel
import Testing

/// Issue 21's leader's month, lived through the command line alone, a cycle each morning and each
/// afternoon: the people and pairs come from the Excel sheet, every correction is made as it comes
/// up, and what reached a person is read where it arrived (the SMTP server, the SMS spool).
@Suite(.serialized) struct LeaderMonthTests {
    typealias Mail = EventCorrectionTests.Mail

    /// One message as it reached one person, and the cycle (`tick --at`) that sent it.
    struct Delivery {
        var at: String
        var to: String
        var text: String
        var mail: Mail?

        var start: String? { mail?.start }
        func mentions(_ phrase: String) -> Bool { text.contains(phrase) }
    }

    /// Mentorshoppen with a monthly evaluation. Søren Mikkelsen (email) with Amira Hansen (SMS), and
    /// Jens Holm with Sara Nielsen (both email), imported from a sheet Danish Excel saved as
    /// "CSV UTF-8": a BOM, `;`, Danish headers, dates day first, an empty row left behind.
    final class Month {
        let world: EventCorrectionTests.World
        private(set) var log: [Delivery] = []
        var people: [String: Int64] = [:]

        static func sheet(amirasPhone: String) -> String {
            "\u{FEFF}Ref;Navn;Rolle;E-mail;Mobil;Fødselsdato;Kanaler;Børneattest\r\n"
                + "m1;Søren Mikkelsen;Mentor;soren@example.dk;;01-05-1970;e-mail;10.01.2026\r\n"
                + "e1;Amira Hansen;Mentee;;\(amirasPhone);10/03/2004;sms;\r\n"
                + ";;;;;;;\r\n"
                + "m2;Jens Holm;Mentor;jens@example.dk;;02.02.1965;e-mail;15-01-2026\r\n"
                + "e2;Sara Nielsen;Mentee;sara@example.dk;;05-06-2003;e-mail;\r\n"
        }

        init() throws {
            var names: [String: Int64] = [:]
            world = try EventCorrectionTests.World(settings: #""evaluationEveryMonths": 1,"#) { cli in
                #expect(try cli.run(["init"]).code == 0)
                cli.write("people.csv", Month.sheet(amirasPhone: "12 25 66 64"))
                let imported = try cli.run(["import", "people", "people.csv"])
                #expect(
                    imported.out
                        == "people.csv: 4 added, 0 changed; 0 unchanged; 0 in the database but not in the file\n",
                    "\(imported.out)\(imported.err)")
                cli.write(
                    "forloeb.csv",
                    "\u{FEFF}Mentor;Mentee;Program;Start;Slut\r\nm1;e1;mentorshoppen;02-03-2026;\r\n"
                        + "m2;e2;mentorshoppen;02.03.2026;\r\n")
                let matched = try cli.run(["import", "relationships", "forloeb.csv"])
                #expect(matched.out.hasPrefix("forloeb.csv: 2 added, 0 changed;"), "\(matched.out)\(matched.err)")
                for person in try cli.json(["person", "list", "--json"]) {
                    if let name = person["name"] as? String, let id = person["id"] as? Int { names[name] = Int64(id) }
                }
                let amiras = try cli.json(["forloeb", "list", "--json"]).first {
                    $0["mentee"] as? String == "Amira Hansen"
                }
                return (names["Søren Mikkelsen"] ?? -1, names["Amira Hansen"] ?? -1, Int64(amiras?["id"] as? Int ?? -1))
            }
            people = names
        }

        /// A cycle at `at`; what it delivered, also kept in `log`.
        @discardableResult
        func tick(_ at: String) throws -> [Delivery] {
            let sent = try world.tick(at)
            let delivered =
                sent.mail.flatMap { mail in mail.to.map { Delivery(at: at, to: $0, text: mail.text, mail: mail) } }
                + sent.spooled.map { Delivery(at: at, to: $0.to, text: $0.text) }
            log += delivered
            return delivered
        }

        /// A cycle at 07:05 and one at 16:00 on each day from `first` through `last`.
        @discardableResult
        func days(_ first: String, through last: String) throws -> [Delivery] {
            guard var day = LocalDate(first), let end = LocalDate(last) else { return [] }
            var delivered: [Delivery] = []
            while day <= end {
                delivered += try tick("\(day)T07:05") + tick("\(day)T16:00")
                day = day.adding(days: 1)
            }
            return delivered
        }

        /// What reached `to` from the cycle at `at` on.
        func since(_ at: String, to: String) -> [Delivery] { log.filter { $0.at >= at && $0.to == to } }

        /// A command the leader runs, which must succeed.
        @discardableResult
        func leader(_ arguments: [String]) throws -> CLIHarness.Result { try world.run(arguments) }
    }

    static let soren = "soren@example.dk"
    static let oldNumber = "+4512256664"
    static let newNumber = "+4522256665"

    @Test func aLeadersMonthThroughTheCommandLine() throws {
        let month = try Month()
        let cli = month.world.cli
        let pair = String(month.world.forloeb)
        let amira = String(month.world.mentee)
        #expect(month.people.count == 4)
        let sync = try cli.run(["import", "people", "people.csv"])
        #expect(sync.out.hasPrefix("people.csv: 0 added, 0 changed; 4 unchanged;"), "\(sync.out)")

        let wakeUp = try #require(
            try month.leader([
                "reminder", "add", "--person", amira, "--time", "07:00", "--days", "mon,tue,wed,thu,fri", "--text",
                "Godmorgen Amira, husk praktik kl. 8",
            ]).id)
        let moved = try #require(
            try month.leader(["meeting", pair, "--at", "2026-03-12T16:00", "--place", "Biblioteket"]).id)
        let movedEarly = try #require(try month.leader(["meeting", pair, "--at", "2026-03-19T16:00"]).id)
        let cancelled = try #require(try month.leader(["meeting", pair, "--at", "2026-03-26T16:00"]).id)

        // A contact typed as 900 minutes: refused without --yes, changing nothing; then taken as
        // typed, and put right.
        try month.days("2026-03-02", through: "2026-03-05")
        let before = try cli.databaseDump()
        let refused = try cli.run(["contact", pair, "--date", "2026-03-05", "--minutes", "900"])
        #expect(refused.code != 0 && refused.err.contains("--yes"), "\(refused.err)")
        #expect(try cli.databaseDump() == before)
        #expect(
            try month.leader(["contact", pair, "--date", "2026-03-05", "--minutes", "900", "--yes"]).out
                == "logged 900 minutes on 2026-03-05 for forløb \(pair)\n1\n")
        let logged = try cli.json(["contact", "list", pair, "--json"])
        #expect(logged.map { $0["minutes"] as? Int } == [900])
        let contact = Int64(try #require(logged.first?["id"] as? Int))
        #expect(contact == 1)
        #expect(try cli.run(["contact", "fix", String(contact), "--minutes", "600"]).err.contains("--yes"))
        try month.leader(["contact", "fix", String(contact), "--minutes", "90"])
        let contacts = try cli.json(["contact", "list", pair, "--json"])
        #expect(contacts.map { $0["minutes"] as? Int } == [90], "\(contacts)")

        // Meeting 1 is reminded with its invitation the afternoon before, then moved: Søren's calendar
        // gets the update under the same UID with SEQUENCE 1, Amira an SMS naming both times.
        let invitations = try month.days("2026-03-06", through: "2026-03-11").filter { $0.start == "20260312T160000" }
        #expect(invitations.map(\.to) == [Self.soren])
        let invitation = try #require(invitations.first?.mail)
        #expect(invitation.property("SEQUENCE") == "0")
        #expect(month.since("2026-03-11T16:00", to: Self.oldNumber).contains { $0.mentions("12. marts kl. 16.00") })
        #expect(try month.leader(["meeting", "move", String(moved), "--at", "2026-03-13T10:00"]).out.contains("moved"))
        let update = try month.tick("2026-03-11T16:05")
        let calendarUpdate = try #require(update.first { $0.to == Self.soren }?.mail)
        #expect(calendarUpdate.property("METHOD") == "REQUEST" && calendarUpdate.property("SEQUENCE") == "1")
        #expect(calendarUpdate.property("UID") == invitation.property("UID"))
        #expect(calendarUpdate.start == "20260313T100000")
        #expect(update.contains { $0.to == Self.oldNumber && $0.mentions("flyttet") }, "\(update.map(\.text))")

        // Meeting 2 moves before anyone heard of it.
        try month.days("2026-03-12", through: "2026-03-12")
        try month.leader(["meeting", "move", String(movedEarly), "--at", "2026-03-20T10:00"])

        // Amira's new number, by the sheet: exactly that change, and her texts follow it.
        try month.days("2026-03-13", through: "2026-03-13")
        cli.write("people.csv", Month.sheet(amirasPhone: "22 25 66 65"))
        #expect(
            try month.leader(["import", "people", "people.csv"]).out
                == "people.csv: 0 added, 1 changed: mobil ×1; 3 unchanged; 0 in the database but not in the file\n")
        try month.days("2026-03-14", through: "2026-03-25")

        // Meeting 3 is invited to, then cancelled: METHOD:CANCEL under the UID Søren's calendar knows.
        let invitedToCancelled = try #require(
            month.since("2026-03-25T16:00", to: Self.soren).first { $0.start == "20260326T160000" }?.mail)
        try month.leader(["meeting", "cancel", String(cancelled)])
        let cancellation = try month.tick("2026-03-25T16:05")
        let cancel = try #require(cancellation.first { $0.to == Self.soren }?.mail)
        #expect(cancel.property("METHOD") == "CANCEL" && cancel.calendarType == "CANCEL")
        #expect(cancel.property("UID") == invitedToCancelled.property("UID"))
        #expect(cancellation.contains { $0.to == Self.newNumber && $0.mentions("aflyst") })

        // The wake-up SMS stops after Friday's.
        try month.days("2026-03-26", through: "2026-03-26")
        try month.tick("2026-03-27T07:05")
        #expect(try month.leader(["reminder", "stop", String(wakeUp)]).out.contains("stopped"))
        try month.days("2026-03-28", through: "2026-04-07")

        // Amira leaves after the evaluation of 2 April went out, before its reminder: that request is
        // the final one, and each gets one reminder, then nothing more.
        try month.leader(["end", pair, "--date", "2026-04-07", "--reason", "mentee-left"])
        try month.days("2026-04-08", through: "2026-04-30")
        try month.tick("2026-05-15T16:00")

        // What reached people, all month.
        let log = month.log
        let afterMove = log.filter { $0.at >= "2026-03-11T16:05" }
        #expect(!afterMove.contains { $0.start == "20260312T160000" }, "a calendar for the old time")
        #expect(!afterMove.contains { $0.mentions("12. marts") && !$0.mentions("flyttet") }, "reminded of the old time")
        #expect(log.filter { $0.start == "20260313T100000" }.map(\.to) == [Self.soren, Self.soren])
        #expect(!log.contains { $0.start == "20260319T160000" || $0.mentions("19. marts") }, "\(log.map(\.text))")
        #expect(log.filter { $0.start == "20260320T100000" }.map(\.to) == [Self.soren])
        #expect(log.contains { $0.to == Self.newNumber && $0.mentions("20. marts kl. 10.00") })
        let afterCancel = log.filter { $0.at > "2026-03-25T16:05" }
        #expect(!afterCancel.contains { $0.start == "20260326T160000" || $0.mentions("26. marts") })

        // Texts: to the old number until the sheet changed it, then to the new one, the next one first.
        let texts = log.filter { $0.mail == nil }
        #expect(texts.contains { $0.to == Self.oldNumber && $0.at < "2026-03-13T16:01" })
        #expect(!texts.contains { $0.to == Self.oldNumber && $0.at > "2026-03-13T16:00" })
        #expect(texts.first { $0.at > "2026-03-13T16:00" }?.to == Self.newNumber)
        let wakeUps = texts.filter { $0.mentions("Godmorgen") }
        #expect(wakeUps.contains { $0.at == "2026-03-27T07:05" })
        #expect(!wakeUps.contains { $0.at > "2026-03-27T07:05" })

        // The early end: one evaluation, one closing message and one reminder for each, nothing after
        // the reminder.
        for person in [[Self.soren], [Self.oldNumber, Self.newNumber]] {
            let mine = log.filter { person.contains($0.to) }
            #expect(mine.filter { $0.mentions("slutter dit forløb") }.count == 1, "\(person): \(mine.map(\.text))")
            #expect(mine.filter { $0.mentions("vil gerne høre, hvordan") }.count == 1, "\(person): \(mine.map(\.text))")
            let reminders = mine.filter {
                $0.mentions("Har du nået at udfylde evalueringen") || $0.mentions("om at udfylde evalueringen af dit")
            }
            #expect(reminders.count == 1, "\(person): \(mine.map(\.text))")
            let last = try #require(reminders.last).at
            #expect(!mine.contains { $0.at > last }, "\(person): \(mine.filter { $0.at > last }.map(\.text))")
        }
        // The pair that runs on is asked and reminded as before; the request of 2 May, which fell due
        // while no cycle ran, goes late with the cycle of the 15th (SPEC.md: it stays worth sending
        // until the next one falls due).
        let asked = log.filter { $0.to == "sara@example.dk" && $0.mentions("vil gerne høre, hvordan") }
        #expect(asked.count == 2 && asked.last?.at == "2026-05-15T16:00", "\(asked.map(\.at))")

        // The leader looks.
        let running = try cli.run(["forloeb", "list"]).out
        #expect(running.contains("Sara Nielsen") && !running.contains("Amira Hansen"), "\(running)")
        let all = try cli.json(["forloeb", "list", "--all", "--json"])
        #expect(all.first { $0["id"] as? Int == Int(month.world.forloeb) }?["endReason"] as? String == "mentee-left")
        let attention = try cli.json(["attention", "--at", "2026-04-30T12:00", "--json"])
        #expect(!attention.contains { $0["relationship"] as? Int == Int(month.world.forloeb) }, "\(attention)")
        // Jens and Sara have logged no contact since their start: their first meeting is not held.
        #expect(
            attention.first.map { [$0["mentee"], $0["reason"], $0["since"]] as? [String] } == [
                "Sara Nielsen", "first-meeting-not-held", "2026-03-02",
            ], "\(attention)")
        let focus = try month.leader(["attention", "--at", "2026-04-30T12:00"]).out
        #expect(focus.contains("Sara Nielsen") && !focus.contains("Amira"), "\(focus)")
        let shown = try month.leader(["person", "show", amira]).out
        // Her forløb, its contact as corrected, its meetings as they stand, her messages and the
        // reminder that was stopped.
        for expected in [
            "mentor: Søren Mikkelsen", "end reason: mentee-left", "date: 2026-03-05; minutes: 90",
            "at: 2026-03-13T10:00; place: Biblioteket", "at: 2026-03-26T16:00; cancelled: yes",
            "rule: meeting-cancel; program: mentorshoppen; channel: sms; status: sent",
            "text: Godmorgen Amira, husk praktik kl. 8",
            "stopped: yes",
        ] {
            #expect(shown.contains(expected), "\(expected) in \(shown)")
        }
        let record = try #require(
            try JSONSerialization.jsonObject(with: Data(month.leader(["person", "show", amira, "--json"]).out.utf8))
                as? [String: Any])
        let meetings = (record["forloeb"] as? [[String: Any]])?.first?["meetings"] as? [[String: Any]] ?? []
        #expect(meetings.map { $0["cancelled"] as? Bool } == [false, false, true], "\(meetings)")
        #expect((record["reminders"] as? [[String: Any]])?.map { $0["stopped"] as? Bool } == [true])
        let audit = try cli.json(["audit", "--json"])
        for (command, ids) in [
            ("contact fix", [contact]), ("meeting move", [moved]), ("meeting move", [movedEarly]),
            ("meeting cancel", [cancelled]), ("reminder stop", [wakeUp]), ("end", [month.world.forloeb]),
        ] {
            #expect(
                audit.contains { $0["command"] as? String == command && ($0["ids"] as? [Int])?.map(Int64.init) == ids },
                "\(command) \(ids): \(audit)")
        }
        #expect(audit.filter { $0["command"] as? String == "import" }.count == 4)
        let auditText = try cli.run(["audit"]).out + String(describing: audit)
        for value in ["900", "22 25 66", "2225666", "Biblioteket", "mentee-left", "2026-03-13", "Godmorgen"] {
            #expect(!auditText.contains(value), "\(value) in the audit log")
        }
    }
}
