import Foundation
import MentorModel
import MentorStore
import Testing

/// Every kind of bad input is refused with its line and reason, and the database is unchanged.
@Suite(.serialized) struct BadInputTests {
    static let people =
        "ref;role;name;email;phone;birthdate;channels;lang;certificate\n"
        + "m1;mentor;Søren Mikkelsen;soren@example.dk;13 24 35 46;1970-05-01;email;da;2025-12-01\n"
        + "e1;mentee;Amira Hansen;amira@example.dk;12 25 66 64;2004-03-10;email+sms;da;\n"

    /// (what, arguments or an import, the file's text, the expected exit code, a phrase of the reason)
    static let cases: [(String, [String], String?, Int32, String)] = [
        (
            "bad date in a row", ["import", "people", "in.csv"], "ref,role,name,birthdate\nx1,mentee,Bo,2004-02-30\n",
            65, "in.csv:2:"
        ),
        (
            "bad phone in a row", ["import", "people", "in.csv"], "ref,role,name,phone\nx1,mentee,Bo,12 34\n", 65,
            "in.csv:2: phone"
        ),
        (
            "bad email in a row", ["import", "people", "in.csv"], "ref,role,name,email\nx1,mentee,Bo,bo@@x.dk\n", 65,
            "in.csv:2: email"
        ),
        (
            "CR/LF injected in a quoted name", ["import", "people", "in.csv"],
            "ref,role,name,email\nx1,mentee,\"Bo\r\nBcc: evil@x.dk\",bo@x.dk\n", 65, "in.csv:2: name"
        ),
        (
            "unknown role", ["import", "people", "in.csv"], "ref,role,name,email\nx1,boss,Bo,bo@x.dk\n", 65,
            "in.csv:2: role"
        ),
        (
            "duplicate ref in the file", ["import", "people", "in.csv"],
            "ref,role,name,email\nx1,mentee,Bo,bo@x.dk\nx2,mentee,Al,al@x.dk\nx1,mentor,Cy,cy@x.dk\n", 65,
            "in.csv:4: ref"
        ),
        (
            "a matched person's role changed by a re-import", ["import", "people", "in.csv"],
            "ref,role,name,email\nm1,mentee,Søren Mikkelsen,soren@example.dk\n", 65, "in.csv:2: role"
        ),
        (
            "a re-import that takes a person's last address", ["import", "people", "in.csv", "--dry-run"],
            "ref;role;name;email;phone\nz1;mentee;Zoë Ølgaard;;\n", 65, "in.csv:2: email"
        ),
        (
            "a Danish date that does not exist", ["import", "people", "in.csv"],
            "ref;rolle;navn;e-mail;fødselsdato\nx1;mentee;Bo;bo@x.dk;31-02-2004\n", 65,
            "in.csv:2: birthdate: '31-02-2004' is not a date"
        ),
        (
            "a two-digit year", ["import", "relationships", "in.csv"],
            "mentor;mentee;program;start\nm1;e1;symb;01-04-26\n", 65,
            "in.csv:2: start: '01-04-26' has no four-digit year"
        ),
        (
            "a value under a column without a name", ["import", "people", "in.csv"],
            "ref;role;name;;email\nx1;mentee;Bo;oops;bo@x.dk\n", 65, "in.csv:2: a value in column 4"
        ),
        (
            "missing required column", ["import", "people", "in.csv"], "ref,name,email\nx1,Bo,bo@x.dk\n", 65,
            "in.csv:1:"
        ),
        (
            "unknown column", ["import", "people", "in.csv"], "ref,role,name,emial\nx1,mentee,Bo,bo@x.dk\n", 65,
            "in.csv:1: unknown column 'emial'"
        ),
        ("too many fields", ["import", "people", "in.csv"], "ref,role,name\nx1,mentee,Bo,extra\n", 65, "in.csv:2:"),
        ("no address at all", ["import", "people", "in.csv"], "ref,role,name\nx1,mentee,Bo\n", 65, "in.csv:2: email"),
        ("unclosed quote", ["import", "people", "in.csv"], "ref,role,name\nx1,mentee,\"Bo\n", 65, "in.csv:2:"),
        (
            "sms without a phone", ["import", "people", "in.csv"],
            "ref,role,name,email,channels\nx1,mentee,Bo,bo@x.dk,sms\n", 65, "in.csv:2: channels"
        ),
        (
            "unknown program", ["import", "relationships", "in.csv"],
            "mentor_ref,mentee_ref,program,start\nm1,e1,nosuch,2026-03-01\n", 65, "in.csv:2: program"
        ),
        (
            "unknown ref", ["import", "relationships", "in.csv"],
            "mentor_ref,mentee_ref,program,start\nm1,zz,symb,2026-03-01\n", 65, "in.csv:2: mentee_ref"
        ),
        (
            "end before start", ["import", "relationships", "in.csv"],
            "mentor_ref;mentee_ref;program;start;end\nm1;e1;symb;2026-03-01;2026-02-01\n", 65, "in.csv:2: end"
        ),
        (
            "eligibility: mentee too young", ["import", "relationships", "in.csv"],
            "mentor_ref,mentee_ref,program,start\nm1,e1,mentorshoppen,2021-03-01\n", 65, "in.csv:2:"
        ),
        (
            "minutes out of range", ["import", "contacts", "in.csv"],
            "mentor_ref,mentee_ref,date,minutes\nm1,e1,2026-03-05,1441\n", 65, "in.csv:2: minutes"
        ),
        (
            "a contact over 8 hours in a file, without --yes", ["import", "contacts", "in.csv"],
            "mentor_ref;mentee_ref;date;minutes;kind\nm1;e1;05-03-2026;900;meeting\n", 65,
            "in.csv:2: minutes: 900 minutes is over 8 hours; check the number, or add --yes"
        ),
        (
            "contact for no forløb", ["import", "contacts", "in.csv"],
            "mentor_ref,mentee_ref,date,minutes\ne1,m1,2026-03-05,60\n", 65, "in.csv:2:"
        ),
        (
            "good rows before a bad one", ["import", "people", "in.csv"],
            "ref,role,name,email\nok1,mentee,Bo,bo@x.dk\nok2,mentee,Al,al@x.dk\nbad,mentee,,c@x.dk\n", 65,
            "in.csv:4: name"
        ),
        ("bad date on the command line", ["contact", "1", "--date", "2026-02-30", "--minutes", "30"], nil, 65, "date"),
        (
            "minutes zero on the command line", ["contact", "1", "--date", "2026-03-05", "--minutes", "0"], nil, 65,
            "minutes"
        ),
        (
            "CR/LF in a person's name",
            ["person", "add", "--role", "mentee", "--name", "Bo\r\nBcc: x@y.dk", "--email", "bo@x.dk"], nil, 65, "name"
        ),
        (
            "bad phone on the command line", ["person", "add", "--role", "mentee", "--name", "Bo", "--phone", "123"],
            nil, 65, "phone"
        ),
        // An unknown --program is the argument's mistake (65), not the config's (78): it names the programs.
        (
            "unknown program in match",
            ["match", "--mentor", "1", "--mentee", "2", "--program", "nosuch", "--start", "2026-03-01"], nil, 65,
            "there is no program 'nosuch'; the programs are "
        ),
        ("unknown program in forloeb list", ["forloeb", "list", "--program", "nope"], nil, 65, "the programs are"),
        ("unknown program in attention", ["attention", "--program", "nope"], nil, 65, "the programs are"),
        (
            "unknown program in report year", ["report", "year", "--year", "2026", "--program", "nope"], nil, 65,
            "the programs are"
        ),
        (
            "unknown program in report hours", ["report", "hours", "--month", "2026-03", "--program", "nope"], nil, 65,
            "the programs are"
        ),
        (
            "unknown program in cafe cancel", ["cafe", "cancel", "--program", "nope", "--at", "2031-05-06T18:00"], nil,
            65, "the programs are"
        ),
        ("unknown person id", ["contact", "999", "--date", "2026-03-05", "--minutes", "30"], nil, 65, "999"),
        (
            "unknown option", ["person", "add", "--role", "mentee", "--name", "Bo", "--colour", "red"], nil, 64,
            "--colour"
        ),
        ("NUL byte in a file", ["import", "people", "in.csv"], "ref,role,name\nx1,mentee,B\u{0}o\n", 65, "in.csv"),
        // What silently corrupted the picture before (issue 10):
        (
            "the same pair matched again while its forløb runs",
            ["match", "--mentor", "1", "--mentee", "2", "--program", "djoef", "--start", "2026-05-01"], nil, 65,
            "already have forløb 1"
        ),
        (
            "the same pair twice in an import", ["import", "relationships", "in.csv"],
            "mentor_ref,mentee_ref,program,start\nm1,e1,symb,2026-04-01\n", 65, "in.csv:2: match"
        ),
        (
            "a contact in the future", ["contact", "1", "--date", "2199-03-05", "--minutes", "30"], nil, 65,
            "is after today"
        ),
        (
            "a contact in the future in a file", ["import", "contacts", "in.csv"],
            "mentor_ref,mentee_ref,date,minutes\nm1,e1,2199-03-05,60\n", 65, "in.csv:2: date"
        ),
        (
            "a birthdate in the future",
            ["person", "add", "--role", "mentee", "--name", "Bo", "--email", "bo@x.dk", "--birthdate", "2190-01-01"],
            nil, 65, "birthdate"
        ),
        ("an end past the years dates hold", ["extend", "1", "--until", "9999-12-31"], nil, 65, "outside the years"),
        (
            "a reminder that outlives its forløb",
            [
                "reminder", "add", "--person", "2", "--time", "07:00", "--days", "mon", "--text", "Godmorgen",
                "--until", "2199-07-01",
            ], nil, 65, "after the forløb ends"
        ),
        (
            "a reminder for a person without a forløb",
            ["reminder", "add", "--person", "3", "--time", "07:00", "--days", "mon", "--text", "Godmorgen"], nil, 65,
            "no forløb"
        ),
        (
            "an all-zero phone", ["person", "add", "--role", "mentee", "--name", "Bo", "--phone", "+45 0000 0000"], nil,
            65, "not a Danish number"
        ),
        (
            "a placeholder phone", ["person", "add", "--role", "mentee", "--name", "Bo", "--phone", "22 22 22 22"], nil,
            65, "placeholder"
        ),
        (
            "a country code nobody has",
            ["person", "add", "--role", "mentee", "--name", "Bo", "--phone", "+999 1234 5678"],
            nil, 65, "country code"
        ),
        (
            "a name an SMS cannot carry",
            ["person", "add", "--role", "mentee", "--name", "李小龍", "--phone", "13243546"],
            nil, 65, "Latin letters"
        ),
    ]

    @Test func everyKindIsRefusedWithItsLineAndTheDatabaseUnchanged() throws {
        let cli = CLIHarness()
        try cli.run(["init"])
        cli.write("people.csv", BadInputTests.people + "z1;mentee;Zoë Ølgaard;zoe@example.dk;;2005-01-01;email;da;\n")
        #expect(try cli.run(["import", "people", "people.csv"]).code == 0)
        cli.write("rel.csv", "mentor_ref,mentee_ref,program,start,end\nm1,e1,symb,2026-03-01,2199-06-01\n")
        #expect(try cli.run(["import", "relationships", "rel.csv"]).code == 0)
        let before = try cli.databaseDump()
        // The dump covers every table, rows included, so a change anywhere shows.
        for table in [
            "person", "relationship", "contact", "meeting", "evaluation", "cafe", "reminder", "outbox", "meta",
        ] {
            #expect(before.contains("[\(table)]"), "the dump lacks \(table)")
        }
        #expect(before.contains("'Søren Mikkelsen'") && before.contains("'symb'"))
        #expect(BadInputTests.cases.count >= 15)
        for (what, arguments, file, code, phrase) in BadInputTests.cases {
            if let file { cli.write("in.csv", file) }
            let result = try cli.run(arguments)
            #expect(result.code == code, "\(what): exit \(result.code), \(result.err)")
            #expect(result.err.contains(phrase), "\(what): '\(result.err)' lacks '\(phrase)'")
            #expect(result.err.split(separator: "\n").count == 1, "\(what): not one line: \(result.err)")
            #expect(try cli.databaseDump() == before, "\(what) changed the database")
        }
    }
}

@Suite(.serialized) struct IdempotentInputTests {
    /// A new database with the people of `BadInputTests.people` and one forløb, m1 and e1, imported.
    static func pairImported() throws -> CLIHarness {
        let cli = CLIHarness()
        try cli.run(["init"])
        cli.write("people.csv", BadInputTests.people)
        #expect(try cli.run(["import", "people", "people.csv"]).code == 0)
        cli.write("rel.csv", "mentor_ref,mentee_ref,program,start\nm1,e1,mentorshoppen,2026-03-02\n")
        #expect(try cli.run(["import", "relationships", "rel.csv"]).code == 0)
        return cli
    }

    @Test func theSameContactsFileImportedTwiceCountsOnce() throws {
        let cli = try Self.pairImported()
        // Two identical meetings in one file are two meetings; the file again adds nothing.
        cli.write(
            "contacts.csv",
            "mentor_ref,mentee_ref,date,minutes\nm1,e1,2026-04-05,60\nm1,e1,2026-04-05,60\nm1,e1,2026-04-12,90\n")
        #expect(try cli.run(["import", "contacts", "contacts.csv"]).out.hasPrefix("contacts.csv: 3 added, 0 changed;"))
        let again = try cli.run(["import", "contacts", "contacts.csv"])
        #expect(again.code == 0)
        #expect(again.out.hasPrefix("contacts.csv: 0 added, 0 changed; 3 unchanged;"), "\(again.out)")
        let report = try cli.run(["report", "hours", "--month", "2026-04", "--csv"])
        #expect(report.out.contains(";210;240;below"), "\(report.out)")
        // A file with one more meeting adds just that one.
        cli.write(
            "contacts.csv",
            "mentor_ref,mentee_ref,date,minutes\nm1,e1,2026-04-05,60\nm1,e1,2026-04-05,60\nm1,e1,2026-04-05,60\n")
        #expect(
            try cli.run(["import", "contacts", "contacts.csv"]).out.hasPrefix(
                "contacts.csv: 1 added, 0 changed; 2 unchanged;"))
    }

    /// A contact over 8 hours is meant when the import says so, as with `contact --yes`.
    @Test func aLongContactInAFileIsImportedWithYes() throws {
        let cli = try Self.pairImported()
        cli.write("contacts.csv", "mentor_ref;mentee_ref;date;minutes;kind\nm1;e1;05-04-2026;900;meeting\n")
        #expect(try cli.run(["import", "contacts", "contacts.csv"]).code == 65)
        let meant = try cli.run(["import", "contacts", "contacts.csv", "--yes"])
        #expect(meant.out.hasPrefix("contacts.csv: 1 added, 0 changed;"), "\(meant.out) \(meant.err)")
    }

    @Test func aNameOutsideGSMIsWrittenInGSMLettersInAnSMS() throws {
        #expect(GSMTextProbe.sms("Zoë Łukasz Олена – “x”") == "Zoe Lukasz Olena - \"x\"")
    }
}

enum GSMTextProbe {
    static func sms(_ text: String) -> String { GSMText.bestEffort(text) }
}
