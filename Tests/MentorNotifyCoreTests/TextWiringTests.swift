import Foundation
import MentorStore
import Testing

/// What the config and the people contribute to the texts, end to end: the contact person, the
/// evaluation form, first names between people who know each other, and the SMS-sized inputs.
@Suite struct TextWiringTests {
    @Test func evaluationsLinkToTheFormAndNameTheContact() throws {
        let cli = CLIHarness()
        cli.write(
            "config.json",
            """
            { "programs": [ { "id": "symb", "preset": "symb", "name": "SYMB MentorKorps",
                "leaders": [ { "name": "Louise Berg", "email": "louise@example.dk" } ],
                "contact": { "name": "Karin", "phone": "13 24 35 46" },
                "evaluationForm": { "mentor": "https://forms.example.dk/symb-mentor",
                                    "mentee": "https://forms.example.dk/symb-mentee" } } ] }
            """)
        let ids = try cli.forloeb(program: "symb")
        #expect(try cli.run(["contact", String(ids.forloeb), "--date", "2026-05-20", "--minutes", "60"]).code == 0)
        #expect(try cli.run(["tick", "--at", "2026-06-02T10:00"]).code == 0)
        let database = try Database(path: cli.folder + "/test.db")
        let bodies = try database.query(
            "SELECT role, body FROM outbox WHERE rule = 'evaluation' ORDER BY role"
        ) { ($0.string(0), $0.string(1)) }
        #expect(bodies.count == 2)
        let mentee = try #require(bodies.first { $0.0 == "mentee" }?.1)
        let mentor = try #require(bodies.first { $0.0 == "mentor" }?.1)
        #expect(mentee.contains("https://forms.example.dk/symb-mentee"))
        #expect(mentor.contains("https://forms.example.dk/symb-mentor"))
        // Between the pair, first names; the forløb's id nowhere.
        #expect(mentor.contains("evalueringen af dit forløb med Amira:"), "\(mentor)")
        // SYMB's own rule, from its preset: the answers stay with SYMB.
        #expect(mentor.contains("sendes ikke videre til kommunen eller jobcentret"), "\(mentor)")
        #expect(!mentor.contains("Amira Hansen får"))
        // The nudge names the configured contact, not the leader.
        #expect(try cli.run(["tick", "--at", "2026-06-12T10:00"]).code == 0)
        let nudge = try #require(
            try database.queryOne("SELECT body FROM outbox WHERE rule = 'contact-nudge'") { $0.string(0) })
        #expect(nudge.contains("Karin på +45 13 24 35 46"), "\(nudge)")
    }

    /// Where the mentee takes the first contact (Djøf), the mentee's first-meeting reminder carries the
    /// mentor's address on email and number on SMS; in Mentorshoppen, where the pair first meets at
    /// the premises, the mentee is not told to take the contact.
    @Test(arguments: [("djoef", true), ("mentorshoppen", false)])
    func theMenteeWhoTakesTheFirstContactIsToldHow(program: String, shares: Bool) throws {
        let cli = CLIHarness()
        _ = try cli.forloeb(
            program: program,
            mentor: ["--name", "Søren Mikkelsen", "--email", "soren@example.dk", "--phone", "13243546"],
            mentee: [
                "--name", "Amira Hansen", "--email", "amira@example.dk", "--phone", "12256664",
                "--channels", "email,sms",
            ])
        #expect(try cli.run(["tick", "--at", "2026-03-09T10:00"]).code == 0)
        let database = try Database(path: cli.folder + "/test.db")
        let bodies = try database.query(
            "SELECT channel, body FROM outbox WHERE rule = 'first-meeting' AND role = 'mentee' ORDER BY channel"
        ) { ($0.string(0), $0.string(1)) }
        let email = try #require(bodies.first { $0.0 == "email" }?.1)
        let sms = try #require(bodies.first { $0.0 == "sms" }?.1)
        #expect(email.contains("soren@example.dk") == shares, "\(email)")
        #expect(sms.contains("+45 13 24 35 46") == shares, "\(sms)")
        #expect(email.contains("Det er dig, der tager den første kontakt") == shares, "\(email)")
    }

    /// `check` says in one line which SMS texts can take two segments and that this is fine; it
    /// listed each of them on a line of its own.
    @Test func checkSaysInOneLineWhichSMSTextsTakeTwoSegments() throws {
        let cli = CLIHarness()
        let check = try cli.run(["check"])
        #expect(check.code == 0, "\(check.err)")
        let lines = check.out.split(separator: "\n").filter { $0.contains("segment") || $0.contains(" sms]") }
        #expect(lines.count == 1, "\(check.out)")
        #expect(lines.first?.contains("which is fine") == true, "\(check.out)")
        #expect(lines.first?.contains("first-meeting") == true, "\(check.out)")
    }

    @Test func aLeadersOwnSMSTextWithCharactersOutsideGSMIsRefusedWithTheFix() throws {
        let cli = CLIHarness()
        let ids = try cli.forloeb(mentee: ["--name", "Amira Hansen", "--phone", "12 25 66 64"])
        let refused = try cli.run([
            "reminder", "add", "--person", String(ids.mentee), "--time", "07:00", "--days", "mon,tue", "--text",
            "Godmorgen – husk praktik kl. 8 … du kan!",
        ])
        #expect(refused.code == 65)
        #expect(refused.err.contains("write it as: Godmorgen - husk praktik kl. 8 ... du kan!"), "\(refused.err)")
        let accepted = try cli.run([
            "reminder", "add", "--person", String(ids.mentee), "--time", "07:00", "--days", "mon,tue", "--text",
            "Godmorgen - husk praktik kl. 8 ... du kan!",
        ])
        #expect(accepted.code == 0, "\(accepted.err)")
    }

    @Test(arguments: [
        (["person", "add", "--role", "mentee", "--name", String(repeating: "Abcdefghij ", count: 6) + "X"], "name"),
        (
            [
                "cafe", "add", "--program", "mentorshoppen", "--at", "2026-04-23T17:00", "--place",
                String(repeating: "x", count: 61),
            ], "place"
        ),
    ])
    func namesAndPlacesAreLimitedSoEverySMSFits(arguments: [String], field: String) throws {
        let cli = CLIHarness()
        #expect(try cli.run(["init"]).code == 0)
        let result = try cli.run(arguments + ["--email", "a@example.dk"].filter { _ in arguments[0] == "person" })
        #expect(result.code == 65)
        #expect(result.err.contains("\(field): is longer than 60 characters"), "\(result.err)")
    }

    @Test(arguments: [
        (#"{"programs": [{"id": "symb", "preset": "symb", "contact": {"name": "Karin"}}]}"#, "contact.phone"),
        (
            #"{"programs": [{"id": "symb", "preset": "symb", "evaluationForm": {"mentor": "forms.example.dk"}}]}"#,
            "evaluationForm.mentor"
        ),
        (
            #"{"programs": [{"id": "symb", "preset": "symb", "contact": {"name": "Karin", "email": "ikke"}}]}"#,
            "contact.email"
        ),
    ])
    func aContactOrFormThatCannotBeUsedIsAConfigError(config: String, key: String) throws {
        let cli = CLIHarness()
        cli.write("config.json", config)
        let check = try cli.run(["check"])
        #expect(check.code == 78)
        #expect(check.err.contains(key), "\(check.err)")
    }
}
