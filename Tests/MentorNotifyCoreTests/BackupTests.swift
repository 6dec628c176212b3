import Foundation
import HTTPServer
import MentorModel
import Notifier
import Testing

@testable import MentorNotifyCore
@testable import MentorStore

/// SPEC.md "Backups: nothing lost when the disk dies": `backup`, `restore`, the age in `status`
/// and `/healthz`, and what `forget` says about copies that still hold a person.
@Suite(.serialized) struct BackupTests {
    /// The workflow config with a `backup` section: copies go to ./backups, `keep` of them stay.
    static func config(keep: Int = 14) -> String {
        ConfigTests.valid.replacingOccurrences(
            of: "\"spool\": \"./out\",",
            with: "\"spool\": \"./out\", \"backup\": { \"dir\": \"./backups\", \"keep\": \(keep) },")
    }

    func prepared(keep: Int = 14) throws -> CLIHarness {
        let cli = CLIHarness()
        cli.write("config.json", BackupTests.config(keep: keep))
        _ = try cli.forloeb(program: "holstebro")
        return cli
    }

    func copies(_ cli: CLIHarness) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: cli.folder + "/backups")) ?? []).sorted()
    }

    /// `--at` for a moment `days` before now, in the config's zone (minutes: `--at` has no seconds).
    static func at(daysAgo days: Double) -> String {
        let moment = Int64(Date().timeIntervalSince1970 - days * 86_400)
        return String(Zone.copenhagen.iso8601(moment).prefix(16))
    }

    @Test func aBackupIsNamedInUTCForItsMomentAndPrintsItsPath() throws {
        let cli = try prepared()
        // 10:30 in Copenhagen in winter is 09:30 UTC.
        let result = try cli.run(["backup", "--at", "2026-12-01T10:30"])
        #expect(result.code == 0, "\(result.err)")
        let path = cli.folder + "/backups/mentor-notify-20261201-093000.db"
        #expect(result.out == "./backups/mentor-notify-20261201-093000.db\n" || result.out == path + "\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o640)
        #expect(copies(cli) == ["mentor-notify-20261201-093000.db"])
        // A copy of the same second is refused, never written over.
        let again = try cli.run(["backup", "--at", "2026-12-01T10:30"])
        #expect(again.code == 74)
        #expect(again.err.contains("exists already"))
    }

    @Test func pruningKeepsTheNewestKeepCopiesAndTouchesNothingElse() throws {
        let cli = try prepared(keep: 3)
        try FileManager.default.createDirectory(atPath: cli.folder + "/backups", withIntermediateDirectories: true)
        cli.write("backups/notes.txt", "the board's notes")
        cli.write("backups/mentor-notify-old.db", "not ours")
        // What a backup killed midway left: removed once it is a day old, never younger.
        cli.write("backups/.mentor-notify-20261030-030000.db.0123456789abcdef.tmp", "")
        cli.write("backups/.mentor-notify-20261031-030000.db.0123456789abcdef.tmp", "")
        try FileManager.default.setAttributes(
            [.modificationDate: Date().addingTimeInterval(-2 * 86_400)],
            ofItemAtPath: cli.folder + "/backups/.mentor-notify-20261030-030000.db.0123456789abcdef.tmp")
        for day in 1...5 {
            let result = try cli.run(["backup", "--at", "2026-11-0\(day)T04:00"])
            #expect(result.code == 0, "\(result.err)")
        }
        #expect(
            copies(cli) == [
                ".mentor-notify-20261031-030000.db.0123456789abcdef.tmp", "mentor-notify-20261103-030000.db",
                "mentor-notify-20261104-030000.db", "mentor-notify-20261105-030000.db", "mentor-notify-old.db",
                "notes.txt",
            ])
        // A copy dated before the others is kept while it is the one just taken, and goes next.
        #expect(try cli.run(["backup", "--at", "2026-10-01T04:00"]).code == 0)
        #expect(copies(cli).filter { $0.hasSuffix("0000.db") }.count == 4)
        #expect(try cli.run(["backup", "--at", "2026-11-06T04:00"]).code == 0)
        #expect(
            copies(cli).filter { $0.hasSuffix("0000.db") } == [
                "mentor-notify-20261104-030000.db", "mentor-notify-20261105-030000.db",
                "mentor-notify-20261106-030000.db",
            ])
    }

    @Test func restoreKeepsTheCurrentDatabaseBesideItAndBringsTheCopyBack() throws {
        let cli = try prepared()
        let backup = try cli.run(["backup", "--at", "2026-12-01T10:00"])
        #expect(backup.code == 0, "\(backup.err)")
        let file = cli.folder + "/backups/mentor-notify-20261201-090000.db"
        let copied = try cli.databaseDump()
        let later = try cli.create([
            "person", "add", "--role", "mentee", "--name", "Later Person", "--email", "later@example.dk",
        ])
        // A writer killed with its last commit still in the WAL: the kept database must hold it.
        let database = cli.folder + "/test.db"
        try python(
            "import sqlite3, os; c = sqlite3.connect('\(database)'); c.execute('PRAGMA wal_autocheckpoint = 0'); "
                + "c.execute(\"INSERT INTO meta (key, value) VALUES ('in-wal', 'yes')\"); c.commit(); os.kill(os.getpid(), 9)"
        )
        var info = stat()
        #expect(stat(database + "-wal", &info) == 0 && info.st_size > 0)
        let restored = try cli.run(["restore", file])
        #expect(restored.code == 0, "\(restored.err)")
        #expect(restored.out.contains("test.db.before-restore"))
        let aside = try Database(path: database + ".before-restore")
        #expect(try aside.scalarInt("SELECT count(*) FROM person WHERE id = ?", [later]) == 1)
        #expect(try aside.scalarString("SELECT value FROM meta WHERE key = 'in-wal'") == "yes")
        let now = try Database(path: database)
        #expect(try now.scalarInt("SELECT count(*) FROM person WHERE id = ?", [later]) == 0)
        #expect(try now.scalarString("SELECT value FROM meta WHERE key = 'in-wal'") == nil)
        // The audit log of the restored database says who restored it; the rest is the copy.
        #expect(try now.scalarString("SELECT command FROM audit ORDER BY id DESC LIMIT 1") == "restore")
        try now.execute("DELETE FROM audit WHERE command = 'restore'")
        #expect(try cli.databaseDump() == copied)
        // A second restore would lose the database kept by the first: refused until it is moved.
        let second = try cli.run(["restore", file])
        #expect(second.code == 74)
        #expect(second.err.contains("move it somewhere safe"))
    }

    @Test func aDamagedCopyIsRefusedAndTheDatabaseStaysAsItWas() throws {
        let cli = try prepared()
        #expect(try cli.run(["backup", "--at", "2026-12-01T10:00"]).code == 0)
        let file = cli.folder + "/backups/mentor-notify-20261201-090000.db"
        // Garbage over the pages after the first: the b-trees no longer hold together.
        let handle = try #require(FileHandle(forUpdatingAtPath: file))
        let size = try handle.seekToEnd()
        for page in stride(from: UInt64(4096), to: size, by: 8192) {
            try handle.seek(toOffset: page + 16)
            handle.write(Data(repeating: 0xA5, count: 3000))
        }
        try handle.close()
        let before = try cli.databaseDump()
        let result = try cli.run(["restore", file])
        #expect(result.code == 65, "\(result.out) \(result.err)")
        #expect(result.err.contains("integrity") || result.err.contains("damaged"), "\(result.err)")
        #expect(try cli.databaseDump() == before)
        #expect(!FileManager.default.fileExists(atPath: cli.folder + "/test.db.before-restore"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: cli.folder).filter {
            $0.contains("restore")
        }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    @Test func aCopyFromANewerVersionIsRefusedSayingWhatToDo() throws {
        let cli = try prepared()
        #expect(try cli.run(["backup", "--at", "2026-12-01T10:00"]).code == 0)
        let file = cli.folder + "/backups/mentor-notify-20261201-090000.db"
        try python(
            "import sqlite3; c = sqlite3.connect('\(file)'); "
                + "c.execute(\"INSERT INTO schema_migrations VALUES ('999-future', '2027-01-01')\"); c.commit()")
        let before = try cli.databaseDump()
        let result = try cli.run(["restore", file])
        #expect(result.code == 65)
        #expect(result.err.contains("newer mentor-notify"))
        #expect(result.err.contains("999-future"))
        #expect(try cli.databaseDump() == before)
    }

    @Test func restoreIsRefusedWhileTheDaemonRuns() throws {
        let cli = try prepared()
        #expect(try cli.run(["backup", "--at", "2026-12-01T10:00"]).code == 0)
        let file = cli.folder + "/backups/mentor-notify-20261201-090000.db"
        let notify = try DaemonTests.NotifySocket(folder: cli.folder)
        let daemon = try DaemonTests.Daemon(cli, socket: notify.path)
        #expect(notify.read(for: 15) { $0.contains("READY=1") }.contains { $0.contains("READY=1") })
        // The daemon's backup of the same moment runs beside it.
        #expect(try cli.run(["backup"]).code == 0)
        let refused = try cli.run(["restore", file])
        #expect(refused.code == 75)
        #expect(refused.err.contains("stop it first"))
        #expect(!FileManager.default.fileExists(atPath: cli.folder + "/test.db.before-restore"))
        kill(daemon.process.processIdentifier, SIGTERM)
        #expect(daemon.exit(within: 10) == 0)
        let restored = try cli.run(["restore", file])
        #expect(restored.code == 0, "\(restored.err)")
    }

    @Test func statusSaysTheNewestBackupsAgeAndFailsWhenItIsOlderThanTwoDays() throws {
        let cli = CLIHarness()
        cli.write("config.json", BackupTests.config())
        #expect(try cli.run(["init"]).code == 0)
        #expect(try cli.run(["tick"]).code == 0)
        let none = try cli.run(["status"])
        #expect(none.code == 1)
        #expect(none.err.contains("no backup in ./backups yet"), "\(none.err)")
        #expect(try cli.run(["backup", "--at", BackupTests.at(daysAgo: 2.2)]).code == 0)
        let old = try cli.run(["status"])
        #expect(old.code == 1)
        #expect(old.err.contains("is 2 d 4 h old (more than 2 days)"), "\(old.err)")
        #expect(try cli.run(["backup", "--at", BackupTests.at(daysAgo: 1.5)]).code == 0)
        let fresh = try cli.run(["status"])
        #expect(fresh.code == 0, "\(fresh.err)")
        #expect(fresh.out.contains("backup:         "), "\(fresh.out)")
        #expect(fresh.out.contains("(36 h ago) in ./backups"), "\(fresh.out)")
        let json = try JSONSerialization.jsonObject(with: Data(try cli.run(["status", "--json"]).out.utf8))
        let backup = try #require((json as? [String: Any])?["backup"] as? [String: Any])
        #expect((backup["ageSeconds"] as? Int).map { abs($0 - 129_600) < 120 } == true)
        // Without a `backup` section nothing is judged.
        cli.write("config.json", ConfigTests.valid)
        #expect(try cli.run(["status"]).code == 0)
    }

    @Test func theAgeIsJudgedTheSameAtAnyMoment() {
        let taken: Int64 = 1_796_000_000
        for (after, fails) in [(Int64(0), false), (86_400, false), (172_800, false), (172_801, true), (900_000, true)] {
            let age = BackupAge(folder: "/b", newest: taken, now: taken + after)
            #expect((age.failure != nil) == fails, "\(after)")
            var report = StatusReport(
                summary: OutboxSummary(counts: [:], oldestPending: nil, nextDue: nil), held: [], problems: [],
                fresh: true, maxAgeMinutes: 10)
            report.backup = age
            #expect(report.healthy == !fails)
        }
        // A copy dated after the moment (a clock set back) is not old.
        #expect(BackupAge(folder: "/b", newest: taken + 3600, now: taken).failure == nil)
        #expect(BackupAge(folder: "/b", newest: nil, now: taken).failure?.contains("no backup") == true)
    }

    @Test func healthzSaysTheSameAsStatusAtTheEndpointsClock() throws {
        let cli = CLIHarness()
        let store = try Store(path: cli.folder + "/web.db")
        let now = Int64(Date().timeIntervalSince1970)
        try store.setMeta(CycleMarks.ranAt, String(now))
        try store.setMeta(CycleMarks.plannedAt, String(now))
        try FileManager.default.createDirectory(atPath: cli.folder + "/backups", withIntermediateDirectories: true)
        let taken: Int64 = 1_796_000_000
        cli.write("backups/" + BackupFolder.name(at: taken), "")
        var config = Config.builtIn()
        config.backup = BackupSettings()
        config.backup?.dir = cli.folder + "/backups"
        let catalog = try TemplateCatalog.load(
            directory: CLIHarness.repository.appendingPathComponent("templates").path)
        func health(at moment: Int64) -> (Int, String) {
            let endpoint = WebEndpoint(
                databasePath: cli.folder + "/web.db", config: config, catalog: catalog, logger: Logger(level: .error),
                clock: { moment })
            let response = endpoint.handle(
                HTTPRequest(method: "GET", path: "/healthz", query: "", version: "HTTP/1.1", headers: [], body: []))
            return (response.status, String(decoding: response.body, as: UTF8.self))
        }
        #expect(health(at: taken + 86_400) == (200, "ok\n"))
        let (status, body) = health(at: taken + 3 * 86_400)
        #expect(status == 503)
        #expect(body.contains("is 3 d 0 h old (more than 2 days)"), "\(body)")
    }

    @Test func forgetNamesTheBackupsThatStillHoldThePersonAndTheDayTheLastGoes() throws {
        let cli = CLIHarness()
        cli.write("config.json", BackupTests.config(keep: 3))
        let (_, mentee, _) = try cli.forloeb(program: "holstebro")
        #expect(try cli.run(["backup", "--at", BackupTests.at(daysAgo: 1)]).code == 0)
        #expect(try cli.run(["backup", "--at", BackupTests.at(daysAgo: 0.01)]).code == 0)
        let names = copies(cli)
        let forgotten = try cli.run(["forget", String(mentee)])
        #expect(forgotten.code == 0, "\(forgotten.err)")
        #expect(
            forgotten.out.contains(
                "backups in ./backups that still hold person \(mentee): \(names.joined(separator: ", "))"))
        // Two copies, keep 3: the newer of them goes with the third backup from now, one a day.
        let day = Zone.copenhagen.local(Int64(Date().timeIntervalSince1970)).date.adding(days: 3)
        #expect(
            forgotten.out.contains("removed on \(day) by the backup made that day (3 more backups"), "\(forgotten.out)")
        // A copy made after `forget` does not hold them.
        #expect(try cli.run(["backup"]).code == 0)
        let newest = try #require(copies(cli).last)
        #expect(
            OnlineBackup.holds(
                cli.folder + "/backups/" + newest, "SELECT count(*) FROM person WHERE id = ? AND forgotten_at IS NULL",
                Int64(mentee)) == false)
    }

    /// A database of the previous package (0.2.0: migrations up to 004-replies), with a forløb and
    /// a message sent: restored, it is migrated, keeps what it held, and runs a cycle.
    @Test func aCopyFromThePreviousVersionIsMigratedOnRestoreAndWorks() throws {
        let cli = CLIHarness()
        cli.write("config.json", ConfigTests.valid)
        let old = cli.folder + "/old.db"
        do {
            let database = try Database(path: old)
            try Schema.migrator.migrate(database, upTo: "004-replies")
            try database.execute(
                """
                INSERT INTO person (id, role, name, email, channels) VALUES (1, 'mentor', 'Søren Mikkelsen', 'soren@example.dk', 'email');
                INSERT INTO person (id, role, name, email, channels) VALUES (2, 'mentee', 'Amira Hansen', 'amira@example.dk', 'email');
                INSERT INTO relationship (id, mentor_id, mentee_id, program, start_date, planned_end)
                    VALUES (1, 1, 2, 'holstebro', '2026-03-02', '2027-03-02');
                INSERT INTO outbox (key, channel, rule, role, recipient, program, relationship_id, subject, body, status,
                    attempts, not_before, sent_at, created_at, updated_at)
                    VALUES ('first-meeting:1:mentee:0', 'email', 'first-meeting', 'mentee', 2, 'holstebro', 1, 'Hej',
                    'Hej Amira', 'sent', 1, 1772442000, 1772442060, 1772442000, 1772442060);
                """)
        }
        #expect(try OnlineBackup.migrations(of: old).last == "004-replies")
        let restored = try cli.run(["restore", old])
        #expect(restored.code == 0, "\(restored.err)")
        #expect(restored.out.contains("\(Schema.migrator.migrations.count - 4) migrations applied"), "\(restored.out)")
        let outbox = try cli.json(["outbox", "--json"])
        #expect(outbox.count == 1)
        #expect(outbox.first?["status"] as? String == "sent")
        #expect(try cli.run(["person", "list"]).out.contains("Amira Hansen"))
        #expect(try cli.run(["tick", "--at", "2026-03-09T10:00"]).code == 0)
        // What was sent before stays sent, once.
        let sent = try cli.json(["outbox", "--json"]).filter { $0["key"] as? String == "first-meeting:1:mentee:0" }
        #expect(sent.count == 1)
        #expect(sent.first?["status"] as? String == "sent")
        #expect(sent.first?["attempts"] as? Int == 1)
        #expect(try cli.run(["check"]).code == 0)
    }

    func python(_ program: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", program]
        try process.run()
        process.waitUntilExit()
    }
}
