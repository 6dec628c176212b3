import Foundation
import MentorModel
import MentorStore
import Testing

/// What an operator meets in the first month: a renamed program, a clock moved by hand, a status
/// asked after `tick --at`, failed messages to send again, `--help` on every command.
@Suite(.serialized) struct OperatorTests {
    /// A mentor and a mentee matched in `program` from 2026-03-02; returns the forløb's id.
    func forloeb(_ cli: CLIHarness, program: String = "mentorshoppen") throws -> Int64 {
        try cli.forloeb(program: program).forloeb
    }

    @Test func statusJudgesHealthByTheWallClockNotByTickAt() throws {
        let cli = CLIHarness()
        _ = try forloeb(cli)
        // A cycle for a moment far in the future, which really ran two hours ago.
        #expect(try cli.run(["tick", "--at", "2030-01-01T10:00"]).code == 0)
        let store = try Store(path: cli.folder + "/test.db")
        try store.write { try store.setMeta("last_cycle_wall", String(Int64(Date().timeIntervalSince1970) - 7200)) }
        let status = try cli.run(["status"])
        #expect(status.code != 0, "a daemon that last ran two hours ago is not alive: \(status.out)")
        #expect(status.out.contains("STALE"))
    }

    @Test func aTickEarlierThanTheLastCyclePlansNothing() throws {
        let cli = CLIHarness()
        let relationship = try forloeb(cli)
        #expect(try cli.run(["meeting", String(relationship), "--at", "2026-03-15T16:30"]).code == 0)
        #expect(try cli.run(["tick", "--at", "2026-03-20T10:00"]).code == 0)
        let before = try cli.json(["outbox", "--json"]).count
        // The day before the meeting, after a cycle five days later: its reminder would now follow
        // the later rules. Nothing is planned, and the log says why.
        let back = try cli.run(["tick", "--at", "2026-03-14T16:30"])
        #expect(back.code == 0)
        #expect(back.err.contains("event=cycle-skipped"), "\(back.err)")
        let rows = try cli.json(["outbox", "--json"])
        #expect(rows.count == before)
        #expect(!rows.contains { ($0["rule"] as? String) == "meeting-reminder" && ($0["status"] as? String) == "sent" })
    }

    @Test func aForloebWhoseProgramLeftTheConfigIsNamedEverywhere() throws {
        let cli = CLIHarness()
        cli.write(
            "config.json",
            """
            {"programs": [{"id": "holstebro", "preset": "mentorshoppen",
              "leaders": [{"name": "Elias", "email": "leder@example.dk"}]}]}
            """)
        _ = try forloeb(cli, program: "holstebro")
        #expect(try cli.run(["check"]).code == 0)
        // The program is renamed in the config: its forløb would get nothing, without a word.
        cli.write(
            "config.json",
            """
            {"programs": [{"id": "hb", "preset": "mentorshoppen",
              "leaders": [{"name": "Elias", "email": "leder@example.dk"}]}]}
            """)
        let check = try cli.run(["check"])
        #expect(check.code == 78)
        #expect(check.err.contains("1 forløb in program 'holstebro' get no follow-ups"), "\(check.err)")
        let tick = try cli.run(["tick", "--at", "2026-03-09T10:00"])
        #expect(tick.code == 0)
        #expect(tick.err.contains("event=unwatched"), "\(tick.err)")
        let status = try cli.run(["status"])
        #expect(status.code != 0)
        #expect(status.out.contains("UNWATCHED: 1 forløb in program 'holstebro'"), "\(status.out)")
    }

    @Test(arguments: [
        (
            """
            {"programs": [{"id": "holstebro", "preset": "mentorshoppen"}]}
            """, "has 1 forløb but no leaders"
        ),
        (
            """
            {"programs": [{"id": "holstebro", "preset": "mentorshoppen", "leaders": [{"name": "Elias"}]}]}
            """, "a leader needs an email or a phone"
        ),
    ])
    func aProgramWhoseLeadersCannotBeReachedFailsCheck(config: String, expected: String) throws {
        let cli = CLIHarness()
        cli.write(
            "config.json",
            """
            {"programs": [{"id": "holstebro", "preset": "mentorshoppen",
              "leaders": [{"name": "Elias", "email": "leder@example.dk"}]}]}
            """)
        _ = try forloeb(cli, program: "holstebro")
        cli.write("config.json", config)
        let check = try cli.run(["check"])
        #expect(check.code == 78, "\(check.out)\(check.err)")
        #expect(check.err.contains(expected), "\(check.err)")
    }

    @Test func failedMessagesCanBeSentAgain() throws {
        let cli = CLIHarness()
        _ = try forloeb(cli)
        #expect(try cli.run(["tick", "--at", "2026-03-09T10:00"]).code == 0)
        let store = try Store(path: cli.folder + "/test.db")
        let rows = try store.outbox()
        let failed = try #require(rows.first)
        try store.write {
            // A message with no moment of its own (a first-meeting reminder expires with its week).
            try store.database.run("UPDATE outbox SET expires_at = NULL WHERE id = ?", [failed.id])
            try store.markFinal(failed.id, status: .failed, reason: "SMTP 550 5.1.1 unknown user", now: 1000)
            try store.markFailuresReported([failed.id])
        }
        let retry = try cli.run(["outbox", "retry", String(failed.id)])
        #expect(retry.code == 0, "\(retry.err)")
        #expect(retry.out == "\(failed.id)\n")
        let row = try #require(try store.outbox().first { $0.id == failed.id })
        #expect(row.status == .pending && row.attempts == 0 && row.reason == nil)
        #expect(try store.unreportedFailures().isEmpty, "pending again, so nothing to report")
        // A row that is not failed is not re-queued, and that is said.
        let again = try cli.run(["outbox", "retry", String(failed.id)])
        #expect(again.code == 65 && again.err.contains("was not re-queued"))
        #expect(try cli.run(["outbox", "retry"]).code == 64)
        try store.write { try store.markFinal(failed.id, status: .failed, reason: "x", now: 1000) }
        let since = try cli.run(["outbox", "retry", "--failed-since", "1970-01-01"])
        #expect(since.code == 0 && since.out == "\(failed.id)\n", "\(since.err)")
    }

    @Test(arguments: ["person", "report", "cafe", "reminder", "outbox", "outbox retry", "person add", "report hours"])
    func everyCommandGroupHasHelp(command: String) throws {
        let cli = CLIHarness()
        let result = try cli.run(command.split(separator: " ").map(String.init) + ["--help"])
        #expect(result.code == 0, "\(command): \(result.err)")
        #expect(result.out.hasPrefix("usage: mentor-notify"))
    }

    /// The daemon's config in /etc is what the README's `sudo -u mentor-notify ...` commands read.
    @Test func theConfigInEtcIsFound() throws {
        try SystemConfigLock.holding(exclusively: true) { try configInEtcIsFound() }
    }

    private func configInEtcIsFound() throws {
        let path = "/etc/mentor-notify/mentor-notify.json"
        guard getuid() == 0, !FileManager.default.fileExists(atPath: path) else { return }
        let folderExisted = FileManager.default.fileExists(atPath: "/etc/mentor-notify")
        try FileManager.default.createDirectory(atPath: "/etc/mentor-notify", withIntermediateDirectories: true)
        defer {
            try? FileManager.default.removeItem(atPath: path)
            if !folderExisted { try? FileManager.default.removeItem(atPath: "/etc/mentor-notify") }
        }
        _ = FileManager.default.createFile(
            atPath: path, contents: Data(#"{"programs": [{"id": "etc-program", "preset": "symb"}]}"#.utf8))
        let cli = CLIHarness()
        cli.sharesSystemConfigLock = false
        #expect(try cli.run(["init"]).code == 0)
        let check = try cli.run(["check"])
        #expect(check.out.contains("config: \(path), 1 programs"), "\(check.out + check.err)")
    }

    /// One "ë" in a name made every SMS naming the person UCS-2: 70 characters a segment.
    @Test func anSMSNamingSomeoneOutsideGSMStaysInGSM() throws {
        let cli = CLIHarness()
        _ = try cli.forloeb(
            program: "symb", mentor: ["--name", "Łukasz Nowak", "--email", "l@example.dk"],
            mentee: ["--name", "Zoë Ølgaard", "--phone", "13 24 35 46"])
        #expect(try cli.run(["tick", "--at", "2026-03-09T10:00"]).code == 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: cli.folder + "/spool").filter {
            $0.hasSuffix(".sms.json")
        }
        let data = try #require(FileManager.default.contents(atPath: cli.folder + "/spool/" + (names.first ?? "")))
        let sms = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(sms["encoding"] as? String == "GSM-7", "\(sms)")
        #expect((sms["text"] as? String)?.contains("Zoe") == true, "\(sms)")
    }

    /// A database that cannot be used says what is wrong and what to do, with its sysexits code.
    @Test func aDatabaseThatCannotBeUsedSaysWhyAndWhatToDo() throws {
        let cli = CLIHarness()
        #expect(try cli.run(["init"]).code == 0)
        let good = try Data(contentsOf: URL(fileURLWithPath: cli.folder + "/test.db"))
        func run(_ database: String) throws -> CLIHarness.Result {
            cli.environment["MENTOR_NOTIFY_DB"] = cli.folder + "/" + database
            return try cli.run(["person", "list"])
        }
        cli.write("text.db", "ref;role;name\n")
        let notADatabase = try run("text.db")
        #expect(notADatabase.code == 65)
        #expect(notADatabase.err.contains("is not a mentor-notify database"), "\(notADatabase.err)")
        cli.write("cut.db", bytes: Array(good.prefix(3000)))
        let truncated = try run("cut.db")
        #expect(truncated.code == 65)
        #expect(truncated.err.contains("is damaged") && truncated.err.contains("backup"), "\(truncated.err)")
        let newer = try Store(path: cli.folder + "/newer.db")
        try newer.database.run("INSERT INTO schema_migrations VALUES ('999-future', datetime('now'))")
        let fromTheFuture = try run("newer.db")
        #expect(fromTheFuture.code == 65)
        #expect(fromTheFuture.err.contains("written by a newer mentor-notify"), "\(fromTheFuture.err)")
    }

    @Test func aFolderTheUserCannotWriteNamesTheFix() throws {
        let cli = CLIHarness()
        try FileManager.default.createDirectory(atPath: cli.folder + "/locked", withIntermediateDirectories: true)
        chmod(cli.folder, 0o755)
        chmod(cli.folder + "/locked", 0o555)
        // Root writes anywhere: the command runs as nobody, as an operator forgetting sudo -u would.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: getuid() == 0 ? "/usr/sbin/runuser" : CLIHarness.binary)
        let command = [CLIHarness.binary, "--db", cli.folder + "/locked/x.db", "init"]
        process.arguments = getuid() == 0 ? ["-u", "nobody", "--"] + command : Array(command.dropFirst())
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 74)
        #expect(text.contains("is not writable for user"), "\(text)")
        #expect(text.contains("sudo -u mentor-notify"))
    }

    /// `make demo`'s command: a short simulated stretch prints its table and texts, and leaves a
    /// database the other commands can read.
    @Test func theDemoRunsAndLeavesADatabaseToLookInto() throws {
        let cli = CLIHarness()
        let demo = try cli.run(["demo", "--dir", cli.folder + "/demo", "--days", "20"])
        #expect(demo.code == 0, "\(demo.err)")
        #expect(demo.out.contains("Messages sent per rule per month:"), "\(demo.out)")
        #expect(demo.out.contains("first-meeting"))
        cli.environment["MENTOR_NOTIFY_DB"] = cli.folder + "/demo/demo.db"
        let outbox = try cli.json(["outbox", "--json"])
        #expect(outbox.contains { ($0["status"] as? String) == "sent" })
        #expect(try cli.run(["demo", "--days", "0"]).code == 65)
    }
}
