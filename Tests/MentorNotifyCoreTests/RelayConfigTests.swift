import Foundation
import Testing

/// `email.heloName` (SPEC.md "Config"): the name we give in EHLO is a full host name, said in one
/// place; a bad one is exit 78 naming the key.
@Suite struct RelayConfigTests {
    static func config(_ email: String) -> String {
        #"{"email": {"from": "Mentorshoppen <noreply@example.dk>", "#
            + email + #"}, "programs": [{"id": "symb", "preset": "symb"}]}"#
    }

    @Test(arguments: [
        (#""url": "smtps://smtp.example.dk:465", "heloName": "mentorbox""#, "email.heloName"),
        (#""url": "smtps://smtp.example.dk:465", "heloName": "mail_1.example.dk""#, "email.heloName"),
        (#""url": "smtps://smtp.example.dk:465", "heloName": "192.0.2.1""#, "email.heloName"),
        (#""url": "smtps://smtp.example.dk:465", "heloName": "mail.example.dk\r\nRSET""#, "email.heloName"),
        // libcurl would send a URL's path in EHLO: that name has one place, heloName.
        (#""url": "smtps://smtp.example.dk:465/mentorbox""#, "email.url"),
    ])
    func aBadEHLONameIsAConfigError(email: String, key: String) throws {
        let cli = CLIHarness()
        cli.write("config.json", RelayConfigTests.config(email))
        let check = try cli.run(["check"])
        #expect(check.code == 78, "\(check.out) \(check.err)")
        #expect(check.err.contains(key), "\(check.err)")
    }

    @Test func aFullHostNameIsTaken() throws {
        let cli = CLIHarness()
        cli.write(
            "config.json",
            RelayConfigTests.config(#""url": "smtps://smtp.example.dk:465/", "heloName": "mentor.example.dk""#))
        let check = try cli.run(["check"])
        #expect(!check.err.contains("heloName") && !check.err.contains("email.url"), "\(check.err)")
        #expect(check.code != 78, "\(check.err)")
    }
}
