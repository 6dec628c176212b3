import Foundation
import MentorStore
import Testing

/// `forget` sticks: the leader's sheet, imported again while it still holds the forgotten person's
/// row, does not bring them back, and nothing more is sent to or about them.
@Suite(.serialized) struct ForgottenRefTests {
    static let ref = "amira.h-2004"
    static let people =
        "ref;name;role;email;phone;birthdate;certificate\r\n"
        + "m1;Søren Mikkelsen;mentor;soren@example.dk;;1970-05-01;2026-01-10\r\n"
        + "\(ref);Amira Hansen;mentee;amira@example.dk;12 25 66 64;2004-03-10;\r\n"
    static let relationships = "mentor_ref;mentee_ref;program;start;end\r\nm1;\(ref);mentorshoppen;2026-03-02;\r\n"
    static let contacts = "mentor_ref;mentee_ref;date;minutes\r\nm1;\(ref);2026-03-05;60\r\n"

    /// The spool files that name the mentee or reach her.
    static func spoolAboutHer(_ cli: CLIHarness) throws -> [String] {
        let spool = cli.folder + "/spool"
        return try FileManager.default.contentsOfDirectory(atPath: spool).filter { name in
            let data = FileManager.default.contents(atPath: spool + "/" + name) ?? Data()
            return ["Amira", "amira@example.dk", "4512256664"].contains { data.range(of: Data($0.utf8)) != nil }
        }
    }

    @Test func theSheetImportedAgainAfterForgetDoesNotBringHerBack() throws {
        let cli = CLIHarness()
        #expect(try cli.run(["init"]).code == 0)
        cli.write("people.csv", ForgottenRefTests.people)
        cli.write("rel.csv", ForgottenRefTests.relationships)
        #expect(try cli.run(["import", "people", "people.csv"]).out.hasPrefix("people.csv: 2 added,"))
        let rel = try cli.run(["import", "relationships", "rel.csv"])
        try #require(rel.out.hasPrefix("rel.csv: 1 added,"), "\(rel.out)\(rel.err)")
        #expect(try cli.run(["tick", "--at", "2026-03-09T10:00"]).code == 0)
        try #require(!(try ForgottenRefTests.spoolAboutHer(cli)).isEmpty, "messages went to her")

        let mentee = try #require(try cli.json(["person", "list", "--json"]).last?["id"] as? Int)
        #expect(try cli.run(["forget", String(mentee)]).code == 0)
        #expect(try ForgottenRefTests.spoolAboutHer(cli).isEmpty)

        // The sheet is behind: her row is skipped, named, and the rest of the import goes on.
        let skipped = "1 forgotten (skipped: ref \(ForgottenRefTests.ref) — remove the row from the sheet)"
        let peopleSummary =
            "people.csv: 0 added, 0 changed; 1 unchanged; 0 in the database but not in the file; \(skipped)"
        let dry = try cli.run(["import", "people", "people.csv", "--dry-run"])
        #expect(dry.code == 0 && dry.out == peopleSummary + " (dry run: nothing written)\n", "\(dry.out)\(dry.err)")
        let again = try cli.run(["import", "people", "people.csv"])
        #expect(again.code == 0 && again.out == peopleSummary + "\n", "\(again.out)\(again.err)")
        #expect(
            again.err.contains("people.csv:3: ref \(ForgottenRefTests.ref) belonged to a person who was forgotten"),
            "\(again.err)")
        let relAgain = try cli.run(["import", "relationships", "rel.csv"])
        #expect(
            relAgain.code == 0
                && relAgain.out
                    == "rel.csv: 0 added, 0 changed; 0 unchanged; 0 in the database but not in the file; \(skipped)\n",
            "\(relAgain.out)\(relAgain.err)")
        #expect(relAgain.err.contains("rel.csv:2: ref \(ForgottenRefTests.ref) belonged"), "\(relAgain.err)")
        cli.write("contacts.csv", ForgottenRefTests.contacts)
        let contacts = try cli.run(["import", "contacts", "contacts.csv"])
        #expect(
            contacts.code == 0 && contacts.out.hasPrefix("contacts.csv: 0 added,"), "\(contacts.out)\(contacts.err)")
        #expect(contacts.out.contains(skipped), "\(contacts.out)")

        let store = try Store(path: cli.folder + "/test.db")
        #expect(try store.people().count == 2)
        #expect(try store.relationships().count == 1)
        #expect(try store.personID(ref: ForgottenRefTests.ref) == nil)

        // The next ticks send nothing to her or about her.
        for at in ["2026-03-16T10:00", "2026-04-06T10:00", "2026-06-01T10:00"] {
            #expect(try cli.run(["tick", "--at", at]).code == 0)
        }
        #expect(try ForgottenRefTests.spoolAboutHer(cli).isEmpty)

        // The ref is recognised, never kept: not in the database file or its -wal.
        for file in ["test.db", "test.db-wal"] {
            let data = FileManager.default.contents(atPath: cli.folder + "/" + file) ?? Data()
            #expect(data.range(of: Data(ForgottenRefTests.ref.utf8)) == nil, "the ref in \(file)")
        }

        // Adding her again by that ref is refused; a different ref is the deliberate way.
        let add = try cli.run([
            "person", "add", "--role", "mentee", "--name", "Amira Hansen", "--email", "amira@example.dk", "--ref",
            ForgottenRefTests.ref,
        ])
        #expect(add.code == 65, "\(add.out)\(add.err)")
        #expect(add.err.contains("was forgotten") && add.err.contains("different ref"), "\(add.err)")
        let deliberate = try cli.run([
            "person", "add", "--role", "mentee", "--name", "Amira Hansen", "--email", "amira@example.dk", "--ref",
            "amira.h-2027",
        ])
        #expect(deliberate.code == 0, "\(deliberate.err)")
    }
}
