import MentorModel
// internal: a public import of WebhookAuth here made swiftc report a circular reference on
// MentorNotifyCore's `JSON`.
internal import WebhookAuth

/// The refs of forgotten people, remembered so that `forget` sticks: the leader's sheet is imported
/// again and again (SPEC.md "Import is a sync"), and a row it still holds must not bring the person
/// back as someone new. Only an HMAC-SHA256 of each ref is kept, keyed with 32 random bytes made by
/// SQLite (`randomblob`) the first time someone is forgotten. The key lives in `meta`, in the same
/// database: this is pseudonymous, enough to recognise a ref given again, not to list or recover
/// the refs (that would take guessing each one with the key in hand).
extension Store {
    static let forgottenRefKey = "forgotten-ref.key"

    /// Whether `ref` belonged to a person who was forgotten. False while nobody has been (no key).
    public func isForgotten(ref: String) throws -> Bool {
        guard let key = try meta(Store.forgottenRefKey) else { return false }
        let hash = try Store.forgottenRefHash(ref, key: key)
        return try database.scalarInt("SELECT count(*) FROM forgotten_ref WHERE hash = ?", [hash]) ?? 0 > 0
    }

    /// Remembers `ref` as forgotten (inside `forget`'s transaction), making the key on first need.
    func rememberForgotten(ref: String) throws {
        try database.run(
            "INSERT INTO meta (key, value) VALUES (?, lower(hex(randomblob(32)))) ON CONFLICT (key) DO NOTHING",
            [Store.forgottenRefKey])
        guard let key = try meta(Store.forgottenRefKey) else {
            throw StoreError(.io, "the key for forgotten refs could not be made; run `mentor-notify forget` again")
        }
        try database.run(
            "INSERT INTO forgotten_ref (hash) VALUES (?) ON CONFLICT (hash) DO NOTHING",
            [try Store.forgottenRefHash(ref, key: key)])
    }

    /// The key is the 64 hex characters of the random bytes, used as they are: 256 bits either way.
    private static func forgottenRefHash(_ ref: String, key: String) throws(StoreError) -> String {
        let digest = HMACDigest.sha256(key: Array(key.utf8), data: Array(ref.utf8))
        guard digest.count == 32 else {
            throw StoreError(.io, "libcrypto could not compute an HMAC (out of memory?); try again")
        }
        return Hex.lowercase(digest)
    }
}
