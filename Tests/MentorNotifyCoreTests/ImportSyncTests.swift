import Foundation
import MentorStore
import Testing

/// The leader's spreadsheet is the master copy: imported again whenever it changes, it brings the
/// database in line and says what it did.
@Suite(.serialized) struct ImportSyncTests {
    /// A Danish Excel "CSV (semikolonsepareret)" file: Windows-1252, `;`, Danish headers written as a
    /// leader writes them, dates day first, and the `;;;;` rows Excel leaves behind.
    static func people(menteePhone: String) -> [UInt8] {
        let text =
            "Ref;Navn;Rolle;E-mail;Mobil;Fødselsdato;Kanaler;Sprog;Børneattest\r\n"
            + "m1;Søren Mikkelsen;Mentor;soren@example.dk;13 24 35 46;01-05-1970;e-mail;da;10.01.2026\r\n"
            + ";;;;;;;;\r\n"
            + "e1;Amira Hansen;mentee;;\(menteePhone);10/03/2004;sms;da;\r\n"
            + ";;;;;;;;\r\n"
        return text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
    }

    static let relationships = "Mentor;Mentee;Program;Start;Slut\r\nm1;e1;mentorshoppen;02-03-2026;\r\n"

    @Test func theSameFileTwiceChangesNothingAndAChangedPhoneIsExactlyThatChange() throws {
        let cli = CLIHarness()
        #expect(try cli.run(["init"]).code == 0)
        cli.write("people.csv", bytes: ImportSyncTests.people(menteePhone: "12 25 66 64"))
        let first = try cli.run(["import", "people", "people.csv"])
        #expect(first.code == 0, "\(first.err)")
        #expect(
            first.out == "people.csv: 2 added, 0 changed; 0 unchanged; 0 in the database but not in the file\n",
            "\(first.out)")
        #expect(first.err.contains("Windows-1252"))
        let people = try cli.json(["person", "list", "--json"])
        try #require(people.map { $0["name"] as? String } == ["Søren Mikkelsen", "Amira Hansen"])
        #expect(people[1]["birthdate"] as? String == "2004-03-10")
        #expect(people[1]["phone"] as? String == "+4512256664")

        let again = try cli.run(["import", "people", "people.csv"])
        #expect(
            again.out == "people.csv: 0 added, 0 changed; 2 unchanged; 0 in the database but not in the file\n",
            "\(again.out)\(again.err)")

        cli.write("rel.csv", ImportSyncTests.relationships)
        #expect(try cli.run(["import", "relationships", "rel.csv"]).out.hasPrefix("rel.csv: 1 added, 0 changed;"))
        let relAgain = try cli.run(["import", "relationships", "rel.csv"])
        #expect(relAgain.out.hasPrefix("rel.csv: 0 added, 0 changed; 1 unchanged;"), "\(relAgain.out)")

        // What we write opens in Danish Excel as it is, and reads back through our own reader.
        let report = try cli.run(["report", "hours", "--month", "2026-04", "--csv"])
        #expect(Array(report.out.utf8.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let written = try CSVFile(bytes: Array(report.out.utf8))
        #expect(written.separator == ";" && written.header.first == "relationship")
        #expect(
            written.records.map(\.fields) == [
                ["1", "mentorshoppen", "Søren Mikkelsen", "Amira Hansen", "0", "240", "below"]
            ])

        // One number changed in the sheet: a dry run says so and writes nothing, then the import does it.
        cli.write("people.csv", bytes: ImportSyncTests.people(menteePhone: "22 25 66 65"))
        let before = try cli.databaseDump()
        let dry = try cli.run(["import", "people", "people.csv", "--dry-run"])
        let expected = "people.csv: 0 added, 1 changed: mobil ×1; 1 unchanged; 0 in the database but not in the file"
        #expect(dry.out == expected + " (dry run: nothing written)\n", "\(dry.out)\(dry.err)")
        #expect(try cli.databaseDump() == before, "a dry run wrote")
        let changed = try cli.run(["import", "people", "people.csv"])
        #expect(changed.out == expected + "\n", "\(changed.out)\(changed.err)")
        #expect(try cli.json(["person", "list", "--json"]).last?["phone"] as? String == "+4522256665")

        // The next SMS goes to the new number.
        #expect(try cli.run(["tick", "--at", "2026-03-09T10:00"]).code == 0)
        #expect(try ImportSyncTests.smsNumbers(cli) == ["+4522256665"])
    }

    /// A message already waiting when the number changes goes to the new number: delivery reads the
    /// address from the person, not from the queued row.
    @Test func aWaitingSMSGoesToTheNumberImportedSinceItWasQueued() throws {
        let cli = CLIHarness()
        cli.write("sms-token", "token")
        chmod(cli.folder + "/sms-token", 0o600)
        // A gateway that does not answer: the reminder is queued and waits for a retry.
        cli.write(
            "config.json",
            """
            { "sms": { "provider": "gatewayapi", "url": "http://127.0.0.1:9/rest/mtsms", "sender": "Mentor",
                       "tokenFile": "\(cli.folder)/sms-token" },
              "programs": [ { "id": "mentorshoppen", "preset": "mentorshoppen" } ] }
            """)
        #expect(try cli.run(["init"]).code == 0)
        cli.write("people.csv", bytes: ImportSyncTests.people(menteePhone: "12 25 66 64"))
        #expect(try cli.run(["import", "people", "people.csv"]).code == 0)
        cli.write("rel.csv", ImportSyncTests.relationships)
        #expect(try cli.run(["import", "relationships", "rel.csv"]).code == 0)
        _ = try cli.run(["tick", "--at", "2026-03-09T10:00"])
        let waiting = try cli.json(["outbox", "--json"]).filter { ($0["channel"] as? String) == "sms" }
        try #require(waiting.count == 1 && waiting[0]["status"] as? String == "pending", "\(waiting)")

        cli.write("people.csv", bytes: ImportSyncTests.people(menteePhone: "22 25 66 65"))
        #expect(try cli.run(["import", "people", "people.csv"]).out.contains("1 changed: mobil ×1"))
        // The gateway is replaced by the spool; the retry goes out to the new number.
        cli.write("config.json", #"{ "programs": [ { "id": "mentorshoppen", "preset": "mentorshoppen" } ] }"#)
        #expect(try cli.run(["tick", "--at", "2026-03-09T12:00"]).code == 0)
        #expect(try ImportSyncTests.smsNumbers(cli) == ["+4522256665"])
    }

    static func smsNumbers(_ cli: CLIHarness) throws -> [String] {
        let spool = cli.folder + "/spool"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: spool))?.filter { $0.hasSuffix(".sms.json") }
        return try (names ?? []).sorted().map { name in
            let data = try #require(FileManager.default.contents(atPath: spool + "/" + name))
            let sms = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            return sms["to"] as? String ?? ""
        }
    }

    /// A column in the file sets its value, an empty cell clears it, a column not there leaves it;
    /// a forløb's end follows the file; people and forløb not in the file are counted, not deleted.
    @Test func columnsSetClearOrLeaveAndTheEndFollowsTheFile() throws {
        let cli = CLIHarness()
        #expect(try cli.run(["init"]).code == 0)
        cli.write(
            "people.csv",
            "ref;role;name;email;phone;birthdate\n"
                + "m1;mentor;Søren;soren@example.dk;13243546;1970-05-01\n"
                + "e1;mentee;Amira;amira@example.dk;12256664;2004-03-10\n"
                + "e2;mentee;Bo;bo@example.dk;;\n")
        #expect(try cli.run(["import", "people", "people.csv"]).out.contains("3 added"))
        // Without the phone column the phones stay; the birthdate cell emptied clears it; e2 left out.
        cli.write(
            "people.csv",
            "ref;role;name;email;birthdate\nm1;mentor;Søren;soren@example.dk;1970-05-01\n"
                + "e1;mentee;Amira;amira@example.dk;\n")
        let result = try cli.run(["import", "people", "people.csv"])
        #expect(
            result.out
                == "people.csv: 0 added, 1 changed: birthdate ×1; 1 unchanged; 1 in the database but not in the file\n"
                + "in the database but not in the file: e2\n", "\(result.out)\(result.err)")
        let people = try cli.json(["person", "list", "--json"])
        try #require(people.map { $0["phone"] as? String } == ["+4513243546", "+4512256664", nil])
        #expect(people[1]["birthdate"] == nil || people[1]["birthdate"] is NSNull)
        #expect(people.count == 3)

        cli.write("rel.csv", "mentor;mentee;program;start;slut\nm1;e1;symb;2026-03-01;01-09-2026\n")
        #expect(try cli.run(["import", "relationships", "rel.csv"]).out.contains("1 added"))
        cli.write("rel.csv", "mentor;mentee;program;start;slut\nm1;e1;symb;01.03.2026;01-10-2026\n")
        let moved = try cli.run(["import", "relationships", "rel.csv"])
        #expect(moved.out.hasPrefix("rel.csv: 0 added, 1 changed: slut ×1; 0 unchanged;"), "\(moved.out)\(moved.err)")
        let database = try Database(path: cli.folder + "/test.db")
        #expect(try database.scalarString("SELECT planned_end FROM relationship") == "2026-10-01")
        // An empty end says nothing about the end: it stays.
        cli.write("rel.csv", "mentor;mentee;program;start;slut\nm1;e1;symb;2026-03-01;\n")
        #expect(try cli.run(["import", "relationships", "rel.csv"]).out.hasPrefix("rel.csv: 0 added, 0 changed; 1"))
        #expect(try database.scalarString("SELECT planned_end FROM relationship") == "2026-10-01")
        // Ended early: the sheet may give the day it ended (no change), not another end.
        #expect(try cli.run(["end", "1", "--date", "2026-06-01"]).code == 0)
        cli.write("rel.csv", "mentor;mentee;program;start;slut\nm1;e1;symb;2026-03-01;01-06-2026\n")
        #expect(try cli.run(["import", "relationships", "rel.csv"]).out.hasPrefix("rel.csv: 0 added, 0 changed; 1"))
        cli.write("rel.csv", "mentor;mentee;program;start;slut\nm1;e1;symb;2026-03-01;01-11-2026\n")
        let reopened = try cli.run(["import", "relationships", "rel.csv"])
        #expect(reopened.code == 65)
        #expect(reopened.err.contains("rel.csv:2: end: forløb 1 was ended on 2026-06-01"), "\(reopened.err)")
    }

    /// Two real meetings of the same length on one day are two rows; the file's multiset is what is kept.
    @Test func contactsCountTheirDuplicates() throws {
        let cli = CLIHarness()
        _ = try cli.forloeb()
        #expect(try cli.run(["person", "list"]).code == 0)
        let database = try Database(path: cli.folder + "/test.db")
        try database.run("UPDATE person SET ref = 'm1' WHERE id = 1")
        try database.run("UPDATE person SET ref = 'e1' WHERE id = 2")
        let rows = "dato;minutter;type;mentor;mentee\n05-04-2026;60;meeting;m1;e1\n05-04-2026;60;meeting;m1;e1\n"
        cli.write("c.csv", rows)
        #expect(try cli.run(["import", "contacts", "c.csv"]).out.hasPrefix("c.csv: 2 added, 0 changed; 0 unchanged;"))
        cli.write("c.csv", rows + "05-04-2026;60;meeting;m1;e1\n")
        let third = try cli.run(["import", "contacts", "c.csv"])
        #expect(
            third.out == "c.csv: 1 added, 0 changed; 2 unchanged; 0 in the database but not in the file\n",
            "\(third.out)\(third.err)")
        cli.write("c.csv", "dato;minutter;mentor;mentee\n05-04-2026;60;m1;e1\n")
        #expect(
            try cli.run(["import", "contacts", "c.csv"]).out
                == "c.csv: 0 added, 0 changed; 1 unchanged; 2 in the database but not in the file\n")
    }

    /// `--force` names each row and the rule it overrode; without it the row is refused with its line.
    @Test func forceNamesEachRowAndRuleItOverrode() throws {
        let cli = CLIHarness()
        #expect(try cli.run(["init"]).code == 0)
        cli.write(
            "people.csv",
            "ref;role;name;email;birthdate\nm1;mentor;Søren;soren@example.dk;1970-05-01\n"
                + "e1;mentee;Amira;amira@example.dk;2004-03-10\n")
        #expect(try cli.run(["import", "people", "people.csv"]).code == 0)
        cli.write("rel.csv", "mentor_ref;mentee_ref;program;start\nm1;e1;mentorshoppen;2026-03-02\n")
        let refused = try cli.run(["import", "relationships", "rel.csv", "--dry-run"])
        #expect(refused.code == 65)
        #expect(
            refused.err.hasPrefix("mentor-notify: rel.csv:2: match: mentorshoppen does not allow"), "\(refused.err)")
        let forced = try cli.run(["import", "relationships", "rel.csv", "--force"])
        #expect(forced.code == 0, "\(forced.err)")
        #expect(forced.err.contains("rel.csv:2: matched despite mentorshoppen's rules: "), "\(forced.err)")
        #expect(forced.out.hasPrefix("rel.csv: 1 added"))
    }

    /// A dry run checks every row as the import would: a bad row is refused with its line.
    @Test func aDryRunStillRefusesABadRow() throws {
        let cli = CLIHarness()
        #expect(try cli.run(["init"]).code == 0)
        cli.write("people.csv", "navn;rolle;ref;fødselsdato;e-mail\nBo;mentee;e1;31-02-2004;bo@example.dk\n")
        let result = try cli.run(["import", "people", "people.csv", "--dry-run"])
        #expect(result.code == 65)
        #expect(result.err.contains("people.csv:2: birthdate: '31-02-2004' is not a date: February 2004 has no day 31"))
    }
}
