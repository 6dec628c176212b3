import Foundation
import MentorModel
import Testing

@testable import MentorStore

/// What came back is known by hashes, never by a Message-ID that holds an address.
@Suite struct InboundKeyTests {
    @Test func keysAreSHA256OfTheMessageIDOrOfTheBytes() throws {
        // The SHA-256 test vector of "abc" (FIPS 180-2).
        #expect(
            try InboundKey.email(messageID: "abc")
                == "email:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            try InboundKey.email(bytes: Array("abc".utf8)).hasSuffix(
                ":ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"))
        #expect(try InboundKey.email(bytes: []) != InboundKey.email(messageID: ""))
    }

    /// Mail handled before the upgrade is still recognised: its key, and the keys of the forward and
    /// the confirmation that repeat it, become the hash; no address is left in a key.
    @Test func theMigrationRewritesOldKeysToTheirHashes() throws {
        let folder = TemporaryDirectory()
        let path = folder.file("old.db")
        let messageID = "CAF.soren@example.dk"
        do {
            let database = try Database(path: path)
            try Schema.migrator.migrate(database, upTo: "006-unsubscribe")
            try database.execute(
                """
                INSERT INTO inbound (key, received_at, channel, action) VALUES
                    ('email:\(messageID)', 1, 'email', 'hours'), ('imap:7:3', 2, 'email', 'unmatched'),
                    ('gatewayapi:991', 3, 'sms', 'hours');
                INSERT INTO outbox (key, channel, rule, role, not_before, created_at, updated_at) VALUES
                    ('reply-confirmation:person-1:mentor:email:\(messageID)', 'email', 'reply-confirmation', 'mentor', 0, 0, 0),
                    ('reply-forward:person-1:leader-2:email:\(messageID)', 'email', 'reply-forward', 'leader', 0, 0, 0),
                    ('monthly-hours:1:mentor:2026-04', 'email', 'monthly-hours', 'mentor', 0, 0, 0);
                """)
        }
        let store = try Store(path: path)
        let hashed = try InboundKey.email(messageID: messageID)
        #expect(try store.inboundHandled(hashed))
        #expect(
            try store.database.query("SELECT key FROM inbound ORDER BY id") { $0.string(0) } == [
                hashed, "imap:7:3", "gatewayapi:991",
            ])
        #expect(
            try store.database.query("SELECT key FROM outbox ORDER BY id") { $0.string(0) } == [
                "reply-confirmation:person-1:mentor:" + hashed, "reply-forward:person-1:leader-2:" + hashed,
                "monthly-hours:1:mentor:2026-04",
            ])
    }
}
