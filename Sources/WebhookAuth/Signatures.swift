import CCrypto
import Foundation

/// HMAC through OpenSSL (libcrypto), and a comparison whose time does not depend on where two
/// values first differ.
public enum HMACDigest {
    public static func sha256(key: [UInt8], data: [UInt8]) -> [UInt8] { digest(EVP_sha256(), key: key, data: data) }
    public static func sha1(key: [UInt8], data: [UInt8]) -> [UInt8] { digest(EVP_sha1(), key: key, data: data) }

    private static func digest(_ algorithm: OpaquePointer?, key: [UInt8], data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = key.withUnsafeBytes { keyBytes in
            data.withUnsafeBytes { dataBytes in
                out.withUnsafeMutableBufferPointer { outBytes in
                    HMAC(
                        algorithm, keyBytes.baseAddress, Int32(key.count),
                        dataBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), data.count, outBytes.baseAddress,
                        &length) != nil
                }
            }
        }
        return ok ? Array(out[0..<Int(length)]) : []
    }

    /// Equal bytes, compared in constant time (CRYPTO_memcmp); different lengths are unequal.
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count, !a.isEmpty else { return false }
        return a.withUnsafeBytes { x in
            b.withUnsafeBytes { y in CRYPTO_memcmp(x.baseAddress, y.baseAddress, a.count) == 0 }
        }
    }
}

/// GatewayAPI signs its webhooks with a JWT (HS256) in `X-Gwapi-Signature`, keyed with the
/// webhook's secret, and puts the whole event in the token's payload. Only HS256 is accepted: a
/// token naming another algorithm (or `none`) fails.
public enum GatewayAPISignature {
    /// Whether `token` is a JWT signed with `secret` by HS256. Tokens over 8 KiB fail.
    public static func verify(token: String, secret: [UInt8]) -> Bool {
        signedPayload(token: token, secret: secret) != nil
    }

    /// The event a request carries, read from the verified token alone: the body proves nothing,
    /// so it must say nothing the token does not (every field of the body's JSON object equal to
    /// the payload's), or the request fails. A token past its `exp` or before its `nbf` fails
    /// (60 s leeway for clocks); nil for every failure.
    public static func event(token: String, body: [UInt8], secret: [UInt8], now: Int64) -> [String: Any]? {
        guard let payload = signedPayload(token: token, secret: secret),
            let event = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any],
            let said = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
        else { return nil }
        if let expires = event["exp"] as? NSNumber, now > expires.int64Value + 60 { return nil }
        if let notBefore = event["nbf"] as? NSNumber, now < notBefore.int64Value - 60 { return nil }
        for (name, value) in said {
            guard let signed = event[name], canonical(signed) == canonical(value) else { return nil }
        }
        return event
    }

    /// A JSON value written one way only (sorted keys), to compare what two documents say.
    static func canonical(_ value: Any) -> Data? {
        try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
    }

    /// The payload of `token` when it is a JWT signed with `secret` by HS256.
    static func signedPayload(token: String, secret: [UInt8]) -> [UInt8]? {
        guard token.utf8.count <= 8192, !secret.isEmpty else { return nil }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let header = Base64URL.decode(parts[0]),
            let object = try? JSONSerialization.jsonObject(with: Data(header)) as? [String: Any],
            object["alg"] as? String == "HS256", let signature = Base64URL.decode(parts[2])
        else { return nil }
        let signed = Array("\(parts[0]).\(parts[1])".utf8)
        guard HMACDigest.equal(HMACDigest.sha256(key: secret, data: signed), signature) else { return nil }
        return Base64URL.decode(parts[1])
    }
}

/// Twilio signs with `X-Twilio-Signature`: base64 of HMAC-SHA1, keyed with the auth token, over
/// the full URL it called followed by each form parameter's name and value, sorted by name.
public enum TwilioSignature {
    public static func expected(url: String, parameters: [(String, String)], authToken: String) -> String {
        var data = url
        for (name, value) in parameters.sorted(by: { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }) {
            data += name + value
        }
        return Data(HMACDigest.sha1(key: Array(authToken.utf8), data: Array(data.utf8))).base64EncodedString()
    }

    public static func verify(url: String, parameters: [(String, String)], authToken: String, signature: String)
        -> Bool
    {
        guard !authToken.isEmpty, signature.utf8.count <= 256 else { return false }
        return HMACDigest.equal(
            Array(expected(url: url, parameters: parameters, authToken: authToken).utf8), Array(signature.utf8))
    }
}

/// Base64 with the URL alphabet and no padding (RFC 4648 5), as JWTs write it.
enum Base64URL {
    static func decode(_ text: Substring) -> [UInt8]? {
        guard text.utf8.count <= 8192,
            text.allSatisfy({ $0.isLetter && $0.isASCII || $0.isNumber && $0.isASCII || $0 == "-" || $0 == "_" })
        else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64).map(Array.init)
    }
}
