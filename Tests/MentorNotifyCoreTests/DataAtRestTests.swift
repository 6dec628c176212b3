import Foundation
import MentorModel
import MentorStore
import Testing

@testable import Notifier
@testable import Transport

/// SPEC.md "Personal data at rest": modes whatever the umask, secrets kept out of the config and
/// out of reach, formulas neutralised in CSV, and `forget` leaving no trace anywhere we wrote.
@Suite(.serialized) struct DataAtRestTests {
    /// Runs the binary under `umask 000`, as a careless service manager would start it.
    func runWithOpenUmask(_ cli: CLIHarness, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "umask 000; exec \"$0\" \"$@\"", CLIHarness.binary] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: cli.folder)
        var environment = cli.environment
        environment["MENTOR_NOTIFY_DB"] = cli.folder + "/test.db"
        process.environment = environment
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? Int) ?? -1
    }

    @Test func everyFileWeWriteIsOwnerAndGroupOnlyWhateverTheUmask() throws {
        let cli = CLIHarness()
        #expect(try runWithOpenUmask(cli, ["init"]) == 0)
        #expect(
            try runWithOpenUmask(
                cli, ["person", "add", "--role", "mentee", "--name", "Amira Hansen", "--email", "amira@example.dk"])
                == 0)
        #expect(
            try runWithOpenUmask(
                cli,
                [
                    "person", "add", "--role", "mentor", "--name", "Søren", "--email", "soren@example.dk",
                    "--birthdate", "1970-01-01", "--certificate", "2026-01-01",
                ]) == 0)
        #expect(
            try runWithOpenUmask(
                cli, ["match", "--mentor", "2", "--mentee", "1", "--program", "symb", "--start", "2026-03-02"]) == 0)
        #expect(try runWithOpenUmask(cli, ["tick", "--at", "2026-03-09T10:00"]) == 0)
        for file in ["test.db", "test.db-wal", "test.db-shm"]
        where FileManager.default.fileExists(atPath: cli.folder + "/" + file) {
            let bits = try mode(cli.folder + "/" + file)
            #expect(bits & 0o137 == 0, "\(file): \(String(bits, radix: 8))")
        }
        #expect(try mode(cli.folder + "/spool") == 0o750)
        let spooled = try FileManager.default.contentsOfDirectory(atPath: cli.folder + "/spool")
        #expect(spooled.count == 2)
        for name in spooled {
            #expect(try mode(cli.folder + "/spool/" + name) == 0o640, "\(name)")
            // Names nobody can predict: the outbox id, then 64 random bits.
            #expect(name.range(of: #"^[0-9]{8}-[0-9a-f]{16}\.eml$"#, options: .regularExpression) != nil, "\(name)")
        }
    }

    @Test(arguments: [
        (
            #"{"email": {"url": "smtp://mentor:hemmelig@smtp.example.dk:587", "from": "a@example.dk"}, "programs": [{"id": "symb", "preset": "symb"}]}"#,
            "email.url"
        ),
        (
            #"{"sms": {"provider": "gatewayapi", "url": "https://gw.example/rest/mtsms?token=hemmelig", "sender": "Mentor"}, "programs": [{"id": "symb", "preset": "symb"}]}"#,
            "sms.url"
        ),
        (
            #"{"email": {"url": "smtp://smtp.example.dk:25", "from": "a@example.dk", "starttls": "none"}, "programs": [{"id": "symb", "preset": "symb"}]}"#,
            "email.starttls"
        ),
        (
            #"{"replies": {"address": "svar@example.dk", "imap": {"url": "imaps://svar:hemmelig@imap.example.dk/INBOX", "username": "svar"}}, "programs": [{"id": "symb", "preset": "symb"}]}"#,
            "replies.imap.url"
        ),
        (
            #"{"replies": {"address": "svar@example.dk", "imap": {"url": "imap://imap.example.dk/INBOX", "username": "svar", "starttls": "none"}}, "programs": [{"id": "symb", "preset": "symb"}]}"#,
            "replies.imap.starttls"
        ),
        (
            #"{"replies": {"address": "svar@example.dk", "imap": {"url": "imaps://imap.example.dk/INBOX", "username": "svar", "password": "hemmelig"}}, "programs": [{"id": "symb", "preset": "symb"}]}"#,
            "replies.imap.password"
        ),
        (
            #"{"replies": {"address": "svar@example.dk", "imap": {"url": "https://imap.example.dk/INBOX", "username": "svar"}}, "programs": [{"id": "symb", "preset": "symb"}]}"#,
            "replies.imap.url"
        ),
        (
            #"{"replies": {"address": "svar@example.dk", "imap": {"url": "imaps://imap.example.dk/INBOX", "username": "svar", "processedFolder": "Behandlede \"svar\""}}, "programs": [{"id": "symb", "preset": "symb"}]}"#,
            "replies.imap.processedFolder"
        ),
        (
            #"{"replies": {"address": "ikke en adresse"}, "programs": [{"id": "symb", "preset": "symb"}]}"#,
            "replies.address"
        ),
    ])
    func aSecretInAURLOrCleartextToAnotherHostIsAConfigError(config: String, key: String) throws {
        let cli = CLIHarness()
        cli.write("config.json", config)
        let check = try cli.run(["check"])
        #expect(check.code == 78, "\(check.out)")
        #expect(check.err.contains(key), "\(check.err)")
        #expect(!check.err.contains("hemmelig") && !check.out.contains("hemmelig"), "the secret is never repeated")
    }

    @Test func aSecretFileOthersCanReadIsRefusedWithTheFix() throws {
        let cli = CLIHarness()
        let secret = cli.folder + "/smtp-password"
        cli.write("smtp-password", "hemmelig\n")
        chmod(secret, 0o644)
        cli.write(
            "config.json",
            """
            {"email": {"url": "smtps://smtp.example.dk:465", "from": "a@example.dk", "username": "mentor",
              "passwordFile": "\(secret)"}, "programs": [{"id": "symb", "preset": "symb"}]}
            """)
        let check = try cli.run(["check"])
        #expect(check.code == 78)
        #expect(check.err.contains("can be read by anyone (mode 644); run: chmod 600 \(secret)"), "\(check.err)")
        chmod(secret, 0o620)
        #expect(try cli.run(["check"]).err.contains("can be changed by others than its owner"))
        chmod(secret, 0o600)
        let fixed = try cli.run(["check"])
        #expect(fixed.code == 0, "\(fixed.err)")
        #expect(!fixed.out.contains("hemmelig"))
    }

    @Test func aNameThatLooksLikeAFormulaStaysTextInCSV() {
        #expect(CSVWriter.field("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"")
        #expect(CSVWriter.field("+4512345678") == "'+4512345678")
        #expect(CSVWriter.field("-1") == "'-1")
        #expect(CSVWriter.field("@SUM(A1)") == "'@SUM(A1)")
        #expect(CSVWriter.field("Søren") == "Søren")
        #expect(CSVWriter.line(["a;b", "c"]) == "\"a;b\";c")
    }

    @Test func serverAndGatewayWordsReachAReasonMasked() {
        #expect(
            ReasonText.masked("550 5.1.1 <amira.hansen@example.dk>: Recipient address rejected")
                == "550 5.1.1 <a***@example.dk>: Recipient address rejected")
        #expect(ReasonText.masked("554 number 4513243546 blocked") == "554 number ########46 blocked")
        #expect(
            GatewayAnswer.detail(Data(#"{"message":"Invalid msisdn 4513243546 for user 12345678901234567890"}"#.utf8))
                .count < 70)
        #expect(!GatewayAnswer.detail(Data("msisdn 4513243546".utf8)).contains("4521"))
    }

    @Test func forgetLeavesNoTraceInOthersTextsTheSpoolOrTheWAL() throws {
        let cli = CLIHarness()
        let (mentor, mentee, relationship) = try cli.forloeb(
            program: "symb", mentee: ["--name", "Zakarias Ølgaard", "--email", "zakarias@example.dk"])
        #expect(try cli.run(["tick", "--at", "2026-03-09T10:00"]).code == 0)
        // A meeting reminder to the mentor waits (due after the window closed) and names the mentee.
        #expect(try cli.run(["meeting", String(relationship), "--at", "2026-03-12T21:00"]).code == 0)
        #expect(try cli.run(["tick", "--at", "2026-03-11T21:30"]).code == 0)
        let spoolBefore = try FileManager.default.contentsOfDirectory(atPath: cli.folder + "/spool")
        #expect(spoolBefore.count == 2)
        #expect(try cli.run(["forget", String(mentee)]).code == 0)
        // Nothing of the name anywhere: database, -wal, spool.
        for file in ["test.db", "test.db-wal"] {
            let data = FileManager.default.contents(atPath: cli.folder + "/" + file) ?? Data()
            for value in ["Zakarias", "Ølgaard", "zakarias@example.dk"] {
                #expect(data.range(of: Data(value.utf8)) == nil, "\(value) in \(file)")
            }
        }
        let spool = try FileManager.default.contentsOfDirectory(atPath: cli.folder + "/spool")
        #expect(spool.count == 1, "the mentee's own message is gone: \(spool)")
        for name in spool {
            let text = String(
                decoding: FileManager.default.contents(atPath: cli.folder + "/spool/" + name) ?? Data(), as: UTF8.self)
            #expect(!text.contains("Zakarias") && !text.contains("Zakar") && !text.contains("=C3=98lgaard"), "\(text)")
            #expect(text.contains("soren@example.dk"))
        }
        // The waiting reminder is written anew, and reads well without the name.
        #expect(try cli.run(["tick", "--at", "2026-03-12T10:00"]).code == 0)
        let store = try Store(path: cli.folder + "/test.db")
        let reminder = try #require(
            try store.outbox().first { $0.rule == .meetingReminder && $0.recipient == mentor })
        #expect(reminder.body?.contains("din mentee") == true, "\(reminder.body ?? "")")
        #expect(reminder.body?.contains("Zakarias") == false)
    }

    /// A corrected name and a moved meeting's place were in texts already sent (the leader's digest,
    /// the reminder): `forget` erases what the person was called and where they met before, too,
    /// and stops their personal reminder.
    @Test func forgetErasesFormerNamesAndPlacesAndStopsTheReminder() throws {
        let cli = CLIHarness()
        let (_, mentee, forloeb) = try cli.forloeb(
            mentor: ["--name", "Mo Larsen", "--email", "mo@example.dk"],
            mentee: ["--name", "Amira Quixbeck", "--email", "amira@example.dk"], start: "2026-10-01")
        let meeting = try cli.create([
            "meeting", String(forloeb), "--at", "2026-11-03T08:00", "--place", "Café Hemmelig",
        ])
        _ = try Store(path: cli.folder + "/test.db").addReminder(
            person: mentee, time: try #require(LocalTime("07:00")), weekdays: [1, 2, 3], text: "Godmorgen",
            until: nil, today: try #require(LocalDate("2026-11-01")))
        #expect(try cli.run(["tick", "--at", "2026-11-02T10:00"]).code == 0)
        #expect(
            try cli.run(["meeting", "move", String(meeting), "--at", "2026-11-04T08:00", "--place", "Biblioteket"]).code
                == 0)
        #expect(try cli.run(["person", "edit", String(mentee), "--name", "Amira Zyltrop"]).code == 0)
        let shown = try cli.run(["person", "show", String(mentee)]).out
        #expect(shown.contains("Amira Quixbeck"), "a former name is data held about them:\n\(shown)")

        func holders(_ value: String) throws -> [String] {
            let spool = try FileManager.default.contentsOfDirectory(atPath: cli.folder + "/spool").map { "spool/" + $0 }
            return (["test.db", "test.db-wal"] + spool).filter {
                let data = FileManager.default.contents(atPath: cli.folder + "/" + $0) ?? Data()
                return data.range(of: Data(value.utf8)) != nil
            }
        }
        #expect(!(try holders("Quixbeck")).isEmpty)
        #expect(!(try holders("Hemmelig")).isEmpty)
        #expect(try cli.run(["forget", String(mentee)]).code == 0)
        for value in ["Quixbeck", "Zyltrop", "Hemmelig"] {
            let left = try holders(value)
            #expect(left.isEmpty, "\(value) left in \(left)")
        }
        let reminders = try cli.run(["reminder", "list"]).out
        #expect(!reminders.contains("active"), "\(reminders)")
    }

    /// GDPR art. 15 and 17 on one person with every kind of record: `person show` lists each kind,
    /// and after `forget` neither it nor the database file (nor its -wal) holds any erased value,
    /// the free-text end reason and the meeting place included.
    @Test func personShowListsEveryKindAndAfterForgetNoErasedValueIsLeft() throws {
        let cli = CLIHarness()
        let (mentor, mentee, relationship) = try cli.forloeb(
            program: "symb",
            mentee: [
                "--name", "Zakarias Ølgaard", "--email", "zakarias@example.dk", "--phone", "12 25 66 64", "--ref",
                "ZK-7731", "--channels", "email,sms",
            ])
        let rel = String(relationship)
        #expect(try cli.run(["tick", "--at", "2026-03-09T10:00"]).code == 0)
        #expect(try cli.run(["contact", rel, "--date", "2026-03-10", "--minutes", "75"]).code == 0)
        #expect(
            try cli.run(["meeting", rel, "--at", "2026-03-12T17:00", "--place", "hos Zakarias på Vibevej"]).code == 0)
        #expect(try cli.run(["tick", "--at", "2026-03-11T18:00"]).code == 0)
        #expect(try cli.run(["evaluated", rel, "--by", "mentee", "--date", "2026-03-15"]).code == 0)
        #expect(try cli.run(["person", "opt-out", String(mentee), "--channel", "sms"]).code == 0)
        do {
            // What replies and links leave, and a free-text end reason as rows from before the
            // categories hold it.
            let store = try Store(path: cli.folder + "/test.db")
            let now: Int64 = 1_773_500_000
            _ = try store.recordInbound(
                InboundRecord(key: "sms:test-1", receivedAt: now, channel: .sms, personID: mentee, action: .rsvp))
            try store.setCafeAnswer(
                program: "symb", at: try #require(LocalDateTime("2026-03-26T19:00")), person: mentee, yes: true,
                now: now)
            try store.setForloebAnswer(
                relationship: relationship, question: "continue", by: .mentee, yes: true, now: now)
            _ = try store.changeOptOut(
                OptOutEvent(personID: mentee, program: "symb", channel: .email, optedOut: true, via: .link, at: now))
            _ = try store.addReminder(
                person: mentee, time: try #require(LocalTime("07:00")), weekdays: [1, 2, 3],
                text: "Godmorgen Zakarias, husk Vibevej", until: nil, today: try #require(LocalDate("2026-03-10")))
            try store.database.run(
                "UPDATE relationship SET ended_on = '2026-03-20', end_reason = ? WHERE id = ?",
                ["Zakarias har fået fast job hos Ølgaard VVS", relationship])
        }
        let shown = try cli.run(["person", "show", String(mentee)])
        #expect(shown.code == 0, "\(shown.err)")
        for value in [
            "Zakarias Ølgaard", "zakarias@example.dk", "+4512256664", "ZK-7731", "2004-03-10", "Søren Mikkelsen",
            "minutes: 75", "hos Zakarias på Vibevej", "by: mentee", "question: continue", "rule: first-meeting",
            "action: rsvp", "via: link", "via: leader", "opted out: sms", "unsubscribed: email from symb",
            // A free-text reason left from before the categories reads as the category it counts as.
            "at: 2026-03-26T19:00", "Godmorgen Zakarias", "end reason: other",
        ] {
            #expect(shown.out.contains(value), "person show lacks \(value):\n\(shown.out)")
        }
        let json = try #require(
            try JSONSerialization.jsonObject(
                with: Data(try cli.run(["person", "show", String(mentee), "--json"]).out.utf8)) as? [String: Any])
        for key in ["forloeb", "messages", "replies", "optOuts", "cafeAnswers", "reminders"] {
            #expect((json[key] as? [Any])?.isEmpty == false, "\(key) is empty")
        }
        let forloeb = try #require((json["forloeb"] as? [[String: Any]])?.first)
        for key in ["contacts", "meetings", "evaluations", "answers"] {
            #expect((forloeb[key] as? [Any])?.isEmpty == false, "forloeb.\(key) is empty")
        }

        func spoolNames(_ value: String) throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: cli.folder + "/spool").filter {
                let data = FileManager.default.contents(atPath: cli.folder + "/spool/" + $0) ?? Data()
                return data.range(of: Data(value.utf8)) != nil
            }
        }
        #expect(!(try spoolNames("Vibevej")).isEmpty, "the invitations name the place")

        #expect(try cli.run(["forget", String(mentee)]).code == 0)
        let erased = [
            "Zakarias", "Ølgaard", "zakarias@example.dk", "4512256664", "ZK-7731", "2004-03-10", "Vibevej",
            "fast job",
        ]
        let after =
            try cli.run(["person", "show", String(mentee)]).out
            + cli.run(["person", "show", String(mentee), "--json"]).out
        for value in erased + ["Søren"] {
            #expect(!after.contains(value), "\(value) still shown:\n\(after)")
        }
        for file in ["test.db", "test.db-wal"] {
            let data = FileManager.default.contents(atPath: cli.folder + "/" + file) ?? Data()
            for value in erased {
                #expect(data.range(of: Data(value.utf8)) == nil, "\(value) in \(file)")
            }
        }
        // The mentor's invitation in the spool named the place: written anew without it.
        #expect(try spoolNames("Vibevej").isEmpty)
        #expect(!(try spoolNames("(sted slettet)")).isEmpty, "the mentor's reminder is kept, the place erased")
        // The mentor keeps what is theirs.
        #expect(try cli.run(["person", "show", String(mentor)]).out.contains("Søren Mikkelsen"))
    }
}
