import CCrypto
import MentorModel

/// The key an email that came back is recorded by (`inbound.key`), acted on once per key. It is a
/// SHA-256, never the Message-ID itself, which often holds an address (SPEC.md "Personal data at
/// rest"); a message without a Message-ID is known by the hash of its bytes, so a renumbered
/// folder (a changed UIDVALIDITY) does not make it new.
public enum InboundKey {
    public static func email(messageID: String) throws(StoreError) -> String {
        "email:" + (try sha256Hex(Array(messageID.utf8)))
    }

    public static func email(bytes: [UInt8]) throws(StoreError) -> String {
        "email-bytes:" + (try sha256Hex(bytes))
    }

    /// SHA-256 through libcrypto, in lower-case hex.
    static func sha256Hex(_ data: [UInt8]) throws(StoreError) -> String {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = data.withUnsafeBytes { bytes in
            digest.withUnsafeMutableBufferPointer { out in
                EVP_Digest(bytes.baseAddress, data.count, out.baseAddress, &length, EVP_sha256(), nil) == 1
            }
        }
        guard ok, length == 32 else {
            throw StoreError(.io, "libcrypto could not compute a SHA-256 (out of memory?); try again")
        }
        return Hex.lowercase(digest[0..<32])
    }
}
