// Fuzz target: whatever arrives as a webhook's signature or token (and the parameters it covers)
// is checked without trapping, and a random input never verifies. A GatewayAPI event is read only
// from the token's signed payload: the input split at its first newline is a payload (signed here
// with the secret) and a body; the event returned is the payload's, and a body that says anything
// the payload does not is refused.
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWebhook(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let text = String(decoding: bytes, as: UTF8.self)
    let secret = Array("fuzz-secret".utf8)
    precondition(!GatewayAPISignature.verify(token: text, secret: secret) || text.count > 20)
    precondition(GatewayAPISignature.event(token: text, body: bytes, secret: secret, now: 0) == nil || text.count > 20)
    let fields = text.split(separator: "&").prefix(50).map { pair -> (String, String) in
        let parts = pair.split(separator: "=", maxSplits: 1)
        return (String(parts.first ?? ""), parts.count > 1 ? String(parts[1]) : "")
    }
    precondition(
        !TwilioSignature.verify(url: "https://mentor.example.dk/hooks/twilio/inbound", parameters: fields,
            authToken: "token", signature: text))
    // A payload signed with the secret, and a body beside it.
    let split = bytes.firstIndex(of: 10) ?? bytes.count
    let payload = Array(bytes[..<split])
    let body = split < bytes.count ? Array(bytes[(split + 1)...]) : payload
    let token = signed(payload, secret: secret)
    let event = GatewayAPISignature.event(token: token, body: body, secret: secret, now: 0)
    let payloadObject = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any]
    let bodyObject = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any]
    if let event {
        // What is acted on is the payload, and the body said nothing else.
        precondition(payloadObject != nil && bodyObject != nil)
        precondition(canonical(event) == canonical(payloadObject ?? [:]))
        for (name, value) in bodyObject ?? [:] {
            precondition(event[name].map(canonical) == canonical(value))
        }
    }
    // The payload posted as its own body is accepted when it is an object with no time limits.
    if let payloadObject, payloadObject["exp"] == nil, payloadObject["nbf"] == nil, token.utf8.count <= 8192 {
        precondition(GatewayAPISignature.event(token: token, body: payload, secret: secret, now: 0) != nil)
    }
    return 0
}

func canonical(_ value: Any) -> Data? {
    try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
}

func signed(_ payload: [UInt8], secret: [UInt8]) -> String {
    func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
    let head = base64URL(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8)) + "." + base64URL(payload)
    return head + "." + base64URL(HMACDigest.sha256(key: secret, data: Array(head.utf8)))
}
