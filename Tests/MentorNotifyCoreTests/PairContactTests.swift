import Foundation
import MentorStore
import Testing

/// A leader's alert that asks them to contact the pair says how: both people's numbers (as Danes
/// write them) on SMS, numbers and addresses on email.
@Suite struct PairContactTests {
    @Test func theMissedContactAlertCarriesThePairsNumbersAndAddresses() throws {
        let cli = CLIHarness()
        cli.write(
            "config.json",
            """
            { "programs": [ { "id": "djoef", "preset": "djoef",
                "leaders": [ { "name": "Louise Berg", "email": "louise@example.dk", "phone": "+4587654321",
                  "channels": "email,sms" } ] } ] }
            """)
        _ = try cli.forloeb(
            program: "djoef",
            mentor: ["--name", "Søren Mikkelsen", "--email", "soren@example.dk", "--phone", "+4513243546"],
            mentee: ["--name", "Amira Hansen", "--email", "amira@example.dk", "--phone", "24354657"])
        // No contact since the start on 2 March: the alert falls due 30 days later.
        let tick = try cli.run(["tick", "--at", "2026-04-02T10:00"])
        #expect(tick.code == 0, "\(tick.err)")
        let database = try Database(path: cli.folder + "/test.db")
        func alert(_ channel: String) throws -> String {
            try #require(
                try database.queryOne(
                    "SELECT body FROM outbox WHERE rule = 'missed-contact' AND channel = '\(channel)'"
                ) { $0.string(0) })
        }
        let sms = try alert("sms")
        #expect(sms.contains("+45 13 24 35 46"), "\(sms)")
        #expect(sms.contains("+45 24 35 46 57"), "\(sms)")
        let email = try alert("email")
        for shown in ["+45 13 24 35 46", "soren@example.dk", "+45 24 35 46 57", "amira@example.dk"] {
            #expect(email.contains(shown), "\(email)")
        }
    }
}
