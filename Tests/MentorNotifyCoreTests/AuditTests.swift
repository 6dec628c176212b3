import Foundation
import MentorModel
import MentorStore
import Notifier
import TestSupport
import Testing

@testable import MentorNotifyCore

/// The audit log: every command that changes data leaves one row with who, what and which ids,
/// and never a value.
@Suite struct AuditTests {
    /// A command added to the table without deciding whether it changes data fails here.
    @Test func everyCommandIsDecidedAsChangingDataOrNot() {
        for name in CLI.commands.keys.sorted() {
            #expect(AuditLog.effects[name] != nil, "\(name): add it to AuditLog.effects (does it change data?)")
        }
        #expect(AuditLog.effects["tick"] == AuditLog.Effect.none)
        #expect(AuditLog.effects["run"] == AuditLog.Effect.none)
        #expect(AuditLog.effects["person add"] == .creates)
        #expect(AuditLog.effects["forget"] == .changes)
    }

    /// The hook on its own, with handlers that stand for commands not written yet: a created id is
    /// the last line printed, a dry run and a read are not recorded, a failure is not.
    @Test func theHookNeedsNothingFromAHandler() throws {
        let scratch = Scratch()
        let path = scratch.path + "/a.db"
        let store = try Store(path: path)
        let context = try Context(
            databaseOption: path, configOption: nil, logger: Logger(level: .error, sink: { _ in }),
            output: Output(out: FileHandle(forWritingAtPath: "/dev/null")!), environment: [:])
        func parse(_ context: Context, _ words: [String]) throws {
            _ = try Arguments(words, command: "x", options: ["person", "minutes"], switches: ["dry-run"])
        }
        try AuditLog.run("reminder add", ["--person", "7", "--minutes", "90"], context: context) { context, words in
            try parse(context, words)
            context.output.line("a line before the id")
            context.output.line("31")
        }
        try AuditLog.run("import", ["people", "2024.csv", "--dry-run"], context: context, handler: parse)
        try AuditLog.run("person list", ["--person", "7"], context: context, handler: parse)
        #expect(throws: CLIError.self) {
            try AuditLog.run("person edit", ["12"], context: context) { context, words in
                try parse(context, words)
                throw CLIError(.dataError, "refused")
            }
        }
        // A number printed by a command that changes but creates nothing is no id of it.
        try AuditLog.run("outbox retry", ["5"], context: context) { context, words in
            try parse(context, words)
            context.output.line("5")
        }
        let rows = try store.audit(since: 0).map { "\($0.command) \($0.ids)" }
        #expect(rows == ["reminder add [7, 31]", "outbox retry [5]"])
    }

    @Test func theActorIsThePersonBehindSudo() {
        #expect(AuditLog.actor(sudo: "karin", uid: 0, user: "root") == "karin")
        #expect(AuditLog.actor(sudo: nil, uid: 0, user: "root") == "root")
        #expect(AuditLog.actor(sudo: "karin", uid: 998, user: "mentor-notify") == "karin as mentor-notify")
        #expect(AuditLog.actor(sudo: "karin", uid: 1000, user: "karin") == "karin")
        #expect(AuditLog.actor(sudo: nil, uid: 1000, user: "karin") == "karin")
        #expect(AuditLog.actor(sudo: "", uid: 1234, user: nil) == "uid:1234")
        #expect(AuditLog.actor(sudo: "a b\u{7}c", uid: 0, user: "root") == "abc")
        #expect(AuditLog.actor(sudo: String(repeating: "x", count: 500), uid: 0, user: "root").count == 64)
    }

    @Test func aSequenceOfCommandsLeavesItsRowsWithIdsOnly() throws {
        let cli = CLIHarness()
        cli.environment["SUDO_USER"] = "leder"
        let user = getpwuid(geteuid()).map { String(cString: $0.pointee.pw_name) } ?? "?"
        // Root through sudo is the user behind it; the service user through sudo is both.
        let actor = geteuid() == 0 ? "leder" : "leder as \(user)"
        #expect(try cli.run(["init"]).code == 0)
        let mentor = try cli.create([
            "person", "add", "--role", "mentor", "--name", "Søren Mikkelsen", "--email", "soren@example.dk",
            "--birthdate", "1970-05-01", "--certificate", "2026-01-10",
        ])
        let mentee = try cli.create([
            "person", "add", "--role", "mentee", "--name", "Amira Hansen", "--phone", "12 25 66 64",
            "--birthdate", "2004-03-10",
        ])
        let forloeb = try cli.create([
            "match", "--mentor", String(mentor), "--mentee", String(mentee), "--program", "mentorshoppen",
            "--start", "2026-03-02",
        ])
        let contact = try cli.create(["contact", String(forloeb), "--date", "2026-03-10", "--minutes", "95"])
        let meeting = try cli.create([
            "meeting", String(forloeb), "--at", "2026-09-17T16:30", "--place", "Biblioteket Vesterbro",
        ])
        let reminder = try cli.create([
            "reminder", "add", "--person", String(mentee), "--time", "07:15", "--days", "mon,tue",
            "--text", "Godmorgen Amira",
        ])
        // Reading changes nothing and a failed command changed nothing: neither is recorded.
        #expect(try cli.run(["person", "list"]).code == 0)
        #expect(try cli.run(["plan", "--at", "2026-03-20T10:00"]).code == 0)
        #expect(try cli.run(["contact", String(forloeb), "--date", "2026-03-11", "--minutes", "9000"]).code == 65)
        #expect(try cli.run(["person", "opt-out", "999", "--channel", "sms"]).code != 0)
        #expect(try cli.run(["person", "opt-out", String(mentee), "--channel", "sms"]).code == 0)
        #expect(try cli.run(["forget", String(mentee)]).code == 0)

        let rows = try cli.json(["audit", "--json"])
        let seen = rows.map { ($0["command"] as? String ?? "", (($0["ids"] as? [Int]) ?? []).map(Int64.init)) }
        let expected: [(String, [Int64])] = [
            ("person add", [mentor]), ("person add", [mentee]), ("match", [mentor, mentee, forloeb]),
            ("contact", [forloeb, contact]), ("meeting", [forloeb, meeting]), ("reminder add", [mentee, reminder]),
            ("person opt-out", [mentee]), ("forget", [mentee]),
        ]
        #expect(seen.map(\.0) == expected.map(\.0))
        #expect(seen.map(\.1) == expected.map(\.1))
        #expect(rows.allSatisfy { $0["actor"] as? String == actor }, "\(rows)")

        // No value in the table: beside the time, every column is the actor, a command's name or ids.
        let store = try Store(path: cli.folder + "/test.db")
        let stored = try store.database.query("SELECT actor, command, ids FROM audit") {
            [$0.string(0), $0.string(1), $0.string(2)]
        }
        #expect(stored.count == expected.count)
        let text = stored.flatMap { $0 }.joined(separator: "|")
        for value in [
            "Søren", "Amira", "soren@example.dk", "12 25 66 64", "4512256664", "1970-05-01", "2026-03-10", "95",
            "Biblioteket", "07:15", "Godmorgen", "mentorshoppen", "2026-09-17",
        ] {
            #expect(!text.contains(value), "\(value) in the audit table: \(text)")
        }
        for row in stored {
            #expect(row[2].allSatisfy { $0.isNumber || $0 == "," })
            #expect(AuditLog.effects[row[1]] != nil)
        }
        let table = try cli.run(["audit", "--days", "1"])
        #expect(table.out.contains("person opt-out"), "\(table.out)")
        #expect(try cli.run(["audit", "--days", "0"]).code == 65)
    }

    /// An import and a café cancellation name what they touched, which their arguments do not:
    /// the kind and the ids added or changed, the program and the evening. Still no value.
    @Test func anImportAndACafeCancellationSayWhatTheyTouched() throws {
        let cli = try IdempotentInputTests.pairImported()
        cli.write("c.csv", "mentor_ref,mentee_ref,date,minutes\nm1,e1,2026-04-05,60\nm1,e1,2026-04-12,90\n")
        #expect(try cli.run(["import", "contacts", "c.csv"]).code == 0)
        // The same file again changes nothing and names nothing; a dry run is not recorded.
        #expect(try cli.run(["import", "contacts", "c.csv"]).code == 0)
        #expect(try cli.run(["import", "contacts", "c.csv", "--dry-run"]).code == 0)
        #expect(try cli.run(["cafe", "add", "--program", "mentorshoppen", "--at", "2031-05-06T18:00"]).code == 0)
        let cancel = try cli.run(["cafe", "cancel", "--program", "mentorshoppen", "--at", "2031-05-06T18:00"])
        #expect(cancel.code == 0, "\(cancel.err)")

        let store = try Store(path: cli.folder + "/test.db")
        let people = try store.people().map(\.id).sorted()
        let forloeb = try store.relationships().map(\.id)
        let contacts = try store.contacts(relationship: forloeb[0]).map(\.id).sorted()
        let rows = try cli.json(["audit", "--json"]).map {
            "\($0["command"] as? String ?? "") \(($0["keys"] as? [String]) ?? []) \(($0["ids"] as? [Int]) ?? [])"
        }
        #expect(rows.count == 6, "\(rows)")
        #expect(rows.first == "import [\"people\"] \(people)", "\(rows)")
        #expect(rows.dropFirst().first == "import [\"relationships\"] \(forloeb)", "\(rows)")
        #expect(rows.dropFirst(2).first == "import [\"contacts\"] \(contacts)", "\(rows)")
        #expect(rows.dropFirst(3).first == "import [\"contacts\"] []", "\(rows)")
        #expect(rows.last == "cafe cancel [\"mentorshoppen\", \"2031-05-06T18:00\"] []", "\(rows)")
        let table = try cli.run(["audit"])
        #expect(table.out.contains("mentorshoppen,2031-05-06T18:00"), "\(table.out)")
    }
}
