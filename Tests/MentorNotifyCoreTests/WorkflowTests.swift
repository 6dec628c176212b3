import Foundation
import Testing

@Suite(.serialized) struct WorkflowTests {
    /// A leader's day: people, a match, contact, and the cycle on the spool.
    @Test func aLeadersDayFromPeopleToSentMessages() throws {
        let cli = CLIHarness()
        #expect(try cli.run(["init"]).code == 0)
        #expect(try cli.run(["init"]).out.contains("up to date"))
        let mentor = try cli.create([
            "person", "add", "--role", "mentor", "--name", "Søren", "--email", "soren@example.dk", "--birthdate",
            "1970-01-01",
            "--certificate", "2026-01-10",
        ])
        let mentee = try cli.create([
            "person", "add", "--role", "mentee", "--name", "Amira", "--phone", "12 25 66 64", "--birthdate",
            "2004-03-10",
        ])
        let people = try cli.json(["person", "list", "--json"])
        #expect(people.count == 2)
        #expect(people[1]["phone"] as? String == "+4512256664")
        #expect(people[1]["channels"] as? [String] == ["sms"])
        let relationship = try cli.create([
            "match", "--mentor", String(mentor), "--mentee", String(mentee), "--program", "mentorshoppen", "--start",
            "2026-03-02",
        ])
        #expect(relationship == 1)

        // Seven days on, nothing logged: the first-meeting reminders are due at 09:00.
        let plan = try cli.json(["plan", "--at", "2026-03-09T10:00", "--json"])
        let keys = Set(plan.compactMap { $0["key"] as? String })
        #expect(keys.contains("first-meeting:1:mentee:2026-03-02"))
        #expect(keys.contains("first-meeting:1:mentor:2026-03-02"))
        #expect(
            plan.first { ($0["key"] as? String) == "first-meeting:1:mentee:2026-03-02" }?["notBefore"] as? String
                == "2026-03-09T09:00:00+01:00")
        // plan writes nothing.
        #expect(try cli.json(["outbox", "--json"]).isEmpty)

        #expect(try cli.run(["tick", "--at", "2026-03-09T10:00"]).code == 0)
        #expect(try cli.run(["tick", "--at", "2026-03-09T10:05"]).code == 0)
        let outbox = try cli.json(["outbox", "--json"])
        let firstMeeting = outbox.filter { ($0["rule"] as? String) == "first-meeting" }
        #expect(firstMeeting.count == 2)
        #expect(firstMeeting.allSatisfy { ($0["status"] as? String) == "sent" })
        for field in [
            "id", "key", "rule", "role", "recipient", "channel", "status", "attempts", "notBefore", "expiresAt",
            "sentAt", "reason", "providerId",
        ] {
            #expect(outbox.allSatisfy { $0[field] != nil }, "outbox --json lacks \(field)")
        }
        let spool = try FileManager.default.contentsOfDirectory(atPath: cli.folder + "/spool")
        #expect(spool.filter { $0.hasSuffix(".eml") }.count == 1)
        #expect(spool.filter { $0.hasSuffix(".sms.json") }.count == 1)

        // Contact logged: the leader alert a week later is no longer due.
        #expect(
            try cli.run([
                "contact", String(relationship), "--date", "2026-03-10", "--minutes", "90", "--kind", "meeting",
            ]).code == 0)
        let later = try cli.json(["plan", "--at", "2026-03-16T10:00", "--json"])
        #expect(!later.contains { ($0["rule"] as? String) == "first-meeting-overdue" })

        // Started on the 2nd, so March does not count against the target; April does.
        let report = try cli.run(["report", "hours", "--month", "2026-03", "--csv"])
        #expect(report.out.contains("1;mentorshoppen;Søren;Amira;90;240;not counted"))
        let april = try cli.run(["report", "hours", "--month", "2026-04", "--csv"])
        #expect(april.out.contains("1;mentorshoppen;Søren;Amira;0;240;below"))

        #expect(try cli.run(["person", "opt-out", String(mentee), "--channel", "sms"]).code == 0)
        // Only `tick --at` acted (for March): a what-if is no sign of a running daemon, so no real
        // cycle has run and health says so.
        let status = try cli.run(["status"])
        #expect(status.code == 1, "\(status.out)\(status.err)")
        #expect(status.out.contains("acting for:   2026-03-09T10:05"))
        #expect(status.out.contains("last cycle:     never"), "\(status.out)")
    }

    @Test func matchChecksTheProgramsRulesUnlessForced() throws {
        let cli = CLIHarness()
        try cli.run(["init"])
        let mentor = try cli.create([
            "person", "add", "--role", "mentor", "--name", "Ung", "--email", "u@example.dk", "--birthdate",
            "2000-01-01",
        ])
        let mentee = try cli.create([
            "person", "add", "--role", "mentee", "--name", "Bo", "--email", "b@example.dk", "--birthdate", "2004-01-01",
        ])
        let refused = try cli.run([
            "match", "--mentor", String(mentor), "--mentee", String(mentee), "--program", "mentorshoppen", "--start",
            "2026-03-01",
        ])
        #expect(refused.code == 65)
        #expect(refused.err.contains("over 30"))
        #expect(refused.err.contains("børneattest"))
        let forced = try cli.run([
            "match", "--mentor", String(mentor), "--mentee", String(mentee), "--program", "mentorshoppen", "--start",
            "2026-03-01", "--force",
        ])
        #expect(forced.code == 0)
        #expect(forced.err.contains("--force"))
        // The same pair cannot have two forløb at once: the first one ends before the next starts.
        let twice = try cli.run([
            "match", "--mentor", String(mentor), "--mentee", String(mentee), "--program", "djoef", "--start",
            "2026-11-30",
        ])
        #expect(twice.code == 65 && twice.err.contains("already have forløb 1"), "\(twice.err)")
        #expect(try cli.run(["end", "1", "--date", "2026-11-29"]).code == 0)
        // djoef has no age rule; the default end is three months on, with clamping.
        let djoef = try cli.create([
            "match", "--mentor", String(mentor), "--mentee", String(mentee), "--program", "djoef", "--start",
            "2026-11-30",
        ])
        #expect(djoef == 2)
        let plan = try cli.json(["plan", "--at", "2027-01-29T10:00", "--json"])
        #expect(plan.contains { ($0["key"] as? String) == "end-notice:2:mentor:2027-02-28" })
    }

    @Test func importAcceptsDanishExcelFiles() throws {
        let cli = CLIHarness()
        try cli.run(["init"])
        // Windows-1252, semicolons, CRLF, a BOM-less header, a quoted field with the separator in it.
        let text =
            "ref;role;name;phone\r\nm1;mentor;\"Mikkelsen; Søren\";13 24 35 46\r\ne1;mentee;Æbelø Øster;44107333\r\n"
        let bytes: [UInt8] = text.unicodeScalars.map { scalar in UInt8(truncatingIfNeeded: scalar.value) }
        cli.write("people.csv", bytes: bytes)
        let result = try cli.run(["import", "people", "people.csv"])
        #expect(result.code == 0, "\(result.err)")
        #expect(result.err.contains("Windows-1252"))
        let people = try cli.json(["person", "list", "--json"])
        #expect(people.map { $0["name"] as? String } == ["Mikkelsen; Søren", "Æbelø Øster"])
        #expect(people.map { $0["phone"] as? String } == ["+4513243546", "+4544107333"])
    }

    @Test func forgetErasesThroughTheCommandLine() throws {
        let cli = CLIHarness()
        try cli.run(["init"])
        let id = try cli.create([
            "person", "add", "--role", "mentee", "--name", "Quintessa Vorhaug", "--email", "qv.unique@example.dk",
        ])
        #expect(try cli.run(["forget", String(id)]).code == 0)
        let raw = [cli.folder + "/test.db", cli.folder + "/test.db-wal"].compactMap {
            FileManager.default.contents(atPath: $0)
        }
        .map { String(decoding: $0, as: UTF8.self) }.joined()
        #expect(!raw.contains("Quintessa") && !raw.contains("qv.unique"))
        #expect(try cli.run(["person", "list"]).out.contains("(forgotten)"))
    }

    @Test func helpForEveryCommand() throws {
        let cli = CLIHarness()
        #expect(try cli.run(["--help"]).code == 0)
        for command in [
            ["init"], ["person", "add"], ["person", "list"], ["match"], ["import"], ["plan"], ["tick"], ["run"],
            ["outbox"], ["status"], ["report", "hours"], ["check"], ["forget"], ["reminder", "add"], ["cafe", "add"],
        ] {
            let result = try cli.run(command + ["--help"])
            #expect(result.code == 0 && result.out.contains("usage: mentor-notify"), "\(command)")
        }
        #expect(try cli.run(["frobnicate"]).code == 64)
        #expect(try cli.run(["person", "list"]).code == 66, "no database yet")
    }
}

@Suite(.serialized) struct ConfigTests {
    static let valid = """
        {
          "timezone": "Europe/Copenhagen",
          "sendWindow": { "from": "09:00", "to": "20:00" },
          "spool": "./out",
          "programs": [
            { "id": "holstebro", "preset": "mentorshoppen", "name": "Mentorshoppen Holstebro",
              "leaders": [ { "name": "Elias", "email": "leder@example.dk", "phone": "+4512345678" } ],
              "cafe": { "weekday": "wednesday", "time": "18:00", "everyWeeks": 2, "from": "2026-01-07", "place": "Mentorshoppen" },
              "monthlyTargetMinutes": 180, "evaluationEveryMonths": null }
          ]
        }
        """

    @Test func aValidConfigPassesCheck() throws {
        let cli = CLIHarness()
        cli.write("config.json", ConfigTests.valid)
        try cli.run(["init"])
        let result = try cli.run(["check"])
        #expect(result.code == 0, "\(result.err)")
        #expect(result.out.contains("1 programs"))
    }

    static let broken: [(String, String, String)] = [
        ("\"timezone\": \"Europe/Copenhagen\"", "\"timezone\": \"Mars/Olympus\"", "timezone"),
        ("\"preset\": \"mentorshoppen\"", "\"preset\": \"mentorshopen\"", "programs[0].preset"),
        ("\"monthlyTargetMinutes\": 180", "\"monthlyTargetMinutes\": \"lots\"", "programs[0].monthlyTargetMinutes"),
        (
            "\"monthlyTargetMinutes\": 180", "\"monthlyTargetMinutes\": 180, \"monthlyTagretMinutes\": 1",
            "programs[0].monthlyTagretMinutes"
        ),
        (
            "\"spool\": \"./out\"",
            "\"spool\": \"./out\", \"email\": { \"url\": \"smtps://mail.example.dk\", \"from\": \"x@example.dk\", \"password\": \"hunter2\" }",
            "email.password"
        ),
        (
            "\"spool\": \"./out\"",
            "\"spool\": \"./out\", \"sms\": { \"provider\": \"gatewayapi\", \"url\": \"https://gw.example/rest/mtsms\", \"sender\": \"Mentor\", \"token\": \"abc\" }",
            "sms.token"
        ),
        ("\"from\": \"09:00\"", "\"from\": \"21:00\"", "sendWindow"),
        ("\"weekday\": \"wednesday\"", "\"weekday\": \"onsdag\"", "cafe.weekday"),
        ("\"email\": \"leder@example.dk\"", "\"email\": \"leder(at)example.dk\"", "leaders[0].email"),
        ("\"programs\": [", "\"programs\": [], \"x\": [", "programs"),
        // Mail programs post unsubscribes to it: https, or plain http on loopback only.
        (
            "\"spool\": \"./out\"", "\"spool\": \"./out\", \"http\": { \"publicURL\": \"http://mentor.example.dk\" }",
            "http.publicURL"
        ),
        (
            "\"spool\": \"./out\"", "\"spool\": \"./out\", \"http\": { \"publicURL\": \"https://m.example.dk/?x=1\" }",
            "http.publicURL"
        ),
    ]

    @Test func aBadConfigNamesTheKeyAndExits78() throws {
        for (original, replacement, key) in ConfigTests.broken {
            let cli = CLIHarness()
            cli.write("config.json", ConfigTests.valid.replacingOccurrences(of: original, with: replacement))
            let result = try cli.run(["check"])
            #expect(result.code == 78, "\(key): exit \(result.code) \(result.err)")
            #expect(result.err.contains(key), "\(key): \(result.err)")
            #expect(!result.err.contains("hunter2"))
        }
    }

    @Test func secretsComeFromFilesCredentialsOrTheEnvironment() throws {
        let cli = CLIHarness()
        let config = ConfigTests.valid.replacingOccurrences(
            of: "\"spool\": \"./out\"",
            with:
                "\"spool\": \"./out\", \"sms\": { \"provider\": \"gatewayapi\", \"url\": \"https://gw.example/rest/mtsms\", \"sender\": \"Mentor\" }"
        )
        cli.write("config.json", config)
        #expect(try cli.run(["check"]).code == 78)
        cli.environment["MENTOR_NOTIFY_SMS_TOKEN"] = "from-env"
        #expect(try cli.run(["check"]).code == 0)
        cli.environment["MENTOR_NOTIFY_SMS_TOKEN"] = nil
        try FileManager.default.createDirectory(atPath: cli.folder + "/creds", withIntermediateDirectories: true)
        cli.write("creds/sms", "from-credential\n")
        cli.environment["CREDENTIALS_DIRECTORY"] = cli.folder + "/creds"
        #expect(try cli.run(["check"]).code == 0)
    }
}
