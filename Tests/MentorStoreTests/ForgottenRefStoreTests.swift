import Foundation
import MentorModel
import Testing

@testable import MentorStore

/// A forgotten ref is recognised by a hash keyed per database: the same ref in two databases
/// leaves two different hashes, so a list of likely refs hashed without the key finds nothing.
@Suite struct ForgottenRefStoreTests {
    func forgottenHash(_ folder: TemporaryDirectory, _ name: String) throws -> (Store, String) {
        let store = try Store(path: folder.file(name))
        #expect(try store.meta(Store.forgottenRefKey) == nil, "no key before anyone is forgotten")
        let id = try store.write {
            try store.addPerson(NewPerson(ref: "e1", role: .mentee, name: "Amira Hansen", email: "amira@example.dk"))
        }
        try store.forget(id)
        #expect(try store.isForgotten(ref: "e1"))
        #expect(try !store.isForgotten(ref: "e2"))
        let hashes = try store.database.query("SELECT hash FROM forgotten_ref") { $0.string(0) }
        try #require(hashes.count == 1)
        return (store, hashes[0])
    }

    @Test func theSameRefHashesDifferentlyInEachDatabase() throws {
        let folder = TemporaryDirectory()
        let (first, a) = try forgottenHash(folder, "a.db")
        let (_, b) = try forgottenHash(folder, "b.db")
        #expect(a != b)
        let plain = try InboundKey.sha256Hex(Array("e1".utf8))
        #expect(a.count == 64 && a != plain, "keyed, not a plain SHA-256")
        // Forgotten again (already erased): nothing more is remembered.
        try first.forget(1)
        #expect(try first.database.scalarInt("SELECT count(*) FROM forgotten_ref") == 1)
    }
}
