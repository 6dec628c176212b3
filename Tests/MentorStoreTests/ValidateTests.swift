import MentorModel
import Testing

@testable import MentorStore

@Suite struct ValidateTests {
    @Test(arguments: [
        ("13 24 35 46", "+4513243546"),
        ("13243546", "+4513243546"),
        ("+45 12 25 66 64", "+4512256664"),
        ("0045 44107333", "+4544107333"),
        ("+45-44-10-73-33", "+4544107333"),
        ("+46 70 123 45 67", "+46701234567"),
        ("(+45) 13243546", "+4513243546"),
    ])
    func phonesBecomeE164(raw: String, expected: String) throws {
        #expect(try Validate.phone(raw) == expected)
    }

    @Test(arguments: [
        // Found by `make fuzz`: a digit with a combining mark is one Character within "0"..."9".
        "2\u{06DF}0020230", "21\u{0301}241803",
        "1234567", "132435461", "+45 2124180", "+4513243546x", "abc", "", "+0045123", "02124180", "13243546\n",
        // A placeholder, a Danish number starting with 0, a country code nobody has.
        "00000000", "+45 0000 0000", "22 22 22 22", "+45 0212 4180", "+999 1234 5678", "+28 1234 5678",
    ])
    func badPhonesAreRefused(raw: String) {
        #expect(throws: InputError.self) { try Validate.phone(raw) }
    }

    @Test(arguments: [
        ("leder@example.dk", "leder@example.dk"),
        ("Anna.B+mentor@Mentor.Example.DK", "Anna.B+mentor@mentor.example.dk"),
        ("søren@eksempel.dk", "søren@eksempel.dk"),
    ])
    func emailsAreNormalised(raw: String, expected: String) throws {
        #expect(try Validate.email(raw) == expected)
    }

    @Test(arguments: [
        "no-at.dk", "a@b", "a@@b.dk", "@example.dk", "a@example..dk", "a b@example.dk", "a@example.dk\r\nBcc: x@y.dk",
        "<a@example.dk>", "a@-example.dk", ".a@example.dk", "a,b@example.dk",
        // Found by `make fuzz`: "<" with a combining mark is one Character that is not "<".
        "email+<\u{05BF}-4t@1.k", "a>\u{0301}@example.dk", "a@\u{0301}b@example.dk", "a.\u{0301}.@example.dk",
        "a@example.\u{0301}.dk", "a@example.dk-\u{0301}",
        // Found by `make fuzz` (issue 10's session): a domain starting with a combining mark fuses with the "@".
        "\u{FFFD}@\u{036B}.d", "a@\u{036B}example.dk",
    ])
    func badEmailsAreRefused(raw: String) {
        #expect(throws: InputError.self) { try Validate.email(raw) }
    }

    @Test(arguments: [
        ("1970-05-01", true), ("2026-11-29", true), ("2199-12-31", false), ("1899-12-31", false),
        ("9999-12-31", false),
    ])
    func datesThatHappenedAreOnOrBeforeToday(raw: String, accepted: Bool) {
        let today = LocalDate("2026-11-29")!
        #expect(((try? Validate.pastDate(raw, field: "birthdate", today: today)) != nil) == accepted)
    }

    @Test(arguments: ["Anna\r\nBcc: x", "Anna\nB", "Anna\0", "Anna\u{0007}", "A\u{2028}B"])
    func controlCharactersAreRefusedInText(raw: String) {
        #expect(throws: InputError.self) { try Validate.text(raw, field: "name") }
        #expect(throws: InputError.self) { try Validate.name(raw) }
    }

    @Test(arguments: [("1", 1), ("1440", 1440), (" 90 ", 90)])
    func minutesInRange(raw: String, expected: Int) throws {
        #expect(try Validate.minutes(raw) == expected)
    }

    @Test(arguments: ["0", "1441", "-5", "1.5", "", "ten"])
    func minutesOutOfRange(raw: String) {
        #expect(throws: InputError.self) { try Validate.minutes(raw) }
    }
}
